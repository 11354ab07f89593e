import type { Migration } from '../migrate.js';

/**
 * What the bot must remember to keep Discord in line with it.
 *
 * Closing a ticket is two writes in two systems: the database, then Discord (buttons removed, the
 * Closed tag, the post locked and archived). A ticket whose Discord part has not succeeded yet is
 * listed here until it does, so start-up and the sweep can finish it and say what stops them.
 * Tickets closed before this migration are taken as done.
 *
 * bot_state holds small facts about the bot's own Discord setup, such as the scope its slash
 * commands were last registered in, so a change of DISCORD_GUILD_ID cleans the old scope.
 */
export const discordCloseSync: Migration = {
  version: 11,
  name: 'Discord sync state: tickets still to close in Discord, bot state',
  sql: `
    CREATE TABLE ticket_discord_close (
      ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
      guild_id TEXT NOT NULL,
      thread_id TEXT NOT NULL,
      since INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_problem TEXT
    );
    CREATE TABLE bot_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
  `,
};
