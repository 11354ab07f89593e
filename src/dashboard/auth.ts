import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DashboardAccess, DashboardSession } from '../core/dashboard/access.js';
import { HttpError } from './http.js';

/** What the dashboard asks Discord (through the bot's client): no Discord code lives here. */
export interface DiscordDirectory {
  /** Whether the member is staff in the server right now (staff role or Manage Server); false when they left. */
  isStaff(guildId: string, userId: string): Promise<boolean>;
  /** The server's name, for the page header; undefined when the bot is not in it. */
  guildName(guildId: string): string | undefined;
}

/** Reads re-check a member's staff role at most this often; writes always check it. */
export const STAFF_RECHECK_MS = 30_000;

/**
 * Cross-site request check for every POST, before the CSRF token: the browser's Origin must be
 * the dashboard's own, and Fetch Metadata (Sec-Fetch-Site) must not say cross-site. A browser
 * that sends neither is refused, since every browser in use sends Origin on a form post.
 */
export function checkSameOrigin(req: IncomingMessage, allowedOrigins: ReadonlySet<string>): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'This form was sent from another site, so it was refused. Nothing was changed.');
  const origin = req.headers.origin;
  if (origin === undefined ? site !== 'same-origin' : !allowedOrigins.has(origin)) {
    throw new HttpError(403, 'This form was sent from another site, so it was refused. Nothing was changed.');
  }
}

/** The session's CSRF token, compared in constant time. */
export function checkCsrfToken(session: DashboardSession, sent: unknown): void {
  const expected = Buffer.from(session.csrfToken);
  const got = Buffer.from(typeof sent === 'string' ? sent : '');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw new HttpError(403, 'This form has expired or did not come from the dashboard. Reload the page and try again. Nothing was changed.');
  }
}

/**
 * Whether a signed-in member still has the staff role. A member who lost it is signed out of
 * every session in that server at their next request: within STAFF_RECHECK_MS for a read, at once for a write.
 */
export class StaffGate {
  private readonly checkedAt = new Map<string, number>();

  constructor(
    private readonly directory: DiscordDirectory,
    private readonly access: DashboardAccess,
  ) {}

  async require(session: DashboardSession, write: boolean, now = Date.now()): Promise<void> {
    const key = `${session.guildId}:${session.userId}`;
    const last = this.checkedAt.get(key);
    if (!write && last !== undefined && now - last < STAFF_RECHECK_MS) return;
    let staff: boolean;
    try {
      staff = await this.directory.isStaff(session.guildId, session.userId);
    } catch {
      throw new HttpError(503, 'Discord could not be asked whether you are still staff. Try again in a moment. Nothing was changed.');
    }
    if (staff) {
      this.checkedAt.set(key, now);
      return;
    }
    this.checkedAt.delete(key);
    this.access.endAllFor(session.guildId, session.userId);
    throw new HttpError(403, 'You are no longer staff in this server, so you were signed out. Nothing was changed.');
  }
}
