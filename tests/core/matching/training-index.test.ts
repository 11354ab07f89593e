import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { openDatabase, type Db } from '../../../src/db/database.js';
import { migrate } from '../../../src/db/migrate.js';
import { migrations } from '../../../src/db/migrations/index.js';
import { GUILD_A, GUILD_B, openTempDb } from './support-guild.js';

interface AnswerRow {
  guild_id: string;
  answer: string;
  questions: string;
  entry_count: number;
}

function answerDocuments(db: Db): AnswerRow[] {
  return db.prepare('SELECT guild_id, answer, questions, entry_count FROM training_answers ORDER BY guild_id, answer').all() as AnswerRow[];
}

function assertIndexIntact(db: Db): void {
  db.exec("INSERT INTO training_answers_fts (training_answers_fts, rank) VALUES ('integrity-check', 1)");
}

describe('migration 002: the training answer index', () => {
  let db: Db;
  let store: TrainingStore;
  beforeEach(() => {
    db = openTempDb();
    store = new TrainingStore(db);
  });
  afterEach(() => db.close());

  it('groups the phrasings of one answer per guild, whatever writes the rows', () => {
    store.add(GUILD_A, { question: 'How do I reset my password?', answer: 'Use the link.' });
    store.add(GUILD_A, { question: 'I forgot my password', answer: 'Use the link.' });
    store.add(GUILD_B, { question: 'Password help', answer: 'Use the link.' });
    db.prepare("INSERT INTO training_entries (guild_id, question, answer, created_at, updated_at) VALUES (?, 'Refunds?', 'Within 14 days.', 1, 1)").run(GUILD_A);

    expect(answerDocuments(db)).toEqual([
      { guild_id: GUILD_A, answer: 'Use the link.', questions: 'How do I reset my password?\nI forgot my password', entry_count: 2 },
      { guild_id: GUILD_A, answer: 'Within 14 days.', questions: 'Refunds?', entry_count: 1 },
      { guild_id: GUILD_B, answer: 'Use the link.', questions: 'Password help', entry_count: 1 },
    ]);
    assertIndexIntact(db);
  });

  it('follows edits and deletes, and drops an answer with no phrasing left', () => {
    const first = store.add(GUILD_A, { question: 'How do I reset my password?', answer: 'Use the link.' });
    const second = store.add(GUILD_A, { question: 'I forgot my password', answer: 'Use the link.' });
    db.prepare('UPDATE training_entries SET answer = ? WHERE id = ?').run('Ask staff.', second.id);
    db.prepare('UPDATE training_entries SET usage_count = usage_count + 1 WHERE id = ?').run(first.id);
    expect(answerDocuments(db).map((r) => [r.answer, r.questions, r.entry_count])).toEqual([
      ['Ask staff.', 'I forgot my password', 1],
      ['Use the link.', 'How do I reset my password?', 1],
    ]);

    store.delete(GUILD_A, first.id);
    expect(answerDocuments(db).map((r) => r.answer)).toEqual(['Ask staff.']);
    db.prepare('DELETE FROM training_entries').run();
    expect(answerDocuments(db)).toEqual([]);
    assertIndexIntact(db);
  });

  it('keeps per-guild totals for length normalisation', () => {
    store.add(GUILD_A, { question: 'one two three', answer: 'x' });
    store.add(GUILD_A, { question: 'four five', answer: 'y' });
    store.add(GUILD_B, { question: 'six', answer: 'x' });
    const stats = (guildId: string) => db.prepare('SELECT answers, words FROM training_index_stats WHERE guild_id = ?').get(guildId);
    expect(stats(GUILD_A)).toEqual({ answers: 2, words: 5 });
    expect(stats(GUILD_B)).toEqual({ answers: 1, words: 1 });
  });

  it('indexes the entries of a database made before it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bot-matching-')), 'old.db');
    const old = new BetterSqlite3(path);
    migrate(old, migrations.filter((m) => m.version < 2), path);
    old.prepare("INSERT INTO training_entries (guild_id, question, answer, created_at, updated_at) VALUES (?, 'How do I reset my password?', 'Use the link.', 1, 1)").run(GUILD_A);
    old.prepare("INSERT INTO training_entries (guild_id, question, answer, created_at, updated_at) VALUES (?, 'I forgot my password', 'Use the link.', 1, 1)").run(GUILD_A);
    old.close();

    const upgraded = openDatabase(path);
    expect(new Matcher(upgraded).match(GUILD_A, 'forgot password')[0]).toMatchObject({ answer: 'Use the link.', question: 'I forgot my password' });
    assertIndexIntact(upgraded);
    upgraded.close();
  });
});
