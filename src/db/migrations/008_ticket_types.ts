import type { Migration } from '../migrate.js';

/**
 * The ticket desk: ticket types (each with its intake questions, privacy and handling role), per-server
 * desk settings (where private tickets live, limits against spam, support hours), and per ticket its
 * type, privacy, who claimed it and the member's rating. A server with no types keeps every old behaviour:
 * tickets then have no type, are public, and nothing here is consulted.
 */
export const ticketTypes: Migration = {
  version: 8,
  name: 'ticket types, private tickets, claims, limits, support hours, ratings',
  sql: `
    CREATE TABLE ticket_types (
      id            INTEGER PRIMARY KEY,
      guild_id      TEXT NOT NULL,
      name          TEXT NOT NULL COLLATE NOCASE,
      emoji         TEXT,
      description   TEXT NOT NULL DEFAULT '',
      private       INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
      staff_role_id TEXT,
      questions     TEXT NOT NULL DEFAULT '[]', -- JSON [{ label, style: 'short' | 'paragraph', required }]
      created_at    INTEGER NOT NULL,
      UNIQUE (guild_id, name)
    );

    CREATE TABLE ticket_desk_settings (
      guild_id             TEXT PRIMARY KEY,
      private_channel_id   TEXT,              -- the text channel that holds private tickets' threads
      max_open_per_member  INTEGER NOT NULL DEFAULT 3,
      cooldown_seconds     INTEGER NOT NULL DEFAULT 0,
      support_hours        TEXT,              -- e.g. "mon-fri 09:00-17:00", null = always
      time_zone            TEXT,              -- IANA name, e.g. Europe/Berlin
      updated_at           INTEGER NOT NULL
    );

    ALTER TABLE tickets ADD COLUMN type_id INTEGER REFERENCES ticket_types (id) ON DELETE SET NULL;
    ALTER TABLE tickets ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tickets ADD COLUMN claimed_by TEXT;
    ALTER TABLE tickets ADD COLUMN claimed_at INTEGER;
    -- Staff asked the member to confirm closing (Close / Keep open); closes after the stale delay unanswered.
    ALTER TABLE tickets ADD COLUMN close_requested_at INTEGER;
    ALTER TABLE tickets ADD COLUMN close_requested_by TEXT;
    CREATE INDEX tickets_by_owner ON tickets (guild_id, owner_id, status);

    -- The member's answer to the survey on close: once per ticket.
    CREATE TABLE ticket_ratings (
      ticket_id  INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
      guild_id   TEXT NOT NULL,
      rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
      comment    TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX ticket_ratings_by_guild ON ticket_ratings (guild_id, created_at);
  `,
};
