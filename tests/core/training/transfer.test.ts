import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrainingStore } from '../../../src/core/training/store.js';
import { exportTraining, importTraining, TRAINING_EXPORT_FORMAT } from '../../../src/core/training/transfer.js';
import type { Db } from '../../../src/db/database.js';
import { expectRefusedUnchanged, GUILD_A, GUILD_B, openTempDb } from '../temp-db.js';

let db: Db;
let store: TrainingStore;

beforeEach(() => {
  db = openTempDb();
  store = new TrainingStore(db);
});
afterEach(() => db.close());

const file = (entries: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: TRAINING_EXPORT_FORMAT, version: 1, exportedAt: '2025-01-01T00:00:00.000Z', entries, ...extra });

const entry = (n: number, fields: Record<string, unknown> = {}) => ({ id: n, question: `Question ${n}?`, answer: `Answer ${n}`, ...fields });

/** Everything in the guild, to show an import that failed changed nothing. */
const snapshot = (guildId = GUILD_A) => store.all(guildId);

function expectRefused(input: string | Buffer, message: string | RegExp, opts = {}) {
  expectRefusedUnchanged(() => importTraining(db, GUILD_A, input, opts), snapshot, message);
}

describe('exportTraining', () => {
  it('exports this guild’s entries in the versioned format', () => {
    store.add(GUILD_A, { question: 'How do I reset?', answer: 'Press reset 🔁', category: 'account', tags: 'reset, login' });
    store.add(GUILD_B, { question: 'Guild B secret', answer: 'not for A' });
    const exported = exportTraining(store, GUILD_A, Date.UTC(2025, 0, 2));
    expect(exported).toEqual({
      format: 'discord-ai-ticket-bot/training',
      version: 1,
      exportedAt: '2025-01-02T00:00:00.000Z',
      entries: [{ id: 1, question: 'How do I reset?', answer: 'Press reset 🔁', category: 'account', tags: ['reset', 'login'], usageCount: 0 }],
    });
  });
});

describe('importTraining', () => {
  it('round trip: into another guild everything is added; into the same guild everything is skipped', () => {
    store.add(GUILD_A, { question: 'كيف أعيد تعيين كلمة المرور؟', answer: 'من الإعدادات 🔐', tags: ['حساب'] });
    store.add(GUILD_A, { question: 'Refunds?', answer: 'Within 14 days.', category: 'billing' });
    store.recordUse(GUILD_A, 2);
    const json = JSON.stringify(exportTraining(store, GUILD_A));

    expect(importTraining(db, GUILD_B, json, { authorId: 'staff' })).toEqual({ added: 2, updated: 0, skipped: 0 });
    const copied = store.all(GUILD_B);
    expect(copied.map(({ question, answer, category, tags, usageCount, authorId }) => ({ question, answer, category, tags, usageCount, authorId }))).toEqual([
      { question: 'كيف أعيد تعيين كلمة المرور؟', answer: 'من الإعدادات 🔐', category: 'general', tags: ['حساب'], usageCount: 0, authorId: 'staff' },
      { question: 'Refunds?', answer: 'Within 14 days.', category: 'billing', tags: [], usageCount: 1, authorId: 'staff' },
    ]);
    expect(importTraining(db, GUILD_A, json, {})).toEqual({ added: 0, updated: 0, skipped: 2 });
    expect(store.count(GUILD_A)).toBe(2);
  });

  it('matches by normalised question within the guild: a changed answer updates, never another guild’s row with the same id', () => {
    const mine = store.add(GUILD_A, { question: 'How do I reset my password?', answer: 'Old answer' });
    const theirs = store.add(GUILD_B, { question: 'Other', answer: 'B answer' });
    const result = importTraining(
      db,
      GUILD_A,
      file([
        { id: theirs.id, question: 'how do i RESET my password', answer: 'New answer', tags: 'reset' },
        { id: 77, question: 'Other', answer: 'B answer' },
      ]),
      {},
    );
    expect(result).toEqual({ added: 1, updated: 1, skipped: 0 });
    expect(store.get(GUILD_A, mine.id)).toMatchObject({ question: 'How do I reset my password?', answer: 'New answer', tags: ['reset'] });
    expect(store.get(GUILD_B, theirs.id)).toMatchObject({ question: 'Other', answer: 'B answer' });
    expect(store.count(GUILD_B)).toBe(1);
  });

  it('reads a question met twice in one file as the same entry: added once, then updated or skipped against what the file wrote', () => {
    const result = importTraining(
      db,
      GUILD_A,
      file([entry(1), { id: 2, question: 'question 1', answer: 'Answer 1' }, { id: 3, question: 'QUESTION 1!', answer: 'Second thoughts' }]),
      {},
    );
    expect(result).toEqual({ added: 1, updated: 1, skipped: 1 });
    expect(store.all(GUILD_A)).toMatchObject([{ question: 'Question 1?', answer: 'Second thoughts' }]);
  });

  it('accepts the old seed format: a bare array of {question, answer}', () => {
    const seed = JSON.stringify([{ question: 'Hi?', answer: 'Hello!', category: 'Greetings', tags: 'hello, hi' }, { question: 'Bye?', answer: 'Bye!' }]);
    expect(importTraining(db, GUILD_A, Buffer.from(seed), {})).toEqual({ added: 2, updated: 0, skipped: 0 });
    expect(store.all(GUILD_A)[0]).toMatchObject({ category: 'greetings', tags: ['hello', 'hi'] });
  });

  it('reads a UTF-8 file with a byte-order mark', () => {
    expect(importTraining(db, GUILD_A, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(file([entry(1)]))]), {}).added).toBe(1);
  });

  it('imports 10,000 entries in one go', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => entry(i + 1, { tags: ['bulk'], category: `c${i % 7}` }));
    expect(importTraining(db, GUILD_A, file(entries), {})).toEqual({ added: 10_000, updated: 0, skipped: 0 });
    expect(store.count(GUILD_A)).toBe(10_000);
  });

  describe('refuses a bad file and changes nothing', () => {
    beforeEach(() => {
      store.add(GUILD_A, { question: 'Existing?', answer: 'Yes' });
    });

    it('not JSON', () => expectRefused('{"format": ', /^The file is not valid JSON: .+/));
    it('binary: NUL bytes', () => expectRefused(Buffer.from([0x7b, 0x00, 0x01, 0x02]), 'The file is not a text file: export files are UTF-8 JSON text.'));
    it('binary: invalid UTF-8', () => expectRefused(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'The file is not a text file: export files are UTF-8 JSON text.'));
    it('wrong format', () =>
      expectRefused(
        JSON.stringify({ format: 'something-else', version: 1, entries: [] }),
        'The file is not a training export: "format" is "something-else"; expected "format": "discord-ai-ticket-bot/training" and "version": 1.',
      ));
    it('a JSON value that is not an export', () =>
      expectRefused('"hello"', 'The file is not a training export: expected a JSON object with "format": "discord-ai-ticket-bot/training" and "version": 1.'));
    it('wrong version', () =>
      expectRefused(file([], { version: 2 }), /^The file is a training export of version 2; this bot reads version 1\./));
    it('no entries list', () => expectRefused(JSON.stringify({ format: TRAINING_EXPORT_FORMAT, version: 1 }), 'The file has no "entries" list.'));
    it('missing field, named with its position and id', () => {
      const entries = Array.from({ length: 20 }, (_, i) => entry(i + 1));
      entries[16] = { id: 42, question: 'Where is the answer?' } as never;
      expectRefused(file(entries), 'Entry 17 (id 42): "answer" is missing.');
    });
    it('over-long field', () => expectRefused(file([entry(1), entry(2), { question: 'q'.repeat(700), answer: 'a' }]), 'Entry 3: "question" is 700 characters; the limit is 500.'));
    it('wrong type', () => expectRefused(file([entry(1, { tags: 5 })]), 'Entry 1 (id 1): "tags" must be a list of tags or a comma-separated text.'));
    it('an entry that is not an object', () => expectRefused(file([entry(1), 'oops']), "Entry 2: must be an object with the entry's fields."));
    it('duplicate ids', () => expectRefused(file([entry(1), entry(2), entry(3, { id: 1 }), entry(4, { id: 2 })]), /^The file has more than one entry with the same id: 1, 2\./));
    it('too many entries', () => expectRefused(file([entry(1), entry(2), entry(3)]), 'The file has 3 entries; the limit is 2.', { maxEntries: 2 }));
    it('too big, before parsing', () => expectRefused('x'.repeat(2048), 'The file is 2 KiB; the limit is 1 KiB.', { maxBytes: 1024 }));
    it('an invalid entry in the middle of valid ones', () => {
      const entries = [entry(1), entry(2, { question: 'Existing?', answer: 'Changed' }), entry(3, { answer: '   ' }), entry(4)];
      expectRefused(file(entries), 'Entry 3 (id 3): "answer" is empty.');
    });
  });
});
