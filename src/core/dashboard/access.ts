import { createHash, randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';

/** A /dashboard link works once, for this long (issue 15). */
export const LOGIN_LINK_TTL_MS = 10 * 60 * 1000;
/** A session lasts this long after log-in, then staff run /dashboard again. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** A signed-in staff member: one member of one server. */
export interface DashboardSession {
  guildId: string;
  userId: string;
  /** The token every form of this session carries (CSRF). */
  csrfToken: string;
  expiresAt: number;
}

/** 256 random bits, URL-safe: unguessable, fits in a link and a cookie. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Only hashes are stored: a copy of the database (a backup, say) opens no session. */
function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Log-in to the web dashboard: one-time links handed out by /dashboard, and the sessions they
 * open. Both live in SQLite, so a restart keeps sessions and never revives a used link.
 */
export class DashboardAccess {
  private readonly insertLink: Statement<[string, string, string, number, number]>;
  private readonly claimLink: Statement<[number, string, number], { guild_id: string; user_id: string }>;
  private readonly insertSession: Statement<[string, string, string, string, number, number]>;
  private readonly selectSession: Statement<[string, number], { guild_id: string; user_id: string; csrf_token: string; expires_at: number }>;
  private readonly deleteSession: Statement<[string]>;
  private readonly deleteMember: Statement<[string, string]>;
  private readonly purgeLinks: Statement<[number]>;
  private readonly purgeSessions: Statement<[number]>;

  constructor(private readonly db: Db) {
    this.insertLink = db.prepare('INSERT INTO dashboard_login_links (token_hash, guild_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)');
    // One statement marks the link used and returns it only if it was unused and unexpired, so two
    // clicks racing each other can never both succeed.
    this.claimLink = db.prepare(
      'UPDATE dashboard_login_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING guild_id, user_id',
    );
    this.insertSession = db.prepare(
      'INSERT INTO dashboard_sessions (session_hash, guild_id, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectSession = db.prepare('SELECT guild_id, user_id, csrf_token, expires_at FROM dashboard_sessions WHERE session_hash = ? AND expires_at > ?');
    this.deleteSession = db.prepare('DELETE FROM dashboard_sessions WHERE session_hash = ?');
    this.deleteMember = db.prepare('DELETE FROM dashboard_sessions WHERE guild_id = ? AND user_id = ?');
    this.purgeLinks = db.prepare('DELETE FROM dashboard_login_links WHERE expires_at <= ?');
    this.purgeSessions = db.prepare('DELETE FROM dashboard_sessions WHERE expires_at <= ?');
  }

  /** A new one-time log-in token for this member of this server (the secret part of the link). */
  createLoginLink(guildId: string, userId: string, now = Date.now()): { token: string; expiresAt: number } {
    this.purgeLinks.run(now);
    const token = newSecret();
    const expiresAt = now + LOGIN_LINK_TTL_MS;
    this.insertLink.run(hash(token), guildId, userId, now, expiresAt);
    return { token, expiresAt };
  }

  /** Uses a link: a new session (and its cookie secret) the first time, undefined if used, expired or unknown. */
  redeem(token: string, now = Date.now()): { sessionId: string; session: DashboardSession } | undefined {
    return this.db.transaction(() => {
      const link = this.claimLink.get(now, hash(token), now);
      if (!link) return undefined;
      this.purgeSessions.run(now);
      const sessionId = newSecret();
      const session: DashboardSession = { guildId: link.guild_id, userId: link.user_id, csrfToken: newSecret(), expiresAt: now + SESSION_TTL_MS };
      this.insertSession.run(hash(sessionId), session.guildId, session.userId, session.csrfToken, now, session.expiresAt);
      return { sessionId, session };
    })();
  }

  /** The live session for a cookie's secret; undefined once it expired or was ended. */
  session(sessionId: string, now = Date.now()): DashboardSession | undefined {
    const row = this.selectSession.get(hash(sessionId), now);
    return row && { guildId: row.guild_id, userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  /** Log-out. */
  end(sessionId: string): void {
    this.deleteSession.run(hash(sessionId));
  }

  /** Every session of a member in a server (they lost the staff role). */
  endAllFor(guildId: string, userId: string): void {
    this.deleteMember.run(guildId, userId);
  }
}
