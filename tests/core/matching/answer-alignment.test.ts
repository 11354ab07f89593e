import { describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { GUILD_A, openTempDb } from './support-guild.js';
import { alignedPhrasings, AnswerAlignment, UnitVectorCache } from '../../../src/core/matching/answer-alignment.js';
import { encodeWordVectors, WordVectors } from '../../../src/core/matching/word-vectors.js';
import { matchWords, stemOf, STOP_STEMS } from '../../../src/core/matching/words.js';

/**
 * Word-by-word alignment, with vectors whose cosines are known: "blocked" and "locked" 0.9 apart,
 * every other pair orthogonal. Every word weighs 1 (IDF), so the expected shares can be written out.
 */
const vectors = WordVectors.decode(
  encodeWordVectors({
    dimensions: 4,
    words: ['pin', 'blocked', 'locked', 'new', 'need', 'blocking'],
    vectors: [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0.9, Math.sqrt(1 - 0.81), 0],
      [0, 0, 0, 1],
      [0, 0, -1, 0],
      [0, 0, 0, 1],
    ],
    source: 'test',
  }),
);
/** Stop words are left out as the matcher leaves them out (STOP_STEMS: "was" is "wa" once stemmed). */
const phrasingsOf = (questions: readonly string[]) =>
  alignedPhrasings(questions.map((question) => new Map(matchWords(question.toLowerCase()).map((word) => [stemOf(word), word]))));
function align(question: string, trained: readonly string[]) {
  const terms = [...new Map(matchWords(question.toLowerCase()).map((word) => [stemOf(word), word]))]
    .filter(([stem]) => !STOP_STEMS.has(stem))
    .map(([stem, word]) => ({ stem, word, idf: 1 }));
  return new AnswerAlignment(terms, new UnitVectorCache(vectors), () => 1, [phrasingsOf(trained)]).of(0);
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

  it('gives each candidate the same features whichever candidate is asked for first (a stem stands for its first candidate\'s word)', () => {
    // "blocking" and "blocked" share the stem "block"; in these test vectors "blocking" means "new".
    const terms = [{ stem: 'pin', word: 'pin', idf: 1 }, { stem: 'new', word: 'new', idf: 1 }];
    const candidates = [phrasingsOf(['my PIN is blocking']), phrasingsOf(['my PIN is blocked'])];
    const alignment = () => new AnswerAlignment(terms, new UnitVectorCache(vectors), () => 1, candidates);
    const inOrder = alignment();
    const [first, second] = [inOrder.of(0), inOrder.of(1)];
    const lastFirst = alignment();
    expect(lastFirst.of(1)).toEqual(second);
    expect(lastFirst.of(0)).toEqual(first);
    expect(second).toEqual({ alignment: 1, unmatched: 0 });
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
      // match() computes the word-by-word features only for the answers it returns, rank() for all: the same confidences.
      for (const question of ['my PIN was blocked, what now?', 'I need a new PIN', 'my card was declined twice'])
        expect(matcher.match(GUILD_A, question, 2).map((m) => [m.answer, m.score])).toEqual(matcher.rank(GUILD_A, question).slice(0, 2).map((r) => [r.answer, r.score]));
    } finally {
      db.close();
    }
  });
});
