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
