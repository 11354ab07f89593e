import { describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { GUILD_A, openTempDb } from './support-guild.js';
import { STOP_WORDS } from '../../../src/core/matching/stopwords.js';
import { alignedPhrasings, AnswerAlignment, UnitVectorCache } from '../../../src/core/matching/answer-alignment.js';
import { encodeWordVectors, WordVectors } from '../../../src/core/matching/word-vectors.js';
import { matchWords, stemOf } from '../../../src/core/matching/words.js';

/**
 * Word-by-word alignment, with vectors whose cosines are known: "blocked" and "locked" 0.9 apart,
 * every other pair orthogonal. Every word weighs 1 (IDF), so the expected shares can be written out.
 */
const vectors = WordVectors.decode(
  encodeWordVectors({
    dimensions: 4,
    words: ['pin', 'blocked', 'locked', 'new', 'need'],
    vectors: [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0.9, Math.sqrt(1 - 0.81), 0],
      [0, 0, 0, 1],
      [0, 0, -1, 0],
    ],
    source: 'test',
  }),
);
const isStop = (stem: string) => STOP_WORDS.has(stem);
const phrasingsOf = (questions: readonly string[]) =>
  alignedPhrasings(
    questions.map((question) => new Map(matchWords(question.toLowerCase()).map((word) => [stemOf(word), word]))),
    isStop,
    vectors,
  );
function align(question: string, trained: readonly string[]) {
  const terms = [...new Map(matchWords(question.toLowerCase()).map((word) => [stemOf(word), word]))]
    .filter(([stem]) => !isStop(stem))
    .map(([stem, word]) => ({ stem, word, idf: 1 }));
  return new AnswerAlignment(terms, new UnitVectorCache(vectors), () => 1).of(phrasingsOf(trained));
}

describe('AnswerAlignment', () => {
  const blocked = ['My PIN is blocked'];

  it('a question that says what a trained question says is fully aligned, nothing unmatched', () => {
    expect(align('my pin is blocked!', blocked)).toEqual({ alignment: 1, unmatched: 0 });
  });

  it('credits a word said in other words by its cosine', () => {
    const { alignment, unmatched } = align('my PIN is locked', blocked);
    expect(alignment).toBeCloseTo((1 + 0.9) / 2, 2);
    expect(unmatched).toBe(0);
  });

  it('"I need a new PIN" against "my PIN is blocked": half of the trained question unsaid, two of three question words unmatched', () => {
    const { alignment, unmatched } = align('I need a new PIN', blocked);
    expect(alignment).toBeCloseTo(1 / 2, 5);
    expect(unmatched).toBeCloseTo(2 / 3, 5);
  });

  it('takes the closest phrasing for alignment and every phrasing for unmatched words', () => {
    const trained = ['My PIN is blocked', 'I need a new one'];
    expect(align('I need a new PIN', trained)).toEqual({ alignment: 1, unmatched: 0 });
  });

  it('counts a word without a vector only by its own stem, and stop words not at all', () => {
    expect(align('blocked zorblax', blocked)).toEqual({ alignment: 0.5, unmatched: 0.5 });
    expect(align('is it my', blocked)).toEqual({ alignment: 0, unmatched: 0 });
  });
});

describe('Matcher with word alignment (GloVe vectors)', () => {
  it('is less sure of a PIN question that asks something else than "my PIN is blocked" than of a paraphrase of it', () => {
    const db = openTempDb();
    try {
      const store = new TrainingStore(db);
      const training: [string, string[]][] = [
        ['Unblock it in the app: Card > PIN > Unblock.', ['My PIN is blocked', 'How do I unblock my PIN?', 'I entered the wrong PIN too many times and now it is blocked', 'Why is my PIN blocked?']],
        ['Cards arrive within 5 working days.', ['When will my card arrive?', 'My card has not arrived yet', 'How long does card delivery take?']],
        ['A declined payment is shown in the app with its reason.', ['Why was my card declined?', 'My card payment was declined', 'The shop declined my card']],
      ];
      for (const [answer, questions] of training) for (const question of questions) store.add(GUILD_A, { question, answer });
      const matcher = new Matcher(db);
      const [paraphrase] = matcher.rank(GUILD_A, 'my PIN was blocked, what now?');
      const [other] = matcher.rank(GUILD_A, 'I need a new PIN');
      expect(paraphrase!.answer).toBe(other!.answer);
      expect(paraphrase!.features.alignment).toBeGreaterThan(other!.features.alignment);
      expect(paraphrase!.score).toBeGreaterThanOrEqual(0.85);
      expect(other!.score).toBeLessThan(0.85);
    } finally {
      db.close();
    }
  });
});
