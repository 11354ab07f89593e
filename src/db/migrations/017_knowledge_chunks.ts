import type { Database } from 'better-sqlite3';
import { estimateTokens } from '../../core/ai/token-estimate.js';
import { CHUNK_TOKENS } from '../../core/knowledge/chunks.js';
import type { Migration } from '../migrate.js';

/**
 * A knowledge-base entry gets several vectors, one per overlapping part ("chunk",
 * src/core/knowledge/chunks.ts) instead of one of its beginning: kb_embeddings is keyed by
 * (entry_id, chunk) and says which passage of the content each vector stands for.
 *
 * passage_start/passage_end are UTF-16 offsets into kb_entries.content (as JavaScript slices it);
 * NULL when the vector stands for the whole entry (one chunk, and every vector made before this
 * migration). Existing vectors are kept as chunk 0, so semantic search keeps working; entries long
 * enough to be cut into chunks now are queued again, and their old vector is replaced by their
 * chunks' when the embedder gets to them. The triggers of migration 006 (queue on insert and edit,
 * old vectors dropped on edit, ON DELETE CASCADE) apply to every chunk of an entry as they did to its
 * one vector. The trigger that names kb_embeddings is recreated around the table swap, because
 * ALTER TABLE ... RENAME checks every trigger of the schema.
 *
 * ticket_turns.kb_passages remembers which passage of a long entry an AI answer was shown, so a
 * follow-up shows the model the same text where it was (the prompt's prefix stays the same).
 */
export const knowledgeChunks: Migration = {
  version: 17,
  name: 'knowledge entries embedded in chunks, and the passages answers were given',
  sql: `
    DROP TRIGGER kb_embedding_after_update;

    CREATE TABLE kb_chunk_embeddings (
      entry_id      INTEGER NOT NULL REFERENCES kb_entries (id) ON DELETE CASCADE,
      chunk         INTEGER NOT NULL,
      guild_id      TEXT NOT NULL,
      model         TEXT NOT NULL,
      passage_start INTEGER,
      passage_end   INTEGER,
      vector        BLOB NOT NULL,
      PRIMARY KEY (entry_id, chunk)
    );
    INSERT INTO kb_chunk_embeddings (entry_id, chunk, guild_id, model, vector)
      SELECT entry_id, 0, guild_id, model, vector FROM kb_embeddings;
    DROP TABLE kb_embeddings;
    ALTER TABLE kb_chunk_embeddings RENAME TO kb_embeddings;
    CREATE INDEX kb_embeddings_by_guild ON kb_embeddings (guild_id, model);

    CREATE TRIGGER kb_embedding_after_update AFTER UPDATE OF guild_id, title, content ON kb_entries BEGIN
      DELETE FROM kb_embeddings WHERE entry_id = old.id;
      INSERT OR IGNORE INTO embedding_queue (kind, entry_id) VALUES ('knowledge', new.id);
    END;

    -- JSON, one per kb_entry_ids item: the passage of a long entry an AI answer was given, or null (src/core/tickets/answer-source.ts).
    ALTER TABLE ticket_turns ADD COLUMN kb_passages TEXT;
  `,
  run: requeueLongEntries,
};

/** Entries longer than one chunk are embedded again, in chunks (an entry that fits one keeps its vector: it would be the same). */
function requeueLongEntries(db: Database): void {
  const entries = db.prepare('SELECT id, title, content FROM kb_entries').iterate() as IterableIterator<{ id: number; title: string; content: string }>;
  const queue = db.prepare("INSERT OR IGNORE INTO embedding_queue (kind, entry_id) VALUES ('knowledge', ?)");
  const long: number[] = [];
  for (const entry of entries) if (estimateTokens(`${entry.title}\n${entry.content}`) > CHUNK_TOKENS) long.push(entry.id);
  for (const id of long) queue.run(id);
}
