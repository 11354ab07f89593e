import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import type { DeskSettings } from './desk-settings.js';

/** Whether a member may open another ticket now, and if not, why (the Discord layer words it). */
export type OpenCheck =
  | { kind: 'ok' }
  | { kind: 'too-many'; max: number; openThreadIds: string[] }
  | { kind: 'cooldown'; retryAt: number };

/** Limits against spam: open tickets per member, and a cooldown between two new tickets. */
export class TicketLimits {
  private readonly openOfOwner: Statement<[string, string], { thread_id: string }>;
  private readonly lastOpened: Statement<[string, string], { at: number | null }>;

  constructor(db: Db) {
    this.openOfOwner = db.prepare("SELECT thread_id FROM tickets WHERE guild_id = ? AND owner_id = ? AND status = 'open' ORDER BY id");
    this.lastOpened = db.prepare('SELECT MAX(opened_at) AS at FROM tickets WHERE guild_id = ? AND owner_id = ?');
  }

  check(guildId: string, ownerId: string, settings: DeskSettings, now = Date.now()): OpenCheck {
    if (settings.maxOpenPerMember > 0) {
      const open = this.openOfOwner.all(guildId, ownerId).map((r) => r.thread_id);
      if (open.length >= settings.maxOpenPerMember) return { kind: 'too-many', max: settings.maxOpenPerMember, openThreadIds: open };
    }
    if (settings.cooldownSeconds > 0) {
      const last = this.lastOpened.get(guildId, ownerId)?.at;
      const retryAt = last == null ? 0 : last + settings.cooldownSeconds * 1000;
      if (retryAt > now) return { kind: 'cooldown', retryAt };
    }
    return { kind: 'ok' };
  }
}
