import type { Migration } from '../migrate.js';

/**
 * The first schema. Every row that belongs to a server carries its guild_id, and every
 * lookup filters on it: one server's data never answers in another.
 * Times are Unix epoch milliseconds.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
    CREATE TABLE guild_settings (
      guild_id         TEXT PRIMARY KEY,
      forum_channel_id TEXT,
      staff_role_id    TEXT,
      log_channel_id   TEXT,
      tag_open         TEXT,
      tag_answered     TEXT,
      tag_needs_staff  TEXT,
      tag_closed       TEXT,
      updated_at       INTEGER NOT NULL
    );

    CREATE TABLE training_entries (
      id           INTEGER PRIMARY KEY,
      guild_id     TEXT NOT NULL,
      question     TEXT NOT NULL,
      answer       TEXT NOT NULL,
      category     TEXT NOT NULL DEFAULT 'general',
      tags         TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
      author_id    TEXT,
      usage_count  INTEGER NOT NULL DEFAULT 0,
      last_used_at INTEGER,
      created_at   INTEGER NOT NULL,
      updated_at   INTEGER NOT NULL
    );
    CREATE INDEX training_by_guild_category ON training_entries (guild_id, category, id);
    CREATE INDEX training_by_guild_usage ON training_entries (guild_id, usage_count DESC);

    CREATE TABLE knowledge_bases (
      id          INTEGER PRIMARY KEY,
      guild_id    TEXT NOT NULL,
      name        TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      author_id   TEXT,
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL,
      UNIQUE (guild_id, name COLLATE NOCASE)
    );

    CREATE TABLE kb_entries (
      id         INTEGER PRIMARY KEY,
      kb_id      INTEGER NOT NULL REFERENCES knowledge_bases (id) ON DELETE CASCADE,
      guild_id   TEXT NOT NULL,
      title      TEXT NOT NULL,
      content    TEXT NOT NULL,
      tags       TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
      author_id  TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX kb_entries_by_kb ON kb_entries (kb_id, id);
    CREATE INDEX kb_entries_by_guild ON kb_entries (guild_id);

    CREATE TABLE tickets (
      id         INTEGER PRIMARY KEY,
      guild_id   TEXT NOT NULL,
      thread_id  TEXT NOT NULL UNIQUE,
      owner_id   TEXT NOT NULL,
      subject    TEXT NOT NULL,
      status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      opened_at  INTEGER NOT NULL,
      closed_at  INTEGER,
      closed_by  TEXT,
      close_reason TEXT
    );
    CREATE INDEX tickets_by_guild_status ON tickets (guild_id, status, opened_at);

    -- One row per message in a ticket. For bot turns, source_kind says where the answer came from.
    CREATE TABLE ticket_turns (
      id          INTEGER PRIMARY KEY,
      ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      role        TEXT NOT NULL CHECK (role IN ('user', 'bot', 'staff')),
      author_id   TEXT,
      message_id  TEXT,
      content     TEXT NOT NULL,
      source_kind TEXT CHECK (source_kind IN ('trained', 'knowledge', 'ai', 'fallback')),
      training_entry_id INTEGER,
      kb_entry_ids TEXT,            -- JSON array of ids used as context
      ai_model    TEXT,
      score       REAL,
      complete    INTEGER NOT NULL DEFAULT 1, -- 0 when an AI answer was cut off
      created_at  INTEGER NOT NULL
    );
    CREATE INDEX ticket_turns_by_ticket ON ticket_turns (ticket_id, id);
    CREATE UNIQUE INDEX ticket_turns_by_message ON ticket_turns (message_id) WHERE message_id IS NOT NULL;

    CREATE TABLE stat_counters (
      guild_id TEXT NOT NULL,
      name     TEXT NOT NULL,
      value    INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (guild_id, name)
    ) WITHOUT ROWID;
  `,
};
