import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Matcher, type SemanticEvidence } from '../../../src/core/matching/matcher.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import type { Db } from '../../../src/db/database.js';
import {
  CANCEL_ANSWER,
  GUILD_A,
  GUILD_B,
  OPENING_HOURS_ANSWER,
  openTempDb,
  PASSWORD_ANSWER,
  REFUND_ANSWER,
  SHIPPING_ANSWER,
  trainSupportGuild,
} from './support-guild.js';

const THRESHOLD = 0.85; // TRAINED_ANSWER_THRESHOLD's default

let db: Db;
let store: TrainingStore;
let matcher: Matcher;

beforeEach(() => {
  db = openTempDb();
  store = new TrainingStore(db);
  trainSupportGuild(store, GUILD_A);
  matcher = new Matcher(db);
});

afterEach(() => db.close());

function best(text: string, guildId = GUILD_A) {
  return matcher.match(guildId, text)[0];
}

describe('Matcher.match', () => {
  it('answers a trained question asked as trained, with a confident score', () => {
    const match = best('How do I reset my password?');
    expect(match).toMatchObject({ question: 'How do I reset my password?', answer: PASSWORD_ANSWER, category: 'general' });
    expect(match!.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(match!.score).toBeLessThanOrEqual(1);
  });

  it('ignores case and punctuation', () => {
    const plain = best('how do i reset my password');
    const shouted = best('HOW DO I RESET MY PASSWORD???!!');
    expect(shouted).toEqual(plain);
    expect(shouted!.answer).toBe(PASSWORD_ANSWER);
  });

  it('does not depend on word order', () => {
    const match = best('my password, how do I reset it');
    expect(match!.answer).toBe(PASSWORD_ANSWER);
    expect(match!.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(best('password reset how')!.score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('finds the answer through filler words', () => {
    expect(best('hi there, um, so basically I was wondering how I could reset my password please thanks')!.answer).toBe(PASSWORD_ANSWER);
    expect(best('hey, how long does shipping take?')!.answer).toBe(SHIPPING_ANSWER);
  });

  it('tolerates small typos', () => {
    const match = best('cancel my subscripton');
    expect(match!.answer).toBe(CANCEL_ANSWER);
    expect(match!.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(best('how long does shiping take')!.answer).toBe(SHIPPING_ANSWER);
    expect(best('how do i rest my pasword')!.answer).toBe(PASSWORD_ANSWER);
  });

  it('pools the phrasings of one answer: the best phrasing is shown, the answer appears once', () => {
    const matches = matcher.match(GUILD_A, 'I forgot my password, can you help me reset it?', 5);
    expect(matches.filter((m) => m.answer === PASSWORD_ANSWER)).toHaveLength(1);
    expect(matches[0]!.answer).toBe(PASSWORD_ANSWER);
    expect(new Set(matches.map((m) => m.answer)).size).toBe(matches.length);
  });

  it('returns at most `limit` candidates, best first, with scores in [0, 1]', () => {
    const matches = matcher.match(GUILD_A, 'how do I change my password or my email', 2);
    expect(matches.length).toBeLessThanOrEqual(2);
    expect(matches[0]!.score).toBeGreaterThanOrEqual(matches[1]?.score ?? 0);
    for (const m of matches) {
      expect(m.score).toBeGreaterThanOrEqual(0);
      expect(m.score).toBeLessThanOrEqual(1);
    }
  });

  it('scores unrelated questions low: neither answered nor given to the AI as context', () => {
    // The bar is TRAINING_CONTEXT_THRESHOLD's default (0.7), below which a trained entry is not
    // even shown to the AI. "taxes" is close to "refund" in GloVe ("tax refund"): that question
    // scores about 0.5 against the refund answer (under 0.5 before the alignment features).
    for (const text of ['what is the capital of france', 'my cat is sick', 'how do i do my taxes', 'is the weather nice today']) {
      expect(best(text)?.score ?? 0, text).toBeLessThan(0.7);
    }
    expect(best('what is the capital of france')?.score ?? 0).toBeLessThan(0.2);
  });

  it('does not answer with a word shared by chance', () => {
    const match = best('how do I reset my router');
    expect(match?.score ?? 0).toBeLessThan(THRESHOLD);
  });

  it('treats FTS5 query syntax in the text as plain words and never throws', () => {
    for (const text of ['reset" OR * NEAR( - : password"', '"', '*', 'NEAR(a b)', 'password:', '-refund', '(((', 'AND OR NOT', '^password']) {
      expect(() => matcher.match(GUILD_A, text), text).not.toThrow();
    }
    expect(best('reset" OR * NEAR( - : password"')!.answer).toBe(PASSWORD_ANSWER);
    expect(best('-refund')!.answer).toBe(REFUND_ANSWER);
  });

  it('returns nothing for empty, blank or emoji-only text', () => {
    for (const text of ['', '   ', '🙂🙂', '!!! ???', '\u200B']) expect(matcher.match(GUILD_A, text), JSON.stringify(text)).toEqual([]);
  });

  it('never returns another guild\'s training', () => {
    expect(matcher.match(GUILD_B, 'How do I reset my password?')).toEqual([]);
    store.add(GUILD_B, { question: 'Where is the server rules channel?', answer: 'See #rules.' });
    expect(matcher.match(GUILD_B, 'How do I reset my password?')).toEqual([]);
    expect(best('where are the server rules', GUILD_B)!.answer).toBe('See #rules.');
    expect(matcher.match(GUILD_A, 'where are the server rules').map((m) => m.answer)).not.toContain('See #rules.');
  });

  it('finds entries added after it was created, and forgets deleted ones', () => {
    expect(best('do you ship to canada')?.answer).not.toBe('Yes, we ship worldwide.');
    const added = store.add(GUILD_A, { question: 'Do you ship internationally, to Canada for example?', answer: 'Yes, we ship worldwide.' });
    expect(best('do you ship to canada')).toMatchObject({ entryId: added.id, answer: 'Yes, we ship worldwide.' });

    store.delete(GUILD_A, added.id);
    expect(matcher.match(GUILD_A, 'do you ship to canada').map((m) => m.answer)).not.toContain('Yes, we ship worldwide.');
  });

  it('follows edits made to training rows', () => {
    const hours = matcher.match(GUILD_A, 'when are you open')[0]!;
    expect(hours.answer).toBe(OPENING_HOURS_ANSWER);
    db.prepare('UPDATE training_entries SET answer = ? WHERE guild_id = ? AND answer = ?').run('Open 24/7.', GUILD_A, OPENING_HOURS_ANSWER);
    expect(best('when are you open')!.answer).toBe('Open 24/7.');
    db.prepare('UPDATE training_entries SET question = ? WHERE guild_id = ? AND answer = ?').run('Is the shop closed on Sunday?', GUILD_A, 'Open 24/7.');
    expect(best('is the shop closed on sunday')!.answer).toBe('Open 24/7.');
    expect(matcher.match(GUILD_A, 'what are your opening hours').map((m) => m.answer)).not.toContain('Open 24/7.');
  });

  it('sees a phrasing added to an answer it has already read (documents are kept only while the training is unchanged)', () => {
    expect(best('when will my order arrive')!.answer).toBe(SHIPPING_ANSWER);
    expect(best('do you deliver to canada')?.score ?? 0).toBeLessThan(THRESHOLD);
    const added = store.add(GUILD_A, { question: 'Do you deliver to Canada?', answer: SHIPPING_ANSWER });
    expect(best('do you deliver to canada')).toMatchObject({ entryId: added.id, answer: SHIPPING_ANSWER });
    expect(best('do you deliver to canada')!.score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('answers the only trained question of a new guild, but not a question sharing just its small words', () => {
    store.add(GUILD_B, { question: 'How do I join the Minecraft server?', answer: 'Connect to play.example.net.' });
    expect(best('how do i join the minecraft server', GUILD_B)!.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(best('how do i do my taxes', GUILD_B)?.score ?? 0).toBeLessThan(0.5);
  });

  it('returns nothing in a guild with no training', () => {
    const empty = new Matcher(openTempDb());
    expect(empty.match(GUILD_A, 'How do I reset my password?')).toEqual([]);
  });

  it('gives partial credit to a word that contains a trained word (character trigrams)', () => {
    store.add(GUILD_A, { question: 'I cannot find my phone', answer: 'Use Find My Device.' });
    store.add(GUILD_A, { question: 'Can I pay by bank transfer?', answer: 'Yes, by SEPA transfer.' });
    expect(best('where is my cellphone')!.answer).toBe('Use Find My Device.');
  });

  it('prefers an answer one of whose phrasings says it all over words spread across another answer\'s phrasings', () => {
    const add = (answer: string, questions: string[]) => questions.forEach((question) => store.add(GUILD_B, { question, answer }));
    add('Spread', ['cancel my plan', 'order history', 'refund policy', 'order status', 'cancel anytime']);
    add('Together', ['how can i cancel an order and get a refund', 'where are you located']);
    expect(best('cancel order get refund', GUILD_B)!.answer).toBe('Together');
  });
});

describe('Matcher.match with semantic evidence', () => {
  /** Vector search stand-in: `favourite` is 0.9 similar to the question, every other answer 0.3. */
  const favouring = (favourite: string): SemanticEvidence => ({
    nearestAnswers: [favourite],
    similarities: (answers) => new Map(answers.map((a) => [a, a === favourite ? 0.9 : 0.3])),
  });

  it('does not make an answer surer when the vectors agree with the words', () => {
    const text = 'my password and my order';
    const [words] = matcher.match(GUILD_A, text);
    const [agreed] = matcher.match(GUILD_A, text, 5, favouring(PASSWORD_ANSWER));
    expect(agreed!.answer).toBe(words!.answer);
    expect(agreed!.score).toBeLessThanOrEqual(words!.score);
  });

  it('casts doubt when the vectors prefer another answer: it may move up, and nobody is confident', () => {
    const text = 'my password and my order';
    // Without word vectors, whose own sense of "password" would keep that answer on top (see the next test).
    const matcher = new Matcher(db, { wordVectors: null });
    const [words] = matcher.match(GUILD_A, text);
    expect(words!.answer).toBe(PASSWORD_ANSWER);
    const fused = matcher.match(GUILD_A, text, 5, favouring(SHIPPING_ANSWER));
    expect(fused[0]!.answer).toBe(SHIPPING_ANSWER);
    for (const m of fused) expect(m.score).toBeLessThan(words!.score);
  });

  it('casts doubt with word vectors too: the favoured answer gains, the words\' answer loses confidence', () => {
    const text = 'my password and my order';
    const [words] = matcher.match(GUILD_A, text);
    expect(words!.answer).toBe(PASSWORD_ANSWER);
    const fused = matcher.match(GUILD_A, text, 5, favouring(SHIPPING_ANSWER));
    const scoreOf = (list: typeof fused, answer: string) => list.find((m) => m.answer === answer)?.score ?? 0;
    expect(scoreOf(fused, PASSWORD_ANSWER)).toBeLessThan(words!.score);
    for (const m of fused) expect(m.score).toBeLessThan(words!.score);
  });

  it('keeps a trained question confident whatever the vectors say', () => {
    const [fused] = matcher.match(GUILD_A, 'How do I reset my password?', 5, favouring(SHIPPING_ANSWER));
    expect(fused!.answer).toBe(PASSWORD_ANSWER);
    expect(fused!.score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('adds an answer only the vectors found, below the threshold', () => {
    const text = 'parcel tracking number';
    expect(matcher.match(GUILD_A, text).map((m) => m.answer)).not.toContain(SHIPPING_ANSWER);
    const fused = matcher.match(GUILD_A, text, 5, favouring(SHIPPING_ANSWER));
    expect(fused.map((m) => m.answer)).toContain(SHIPPING_ANSWER);
    for (const m of fused) expect(m.score).toBeLessThan(THRESHOLD);
  });
});

describe('Matcher.matchBest (several readings of one message)', () => {
  const readings = ['Hello team\n\nHow do I reset my password?', 'Hello team', 'How do I reset my password?'];

  it('gives the list of the reading whose best answer is surest, as match gives it', () => {
    const lists = readings.map((text) => matcher.match(GUILD_A, text));
    const surest = lists.reduce((best, list) => ((list[0]?.score ?? 0) > (best[0]?.score ?? 0) ? list : best), []);
    expect(surest[0]).toMatchObject({ answer: PASSWORD_ANSWER, question: 'How do I reset my password?' });
    expect(matcher.matchBest(GUILD_A, readings)).toEqual(surest);
    expect(matcher.matchBest(GUILD_A, readings, 1)).toEqual(surest.slice(0, 1));
  });

  it('uses each reading\'s own semantic evidence', () => {
    const shipping: SemanticEvidence = { nearestAnswers: [SHIPPING_ANSWER], similarities: (a) => new Map(a.map((x) => [x, x === SHIPPING_ANSWER ? 0.9 : 0.3])) };
    const text = 'parcel tracking number';
    const fused = matcher.match(GUILD_A, text, 5, shipping);
    expect(fused.map((m) => m.answer)).toContain(SHIPPING_ANSWER);
    expect(matcher.matchBest(GUILD_A, ['Hello team', text], 5, [undefined, shipping])).toEqual(fused);
    expect(matcher.matchBest(GUILD_A, ['Hello team', text])).toEqual([]);
  });

  it('returns nothing when no reading finds an answer', () => {
    expect(matcher.matchBest(GUILD_A, ['', '🙂'])).toEqual([]);
    expect(matcher.matchBest(GUILD_A, [])).toEqual([]);
  });
});
