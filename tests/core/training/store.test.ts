import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { StatCounters } from '../../../src/core/stats/counters.js';
import { TRAINING_LIMITS, TrainingStore } from '../../../src/core/training/store.js';
import type { Db } from '../../../src/db/database.js';
import { GUILD_A, GUILD_B, openTempDb } from '../temp-db.js';

let db: Db;
let store: TrainingStore;

beforeEach(() => {
  db = openTempDb();
  store = new TrainingStore(db);
});
afterEach(() => db.close());

const addMany = (guildId: string, n: number, category = 'general') =>
  Array.from({ length: n }, (_, i) => store.add(guildId, { question: `Question number ${i + 1}?`, answer: `Answer ${i + 1}`, category }));

describe('TrainingStore.add', () => {
  it('stores a cleaned entry with defaults and returns it', () => {
    const entry = store.add(GUILD_A, { question: '  How do I reset my password?\u200B ', answer: 'Open Settings.\r\nPress Reset.', authorId: 'u1' }, 1000);
    expect(entry).toEqual({
      id: entry.id,
      guildId: GUILD_A,
      question: 'How do I reset my password?',
      answer: 'Open Settings.\nPress Reset.',
      category: 'general',
      tags: [],
      authorId: 'u1',
      usageCount: 0,
      lastUsedAt: null,
      createdAt: 1000,
      updatedAt: 1000,
    });
    expect(store.get(GUILD_A, entry.id)).toEqual(entry);
  });

  it('lower-cases the category and cleans tags from a comma-separated string or an array', () => {
    expect(store.add(GUILD_A, { question: 'q1', answer: 'a', category: '  Billing ', tags: ' Refund, PAYPAL ,refund,, ' })).toMatchObject({
      category: 'billing',
      tags: ['refund', 'paypal'],
    });
    expect(store.add(GUILD_A, { question: 'q2', answer: 'a', category: '   ', tags: ['A', ' a', 'b,c', ''] })).toMatchObject({
      category: 'general',
      tags: ['a', 'b', 'c'],
    });
  });

  it('keeps emoji (with joiners) and right-to-left text intact, and strips control and stray zero-width characters', () => {
    const family = '👨‍👩‍👧‍👦';
    const arabic = 'كيف يمكنني إعادة تعيين كلمة المرور؟';
    const persian = 'می‌خواهم';
    const entry = store.add(GUILD_A, { question: `${arabic} ${family}`, answer: `${persian} 🎉\u0007\u0000 done\uFEFF\u2060`, tags: ['עברית'] });
    const stored = store.get(GUILD_A, entry.id)!;
    expect(stored.question).toBe(`${arabic} ${family}`);
    expect(stored.answer).toBe(`${persian} 🎉 done`);
    expect(stored.tags).toEqual(['עברית']);
  });

  it.each([
    ['blank question', { question: '   ', answer: 'a' }, 'The question is empty.'],
    ['zero-width-only question', { question: '\u200B\u200B', answer: 'a' }, 'The question is empty.'],
    ['blank answer', { question: 'q', answer: ' \n\t ' }, 'The answer is empty.'],
    ['long question', { question: 'q'.repeat(501), answer: 'a' }, 'The question is 501 characters; the limit is 500.'],
    ['long answer', { question: 'q', answer: 'x'.repeat(12034) }, 'The answer is 12034 characters; the limit is 10000.'],
    ['long category', { question: 'q', answer: 'a', category: 'c'.repeat(51) }, 'The category is 51 characters; the limit is 50.'],
    ['long tag', { question: 'q', answer: 'a', tags: 't'.repeat(31) }, `The tag list has a tag of 31 characters ("${'t'.repeat(31)}"); the limit is 30.`],
    ['11 tags', { question: 'q', answer: 'a', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'The tag list has 11 tags; the limit is 10.'],
    ['no question', { answer: 'a' }, 'The question is missing.'],
    ['numeric question', { question: 42, answer: 'a' }, 'The question must be text.'],
  ])('refuses a %s with a specific message and stores nothing', (_what, input, message) => {
    expect(() => store.add(GUILD_A, input as never)).toThrow(new UserError(message));
    expect(store.count(GUILD_A)).toBe(0);
  });

  it('counts emoji as one character each against the limits', () => {
    const answer = '🎉'.repeat(TRAINING_LIMITS.answer);
    expect(store.add(GUILD_A, { question: 'party', answer }).answer).toBe(answer);
  });
});

describe('TrainingStore reads and writes', () => {
  it('getMany returns this guild’s entries in the order asked, leaving out unknown and foreign ids', () => {
    const [a1, a2, a3] = addMany(GUILD_A, 3);
    const [b1] = addMany(GUILD_B, 1);
    expect(store.getMany(GUILD_A, [a3!.id, a1!.id, 9999, b1!.id, a3!.id]).map((e) => e.id)).toEqual([a3!.id, a1!.id]);
    expect(store.getMany(GUILD_A, [])).toEqual([]);
    expect(store.getMany(GUILD_A, [a2!.id])[0]?.question).toBe('Question number 2?');
  });

  it('lists in pages of 10 by default, clamps the page, and filters by category', () => {
    addMany(GUILD_A, 23);
    addMany(GUILD_A, 2, 'billing');
    const first = store.list(GUILD_A);
    expect(first).toMatchObject({ total: 25, page: 1, pageCount: 3 });
    expect(first.entries.map((e) => e.question)).toEqual(Array.from({ length: 10 }, (_, i) => `Question number ${i + 1}?`));
    expect(store.list(GUILD_A, { page: 3 }).entries).toHaveLength(5);
    expect(store.list(GUILD_A, { page: 99 }).page).toBe(3);
    expect(store.list(GUILD_A, { page: 0 }).page).toBe(1);
    expect(store.list(GUILD_A, { category: 'Billing', pageSize: 1 })).toMatchObject({ total: 2, pageCount: 2 });
    expect(store.list(GUILD_B)).toEqual({ entries: [], total: 0, page: 1, pageCount: 1 });
  });

  it('deletes only within the guild', () => {
    const [entry] = addMany(GUILD_A, 1);
    expect(store.delete(GUILD_B, entry!.id)).toBe(false);
    expect(store.get(GUILD_A, entry!.id)).toBeDefined();
    expect(store.delete(GUILD_A, entry!.id)).toBe(true);
    expect(store.delete(GUILD_A, entry!.id)).toBe(false);
    expect(store.get(GUILD_A, entry!.id)).toBeUndefined();
  });

  it('records uses, and another guild cannot bump this guild’s entry', () => {
    const [entry] = addMany(GUILD_A, 1);
    store.recordUse(GUILD_A, entry!.id, 5000);
    store.recordUse(GUILD_A, entry!.id, 6000);
    store.recordUse(GUILD_B, entry!.id, 7000);
    expect(store.get(GUILD_A, entry!.id)).toMatchObject({ usageCount: 2, lastUsedAt: 6000 });
  });

  it('counts entries and categories per guild', () => {
    addMany(GUILD_A, 3);
    addMany(GUILD_A, 1, 'billing');
    addMany(GUILD_B, 2);
    expect(store.count(GUILD_A)).toBe(4);
    expect(store.categories(GUILD_A)).toEqual([
      { category: 'general', count: 3 },
      { category: 'billing', count: 1 },
    ]);
  });

  it('stats: totals, the most used entries and answers counted from training', () => {
    const entries = addMany(GUILD_A, 7);
    entries.slice(0, 6).forEach((e, i) => {
      for (let n = 0; n <= i; n++) store.recordUse(GUILD_A, e.id);
    });
    new StatCounters(db).increment(GUILD_A, 'answered_trained', 21);
    const stats = store.stats(GUILD_A);
    expect(stats.total).toBe(7);
    expect(stats.byCategory).toEqual([{ category: 'general', count: 7 }]);
    expect(stats.mostUsed.map((e) => e.usageCount)).toEqual([6, 5, 4, 3, 2]);
    expect(stats.answeredFromTraining).toBe(21);
    expect(store.stats(GUILD_B)).toEqual({ total: 0, byCategory: [], mostUsed: [], answeredFromTraining: 0 });
  });
});

describe('TrainingStore.suggest', () => {
  it('matches id prefixes and words, labels with the id, and stays within Discord’s limits', () => {
    const reset = store.add(GUILD_A, { question: 'How do I reset my password?', answer: 'a' });
    store.add(GUILD_A, { question: 'Where is the refund policy?', answer: 'a' });
    store.add(GUILD_A, { question: `Reset ${'very '.repeat(40)}long question`, answer: 'a' });
    store.add(GUILD_B, { question: 'How do I reset my password in guild B?', answer: 'a' });

    expect(store.suggest(GUILD_A, 'password RESET')).toEqual([{ id: reset.id, label: `#${reset.id} How do I reset my password?` }]);
    expect(store.suggest(GUILD_A, `#${reset.id}`)[0]).toEqual({ id: reset.id, label: `#${reset.id} How do I reset my password?` });
    const long = store.suggest(GUILD_A, 'long question');
    expect(long[0]!.label.length).toBeLessThanOrEqual(100);
    expect(long[0]!.label.endsWith('…')).toBe(true);
    expect(store.suggest(GUILD_A, '100%_')).toEqual([]);
    expect(store.suggest(GUILD_A, '').map((s) => s.id)).toHaveLength(3);
  });

  it('offers at most 25 choices', () => {
    addMany(GUILD_A, 30);
    expect(store.suggest(GUILD_A, 'question')).toHaveLength(25);
    expect(store.suggest(GUILD_A, '', 100)).toHaveLength(25);
  });
});
