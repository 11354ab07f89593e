import type { Migration } from '../migrate.js';

/**
 * Full-text search over knowledge-base entries. An external-content FTS5 table (the text lives
 * once, in kb_entries) kept in step by triggers, including deletes cascaded from knowledge_bases.
 * porter: "resetting" finds "reset"; remove_diacritics 2: "cafe" finds "café".
 */
export const knowledgeSearch: Migration = {
  version: 3,
  name: 'knowledge base full-text search',
  sql: `
    CREATE VIRTUAL TABLE kb_entries_fts USING fts5(
      title, content, tags,
      content = 'kb_entries', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    );

    CREATE TRIGGER kb_entries_fts_after_insert AFTER INSERT ON kb_entries BEGIN
      INSERT INTO kb_entries_fts (rowid, title, content, tags) VALUES (new.id, new.title, new.content, new.tags);
    END;

    CREATE TRIGGER kb_entries_fts_after_delete AFTER DELETE ON kb_entries BEGIN
      INSERT INTO kb_entries_fts (kb_entries_fts, rowid, title, content, tags) VALUES ('delete', old.id, old.title, old.content, old.tags);
    END;

    CREATE TRIGGER kb_entries_fts_after_update AFTER UPDATE OF title, content, tags ON kb_entries BEGIN
      INSERT INTO kb_entries_fts (kb_entries_fts, rowid, title, content, tags) VALUES ('delete', old.id, old.title, old.content, old.tags);
      INSERT INTO kb_entries_fts (rowid, title, content, tags) VALUES (new.id, new.title, new.content, new.tags);
    END;

    -- Index the entries written before this migration.
    INSERT INTO kb_entries_fts (kb_entries_fts) VALUES ('rebuild');
  `,
};
