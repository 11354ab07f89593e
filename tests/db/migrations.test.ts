import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { KnowledgeStore } from '../../src/core/knowledge/store.js';
import { TicketStore } from '../../src/core/tickets/store.js';
import { TrainingStore } from '../../src/core/training/store.js';
import { openDatabase, SCHEMA_VERSION } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { GUILD_A, tempDbPath } from '../core/temp-db.js';

describe('upgrading a database made with only the first migration', () => {
  it('applies the later migrations, keeps the rows, and indexes existing knowledge entries for search', () => {
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(old, migrations.slice(0, 1), path);
    old.prepare("INSERT INTO training_entries (guild_id, question, answer, created_at, updated_at) VALUES (?, 'Old question?', 'Old answer', 1, 1)").run(GUILD_A);
    old.prepare("INSERT INTO knowledge_bases (guild_id, name, created_at, updated_at) VALUES (?, 'Legacy', 1, 1)").run(GUILD_A);
    old.prepare("INSERT INTO kb_entries (kb_id, guild_id, title, content, created_at, updated_at) VALUES (1, ?, 'Refund policy', 'Refunds within 14 days', 1, 1)").run(GUILD_A);
    old.prepare("INSERT INTO tickets (guild_id, thread_id, owner_id, subject, opened_at) VALUES (?, 'th', 'o', 'Old ticket', 1)").run(GUILD_A);
    old.prepare("INSERT INTO ticket_turns (ticket_id, role, content, source_kind, training_entry_id, score, created_at) VALUES (1, 'bot', 'Old answer', 'trained', 1, 0.9, 1)").run();
    old.close();

    const db = openDatabase(path);
    expect(db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(new TrainingStore(db).get(GUILD_A, 1)).toMatchObject({ question: 'Old question?', answer: 'Old answer', tags: [] });
    const hits = new KnowledgeStore(db).search(GUILD_A, 'refunds');
    expect(hits.map((h) => [h.kbName, h.entry.title])).toEqual([['Legacy', 'Refund policy']]);
    expect(new TicketStore(db).info(GUILD_A, 'th')?.lastAnswer?.source).toEqual({ kind: 'trained', trainingEntryId: 1, score: 0.9 });
    db.close();
  });
});

describe('migration 017: knowledge entries embedded in chunks', () => {
  it('keeps every vector (as the whole entry\'s), queues the entries long enough to chunk, and keeps the triggers and the cascade', () => {
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(old, migrations.filter((m) => m.version < 17), path);
    old.prepare("INSERT INTO knowledge_bases (guild_id, name, created_at, updated_at) VALUES (?, 'Guides', 1, 1)").run(GUILD_A);
    const addEntry = old.prepare('INSERT INTO kb_entries (kb_id, guild_id, title, content, created_at, updated_at) VALUES (1, ?, ?, ?, 1, 1)');
    const shortId = Number(addEntry.run(GUILD_A, 'Router', 'Hold the reset button for ten seconds.').lastInsertRowid);
    const longId = Number(addEntry.run(GUILD_A, 'Handbook', 'A long paragraph about moderation. '.repeat(200)).lastInsertRowid);
    const vector = Buffer.from(new Float32Array([0.6, 0.8]).buffer);
    old.prepare('DELETE FROM embedding_queue').run(); // both embedded, as one vector each
    const save = old.prepare("INSERT INTO kb_embeddings (entry_id, guild_id, model, vector) VALUES (?, ?, 'nomic-embed-text', ?)");
    save.run(shortId, GUILD_A, vector);
    save.run(longId, GUILD_A, vector);
    old.close();

    const db = openDatabase(path);
    const rows = db.prepare('SELECT entry_id, chunk, guild_id, model, passage_start, passage_end, vector FROM kb_embeddings ORDER BY entry_id').all();
    expect(rows).toEqual([shortId, longId].map((id) => ({ entry_id: id, chunk: 0, guild_id: GUILD_A, model: 'nomic-embed-text', passage_start: null, passage_end: null, vector })));
    expect(db.prepare("SELECT entry_id FROM embedding_queue WHERE kind = 'knowledge'").pluck().all()).toEqual([longId]);

    const knowledge = new KnowledgeStore(db);
    knowledge.updateEntry(GUILD_A, shortId, { title: 'Router', content: 'Hold it for twenty seconds.' });
    expect(db.prepare('SELECT count(*) FROM kb_embeddings WHERE entry_id = ?').pluck().get(shortId)).toBe(0);
    expect(db.prepare("SELECT entry_id FROM embedding_queue WHERE kind = 'knowledge' ORDER BY entry_id").pluck().all()).toEqual([shortId, longId]);
    knowledge.deleteEntry(GUILD_A, longId);
    expect(db.prepare('SELECT count(*) FROM kb_embeddings').pluck().get()).toBe(0);
    expect(db.prepare("SELECT entry_id FROM embedding_queue WHERE kind = 'knowledge'").pluck().all()).toEqual([shortId]);
    db.close();
  });
});
