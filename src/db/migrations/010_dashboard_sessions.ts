import type { Migration } from '../migrate.js';

/**
 * Web dashboard log-in. A one-time link (from /dashboard) and the session it opens are rows, not
 * memory: a restart neither logs staff out nor brings a used or expired link back to life. Only
 * SHA-256 hashes of the secrets are stored, so a copy of the database opens no session.
 *
 * Also an index for paging through a guild's training in id order (the dashboard's table and
 * /training_list): without it a deep page sorted every entry of the guild (0.9 s at 100,000).
 */
export const dashboardSessions: Migration = {
  version: 10,
  name: 'dashboard log-in links and sessions; training paged by id',
  sql: `
    CREATE TABLE dashboard_login_links (
      token_hash TEXT PRIMARY KEY,
      guild_id   TEXT NOT NULL,
      user_id    TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      used_at    INTEGER
    );
    CREATE TABLE dashboard_sessions (
      session_hash TEXT PRIMARY KEY,
      guild_id     TEXT NOT NULL,
      user_id      TEXT NOT NULL,
      csrf_token   TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      expires_at   INTEGER NOT NULL
    );
    CREATE INDEX dashboard_login_links_by_expiry ON dashboard_login_links (expires_at);
    CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
    CREATE INDEX training_by_guild_id ON training_entries (guild_id, id);
  `,
};
