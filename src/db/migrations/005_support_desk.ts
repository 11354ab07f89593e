import type { Migration } from '../migrate.js';

/**
 * The support desk around the answers: how well each member question matched (knowledge gaps),
 * who the ticket waits for (bot paused, staff pinged, member reminded), members' votes on answers,
 * and AI answers offered to staff as training. Every schedule (stale reminders) is derived from
 * these rows and the turns, so a restart loses nothing.
 */
export const supportDesk: Migration = {
  version: 5,
  name: 'support desk: match scores, ticket state, votes, training suggestions',
  sql: `
    -- Member turns the bot answered: the best trained-entry score, and 1 when neither a trained
    -- entry nor a knowledge-base entry came close (a knowledge gap).
    ALTER TABLE ticket_turns ADD COLUMN match_score REAL;
    ALTER TABLE ticket_turns ADD COLUMN unmatched INTEGER;

    CREATE INDEX tickets_by_guild_closed ON tickets (guild_id, closed_at);

    -- One row per ticket once anything of this kind happened to it.
    CREATE TABLE ticket_support (
      ticket_id      INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
      guild_id       TEXT NOT NULL,
      bot_paused     INTEGER NOT NULL DEFAULT 0,
      paused_reason  TEXT CHECK (paused_reason IN ('staff-replied', 'command')),
      paused_by      TEXT,
      paused_at      INTEGER,
      handoff_at     INTEGER, -- staff were pinged and have not written since
      handoff_reason TEXT CHECK (handoff_reason IN ('member', 'not-helpful', 'fallback')),
      reminded_at    INTEGER, -- the stale-ticket reminder was sent then,
      reminded_turn  INTEGER  -- for the silence after this turn (a later turn starts a new silence)
    );
    CREATE INDEX ticket_support_by_guild ON ticket_support (guild_id);

    -- A member's vote on one bot answer, with that answer's source copied at vote time.
    CREATE TABLE answer_votes (
      id                INTEGER PRIMARY KEY,
      guild_id          TEXT NOT NULL,
      ticket_id         INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      turn_id           INTEGER NOT NULL,
      voter_id          TEXT NOT NULL,
      vote              TEXT NOT NULL CHECK (vote IN ('helpful', 'not_helpful')),
      source_kind       TEXT,
      training_entry_id INTEGER,
      kb_entry_ids      TEXT, -- JSON array
      ai_model          TEXT,
      created_at        INTEGER NOT NULL,
      UNIQUE (turn_id, voter_id)
    );
    CREATE INDEX answer_votes_by_guild ON answer_votes (guild_id, created_at);
    CREATE INDEX answer_votes_by_entry ON answer_votes (guild_id, training_entry_id);

    -- AI answers of tickets the member marked solved, waiting for staff to approve, edit or dismiss.
    CREATE TABLE training_suggestions (
      id                INTEGER PRIMARY KEY,
      guild_id          TEXT NOT NULL,
      ticket_id         INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      turn_id           INTEGER NOT NULL UNIQUE,
      question          TEXT NOT NULL,
      answer            TEXT NOT NULL,
      status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'dismissed')),
      training_entry_id INTEGER,
      decided_by        TEXT,
      decided_at        INTEGER,
      created_at        INTEGER NOT NULL
    );
    CREATE INDEX training_suggestions_by_guild ON training_suggestions (guild_id, status, id);
  `,
};
