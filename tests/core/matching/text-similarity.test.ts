import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { porterStem } from '../../../src/core/matching/porter.js';
import { paddedTrigrams, TrigramSpace } from '../../../src/core/matching/char-trigrams.js';
import { boundedDamerau, wordSimilarity as spellingSimilarity } from '../../../src/core/matching/similarity.js';
import { matchWords, stemOf } from '../../../src/core/matching/words.js';

describe('porterStem', () => {
  it('gives the Porter stems', () => {
    const cases: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', agreed: 'agre', plastered: 'plaster', hopping: 'hop', filing: 'file',
      relational: 'relat', conditional: 'condit', generalizations: 'gener', adjustment: 'adjust', adoption: 'adopt',
      controlling: 'control', password: 'password', is: 'is', 'café': 'café', '2019': '2019',
    };
    for (const [word, stem] of Object.entries(cases)) expect(porterStem(word), word).toBe(stem);
  });

  it('agrees with the stems SQLite FTS5 indexes', () => {
    const words = ['resetting', 'refunds', 'subscription', 'cancelled', 'shipping', 'arrives', 'happiness', 'organization', 'replacement', 'electricity', 'hopeful', 'formality', 'possibly', 'troubled', 'sized'];
    const db = new BetterSqlite3(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2'); CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');");
    const insert = db.prepare('INSERT INTO t (rowid, x) VALUES (?, ?)');
    words.forEach((word, i) => insert.run(i + 1, word));
    const indexed = db.prepare('SELECT term, doc FROM v ORDER BY doc').all() as { term: string; doc: number }[];
    expect(indexed.map((row) => row.term)).toEqual(words.map(porterStem));
    db.close();
  });
});

describe('matchWords', () => {
  it('splits and folds words as the FTS5 tokenizer does', () => {
    expect(matchWords("What's the CAFÉ's wi-fi password?")).toEqual(['what', 's', 'the', 'cafe', 's', 'wi', 'fi', 'password']);
    expect(matchWords('🙂 !!')).toEqual([]);
  });
});

describe('wordSimilarity', () => {
  // The stems' trigrams numbered as the scorer numbers them (TrigramSpace.stemTrigrams).
  const space = new TrigramSpace();
  const wordSimilarity = (a: string, b: string, allowTypo: boolean) =>
    spellingSimilarity(a, space.stemTrigrams(stemOf(a)), b, space.stemTrigrams(stemOf(b)), allowTypo);

  it('counts a one-letter typo or a swap as near, for words the guild does not know', () => {
    expect(wordSimilarity('pasword', 'password', true)).toBeGreaterThan(0.8);
    expect(wordSimilarity('passwrod', 'password', true)).toBeGreaterThan(0.8);
    expect(wordSimilarity('rest', 'reset', true)).toBeGreaterThan(0.7);
    expect(wordSimilarity('rest', 'reset', false)).toBe(0);
  });

  it('matches spelling variants the stemmer misses', () => {
    // Dice's coefficient of the stems' distinct padded trigrams.
    const stemTrigrams = (word: string) => new Set(paddedTrigrams(stemOf(word)));
    const [a, b] = [stemTrigrams('cancelation'), stemTrigrams('cancellation')];
    const dice = (2 * [...a].filter((gram) => b.has(gram)).length) / (a.size + b.size);
    expect(wordSimilarity('cancelation', 'cancellation', false)).toBe(dice);
    expect(dice).toBeGreaterThan(0.6);
    expect(wordSimilarity('colour', 'color', true)).toBeGreaterThan(0.6);
  });

  it('keeps short and different words apart', () => {
    expect(wordSimilarity('car', 'cat', true)).toBe(0);
    expect(wordSimilarity('refund', 'router', true)).toBe(0);
    expect(wordSimilarity('shipping', 'shopping', false)).toBe(0);
  });

  it('bounds the edit distance it computes', () => {
    expect(boundedDamerau('abcdef', 'badcfe', 1)).toBe(2);
    expect(boundedDamerau('abcdef', 'abcdef', 1)).toBe(0);
    expect(boundedDamerau('ab', 'ba', 1)).toBe(1);
  });
});
