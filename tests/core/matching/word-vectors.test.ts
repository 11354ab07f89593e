import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { dotAt } from '../../../src/core/matching/vectors.js';
import { encodeWordVectors, PackedVectors, sharedWordVectors, WordVectors } from '../../../src/core/matching/word-vectors.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import type { Db } from '../../../src/db/database.js';
import { CANCEL_ANSWER, GUILD_A, OPENING_HOURS_ANSWER, openTempDb, PASSWORD_ANSWER, REFUND_ANSWER, trainSupportGuild } from './support-guild.js';

const THRESHOLD = 0.85; // TRAINED_ANSWER_THRESHOLD's default

/** Two words' cosine as the matcher reads it (closenessTo over rowsOf), or undefined when either has no vector. */
function similarity(vectors: WordVectors, a: string, b: string): number | undefined {
  const rows = vectors.rowsOf([b]);
  return rows.length === 0 ? undefined : vectors.closenessTo(a)?.(rows);
}
/** Unit vectors' cosine. */
const cosine = (a: Float32Array, b: Float32Array) => dotAt(a, b, 0);

describe('WordVectors file format', () => {
  const source = {
    dimensions: 3,
    words: ['the', 'refund', 'reimbursement', 'router'],
    vectors: [
      [1, 0, 0],
      [0, 2, 1],
      [0, 1.8, 1.1],
      [0.1, -1, 3],
    ],
    source: 'test',
  };

  it('keeps each word, its frequency rank and its direction (int8, within a percent)', () => {
    const vectors = WordVectors.decode(encodeWordVectors(source));
    expect(vectors.size).toBe(4);
    expect([...vectors.rowsOf(['refund'])]).toEqual([1]);
    expect([...vectors.rowsOf(['password'])]).toEqual([]);
    const exact = (2 * 1.8 + 1.1) / (Math.sqrt(5) * Math.sqrt(1.8 ** 2 + 1.1 ** 2));
    expect(similarity(vectors, 'refund', 'reimbursement')).toBeCloseTo(exact, 2);
    expect(similarity(vectors, 'refund', 'password')).toBeUndefined();
    const rows = vectors.rowsOf(['the', 'router', 'password']);
    expect([...rows]).toEqual([0, 3]);
    const closestToRefund = vectors.closenessTo('refund')!;
    expect(closestToRefund(rows)).toBeCloseTo(Math.max(similarity(vectors, 'refund', 'the')!, similarity(vectors, 'refund', 'router')!), 5);
    expect(closestToRefund(new Int32Array(0))).toBe(-Infinity);
    expect(vectors.closenessTo('password')).toBeUndefined();
    // Row by row, the same cosines (bit for bit) for the ranking's word alignment.
    expect([...vectors.cosinesTo('refund', Int32Array.of(0, -1, 3))!]).toEqual([closestToRefund(Int32Array.of(0)), -Infinity, closestToRefund(Int32Array.of(3))]);
    expect(vectors.cosinesTo('password', rows)).toBeUndefined();
  });

  it('averages a text into one unit vector, a frequent word weighing least', () => {
    const vectors = WordVectors.decode(encodeWordVectors(source));
    const meaning = vectors.meaningOf(['the', 'router', 'unknownword'])!;
    expect(cosine(meaning, meaning)).toBeCloseTo(1, 5);
    // "the" (rank 0) weighs 0.01, "router" (rank 3) 0.04: the text means mostly "router".
    expect(cosine(meaning, vectors.meaningOf(['router'])!)).toBeGreaterThan(0.9);
    expect(vectors.meaningOf(['password', 'unknownword'])).toBeUndefined();
  });

  it('rejects a file that is not a word-vector file, or is cut short, with a clear error', () => {
    expect(() => WordVectors.decode(Buffer.from('not vectors at all'))).toThrow(/WVEC/);
    const bytes = encodeWordVectors(source);
    expect(() => WordVectors.decode(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
  });

  it('loads the committed asset: 50,000 GloVe words whose neighbours make sense', () => {
    const vectors = sharedWordVectors()!;
    expect(vectors.size).toBe(50_000);
    expect(vectors.dimensions).toBe(100);
    expect(similarity(vectors, 'refund', 'reimbursement')!).toBeGreaterThan(similarity(vectors, 'refund', 'router')! + 0.3);
  });

  it('keeps each cosine closenessTo computed, for any number of rows: the same largest cosine when asked again', () => {
    const vectors = sharedWordVectors()!;
    const rows = Int32Array.from({ length: 3_000 }, (_, i) => (i * 7919) % vectors.size);
    const largest = Math.max(...vectors.cosinesTo('refund', rows)!);
    const closest = vectors.closenessTo('refund')!;
    expect(closest(rows)).toBe(largest);
    expect(closest(rows.subarray(0, 1_500))).toBe(Math.max(...vectors.cosinesTo('refund', rows.subarray(0, 1_500))!));
    expect(closest(rows)).toBe(largest);
  });

  it('reads a path it is given, and says which file it could not read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'word-vectors-'));
    try {
      writeFileSync(join(dir, 'small.bin'), encodeWordVectors(source));
      expect(WordVectors.load(join(dir, 'small.bin')).size).toBe(4);
      expect(() => WordVectors.load(join(dir, 'missing.bin'))).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Matcher with word vectors', () => {
  let db: Db;

  beforeEach(() => {
    db = openTempDb();
    trainSupportGuild(new TrainingStore(db), GUILD_A);
  });

  afterEach(() => db.close());

  const best = (matcher: Matcher, text: string) => matcher.match(GUILD_A, text)[0];

  it('answers a paraphrase in other words that the words alone left to the AI', () => {
    // Trained: "What are your opening hours?", "When are you open". Asked: "what time do you open".
    const withVectors = best(new Matcher(db), 'what time do you open');
    expect(withVectors).toMatchObject({ answer: OPENING_HOURS_ANSWER });
    expect(withVectors!.score).toBeGreaterThanOrEqual(THRESHOLD);
    const wordsAlone = best(new Matcher(db, { wordVectors: null }), 'what time do you open');
    expect(wordsAlone!.score).toBeLessThan(THRESHOLD);
  });

  it('is surer of a synonym than of an unrelated word in the same place', () => {
    // Trained: "I want my money back". "cash" is close to "money"; "cat" is not.
    const matcher = new Matcher(db);
    const synonym = best(matcher, 'I want my cash back')!;
    const unrelated = best(matcher, 'I want my cat back')!;
    expect(synonym.answer).toBe(REFUND_ANSWER);
    expect(synonym.score).toBeGreaterThan(unrelated.score + 0.1);
  });

  it('still leaves to the AI what no trained answer is about, even in the same words', () => {
    const matcher = new Matcher(db);
    for (const text of ['How do I cancel my order?', 'how do I reset my router', 'What is the capital of France?', 'my cat is sick']) {
      expect(best(matcher, text)?.score ?? 0, text).toBeLessThan(THRESHOLD);
    }
    expect(best(matcher, 'How do I cancel my order?')?.answer).toBe(CANCEL_ANSWER);
  });

  it('without its vectors (the asset missing) answers trained questions from the words as before', () => {
    const matcher = new Matcher(db, { wordVectors: null });
    const match = best(matcher, 'How do I reset my password?')!;
    expect(match.answer).toBe(PASSWORD_ANSWER);
    expect(match.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(best(matcher, 'What is the capital of France?')?.score ?? 0).toBeLessThan(THRESHOLD);
  });

  it('packs cached meanings as int8 whose cosines stay within 1 % of the full vectors', () => {
    const vectors = sharedWordVectors()!;
    const meanings = [['reset', 'password'], ['refund', 'order'], ['router', 'wifi']].map((words) => vectors.meaningOf(words)!);
    const packed = PackedVectors.of(meanings);
    expect(packed.count).toBe(3);
    for (const question of [['forgot', 'password'], ['money', 'back'], ['internet', 'down']].map((words) => vectors.meaningOf(words)!)) {
      const exact = Math.max(0, ...meanings.map((m) => cosine(question, m)));
      expect(Math.abs(packed.closest(question) - exact)).toBeLessThan(0.01);
    }
    expect(packed.closest(meanings[1]!)).toBeCloseTo(1, 2);
    expect(PackedVectors.of([]).closest(meanings[0]!)).toBe(0);
  });
});
