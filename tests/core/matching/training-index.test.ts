import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { openDatabase, type Db } from '../../../src/db/database.js';
import { answerIndexTable } from '../../../src/db/guild-answer-index.js';
import { migrate } from '../../../src/db/migrate.js';
import { migrations } from '../../../src/db/migrations/index.js';
import { tempDbPath } from '../temp-db.js';
import { GUILD_A, GUILD_B, openTempDb } from './support-guild.js';

interface AnswerRow {
  guild_id: string;
  answer: string;
  questions: string;
  entry_count: number;
}

/** Each answer document with the answer text of its entries (which must all agree). */
function answerDocuments(db: Db): AnswerRow[] {
  return db
    .prepare(
      `SELECT a.guild_id, min(e.answer) AS answer, a.questions, a.entry_count, count(DISTINCT e.answer) AS texts, count(e.id) AS entries
       FROM training_answers a LEFT JOIN training_entries e ON e.answer_id = a.id GROUP BY a.id ORDER BY a.guild_id, answer`,
    )
    .all()
    .map((row) => {
      const { texts, entries, ...doc } = row as AnswerRow & { texts: number; entries: number };
      expect({ texts, entries }).toEqual({ texts: 1, entries: doc.entry_count });
      return doc;
    });
}

/** Every guild's FTS5 index (migration 014) matches its documents exactly. */
function assertIndexIntact(db: Db): void {
  const slots = db.prepare('SELECT slot FROM training_index_stats').pluck().all() as number[];
  expect(slots.length).toBeGreaterThan(0);
  for (const slot of slots) db.exec(`INSERT INTO ${answerIndexTable(slot)} (${answerIndexTable(slot)}, rank) VALUES ('integrity-check', 1)`);
}

describe('the training answer index (migrations 002, 007)', () => {
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

  it('keeps answers apart that share their length, beginning and end', () => {
    const first = 'Open Settings and then choose A, then press Save to keep the change.';
    const second = 'Open Settings and then choose B, then press Save to keep the change.';
    store.add(GUILD_A, { question: 'option a', answer: first });
    store.add(GUILD_A, { question: 'option b', answer: second });
    store.add(GUILD_A, { question: 'the a option', answer: first });
    expect(answerDocuments(db).map((r) => [r.answer, r.questions])).toEqual([
      [first, 'option a\nthe a option'],
      [second, 'option b'],
    ]);
    expect(new Matcher(db).match(GUILD_A, 'option b')[0]).toMatchObject({ answer: second, question: 'option b' });
  });

  it('keeps the document when only a question is edited', () => {
    const first = store.add(GUILD_A, { question: 'How do I reset my password?', answer: 'Use the link.' });
    store.add(GUILD_A, { question: 'I forgot my password', answer: 'Use the link.' });
    db.prepare('UPDATE training_entries SET question = ? WHERE id = ?').run('Password reset please', first.id);
    expect(answerDocuments(db)).toEqual([{ guild_id: GUILD_A, answer: 'Use the link.', questions: 'I forgot my password\nPassword reset please', entry_count: 2 }]);
    assertIndexIntact(db);
  });

  it('numbers each guild\'s documents in a range of its own, so a search never leaves it', () => {
    for (let i = 0; i < 3; i++) store.add(GUILD_A, { question: `question ${i} about billing`, answer: `Answer A${i}` });
    store.add(GUILD_B, { question: 'question about billing', answer: 'Answer B' });
    store.add(GUILD_A, { question: 'one more about billing', answer: 'Answer A3' });
    const ranges = db
      .prepare(
        `SELECT s.guild_id, s.slot, min(a.id) AS low, max(a.id) AS high FROM training_index_stats s
         JOIN training_answers a ON a.guild_id = s.guild_id GROUP BY s.guild_id ORDER BY s.slot`,
      )
      .all() as { guild_id: string; slot: number; low: number; high: number }[];
    expect(ranges.map((r) => r.guild_id)).toEqual([GUILD_A, GUILD_B]);
    for (const r of ranges) {
      expect(r.low).toBeGreaterThan(r.slot * 2 ** 32);
      expect(r.high).toBeLessThan((r.slot + 1) * 2 ** 32);
    }
    const matcher = new Matcher(db);
    expect(matcher.match(GUILD_A, 'billing question', 10).map((m) => m.answer).sort()).toEqual(['Answer A0', 'Answer A1', 'Answer A2', 'Answer A3']);
    expect(matcher.match(GUILD_B, 'billing question', 10).map((m) => m.answer)).toEqual(['Answer B']);
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
    const path = tempDbPath();
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

  it('rebuilds the documents of a database made with the first index (migration 002)', () => {
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(old, migrations.filter((m) => m.version < 7), path);
    const insert = old.prepare('INSERT INTO training_entries (guild_id, question, answer, created_at, updated_at) VALUES (?, ?, ?, 1, 1)');
    insert.run(GUILD_A, 'How do I reset my password?', 'Use the link.');
    insert.run(GUILD_B, 'Refunds?', 'Within 14 days.');
    insert.run(GUILD_A, 'I forgot my password', 'Use the link.');
    insert.run(GUILD_A, 'Refunds?', 'Within 30 days.');
    old.close();

    const upgraded = openDatabase(path);
    expect(answerDocuments(upgraded)).toEqual([
      { guild_id: GUILD_A, answer: 'Use the link.', questions: 'How do I reset my password?\nI forgot my password', entry_count: 2 },
      { guild_id: GUILD_A, answer: 'Within 30 days.', questions: 'Refunds?', entry_count: 1 },
      { guild_id: GUILD_B, answer: 'Within 14 days.', questions: 'Refunds?', entry_count: 1 },
    ]);
    new TrainingStore(upgraded).add(GUILD_A, { question: 'password gone', answer: 'Use the link.' });
    expect(new Matcher(upgraded).match(GUILD_A, 'refunds')[0]).toMatchObject({ answer: 'Within 30 days.' });
    expect(new Matcher(upgraded).match(GUILD_A, 'password gone')[0]).toMatchObject({ answer: 'Use the link.', question: 'password gone' });
    assertIndexIntact(upgraded);
    upgraded.close();
  });
});
