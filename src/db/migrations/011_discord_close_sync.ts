import type { Migration } from '../migrate.js';

/**
 * Closing a ticket is two writes in two systems: the database, then Discord (buttons removed, the
 * Closed tag, the post locked and archived). A ticket whose Discord part has not succeeded yet is
 * listed here until it does, so start-up and the sweep can finish it and say what stops them.
 * Tickets closed before this migration are taken as done.
 */
export const discordCloseSync: Migration = {
  version: 11,
  name: 'tickets still to close in Discord',
  sql: `
    CREATE TABLE ticket_discord_close (
      ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
      guild_id TEXT NOT NULL,
      thread_id TEXT NOT NULL,
      since INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_problem TEXT
    );
  `,
};
