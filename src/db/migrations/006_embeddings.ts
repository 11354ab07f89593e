import type { Migration } from '../migrate.js';

/**
 * Vectors for semantic search (OLLAMA_EMBED_MODEL): one per trained question and per knowledge-base
 * entry, with the model that made it, as a Float32 little-endian BLOB of unit length.
 *
 * embedding_queue is the embedder's to-do list, kept by triggers so that every writer (the stores,
 * imports, hand-made SQL) is covered: a new entry, or one whose text changed, is queued (and an
 * edited entry's old vector dropped); a deleted entry leaves the queue, and its vector goes with it
 * (ON DELETE CASCADE, also when a knowledge base is deleted). The queue is kept whether or not
 * embeddings are configured, so turning them on later embeds everything that is there.
 */
export const embeddings: Migration = {
  version: 6,
  name: 'embeddings for semantic search',
  sql: `
    CREATE TABLE training_embeddings (
      entry_id INTEGER PRIMARY KEY REFERENCES training_entries (id) ON DELETE CASCADE,
      guild_id TEXT NOT NULL,
      model    TEXT NOT NULL,
      vector   BLOB NOT NULL
    );
    CREATE INDEX training_embeddings_by_guild ON training_embeddings (guild_id, model);

    CREATE TABLE kb_embeddings (
      entry_id INTEGER PRIMARY KEY REFERENCES kb_entries (id) ON DELETE CASCADE,
      guild_id TEXT NOT NULL,
      model    TEXT NOT NULL,
      vector   BLOB NOT NULL
    );
    CREATE INDEX kb_embeddings_by_guild ON kb_embeddings (guild_id, model);

    CREATE TABLE embedding_queue (
      kind     TEXT NOT NULL CHECK (kind IN ('training', 'knowledge')),
      entry_id INTEGER NOT NULL,
      PRIMARY KEY (kind, entry_id)
    ) WITHOUT ROWID;

    CREATE TRIGGER training_embedding_after_insert AFTER INSERT ON training_entries BEGIN
      INSERT OR IGNORE INTO embedding_queue (kind, entry_id) VALUES ('training', new.id);
    END;
    CREATE TRIGGER training_embedding_after_update AFTER UPDATE OF guild_id, question ON training_entries BEGIN
      DELETE FROM training_embeddings WHERE entry_id = old.id;
      INSERT OR IGNORE INTO embedding_queue (kind, entry_id) VALUES ('training', new.id);
    END;
    CREATE TRIGGER training_embedding_after_delete AFTER DELETE ON training_entries BEGIN
      DELETE FROM embedding_queue WHERE kind = 'training' AND entry_id = old.id;
    END;

    CREATE TRIGGER kb_embedding_after_insert AFTER INSERT ON kb_entries BEGIN
      INSERT OR IGNORE INTO embedding_queue (kind, entry_id) VALUES ('knowledge', new.id);
    END;
    CREATE TRIGGER kb_embedding_after_update AFTER UPDATE OF guild_id, title, content ON kb_entries BEGIN
      DELETE FROM kb_embeddings WHERE entry_id = old.id;
      INSERT OR IGNORE INTO embedding_queue (kind, entry_id) VALUES ('knowledge', new.id);
    END;
    CREATE TRIGGER kb_embedding_after_delete AFTER DELETE ON kb_entries BEGIN
      DELETE FROM embedding_queue WHERE kind = 'knowledge' AND entry_id = old.id;
    END;

    -- Entries written before this migration.
    INSERT INTO embedding_queue (kind, entry_id) SELECT 'training', id FROM training_entries;
    INSERT INTO embedding_queue (kind, entry_id) SELECT 'knowledge', id FROM kb_entries;
  `,
};
