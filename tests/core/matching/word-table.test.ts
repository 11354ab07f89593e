import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WordTable } from '../../../src/core/matching/word-table.js';
import { DEFAULT_WORD_VECTORS_PATH, encodeWordVectors, WordVectors } from '../../../src/core/matching/word-vectors.js';

const table = (words: readonly string[]) => new WordTable(Buffer.from(words.join('\n'), 'utf8'));

describe('WordTable: words looked up in their own bytes', () => {
  it('finds each word at its line and nothing else: no prefix, extension, case variant or empty word', () => {
    const words = ['the', 'refund', 'refunds', 'café', 'naïve', 'a'];
    const t = table(words);
    expect(t.size).toBe(words.length);
    words.forEach((word, line) => expect(t.lineOf(word)).toBe(line));
    for (const absent of ['', 'th', 'then', 'refun', 'refundss', 'Refund', 'cafe', 'café ', 'b', 'the\nrefund', 'naïv'])
      expect(t.lineOf(absent), absent).toBe(-1);
  });

  it('refuses a list with an empty line or a repeated word (a lookup could not tell them apart)', () => {
    expect(() => table(['the', '', 'refund'])).toThrow(/line 2 is empty/);
    expect(() => table(['the', 'refund', 'the'])).toThrow(/line 3 repeats/);
  });

  it('in the committed word-vector file, finds every one of the 50,000 words at its own row, and none of 50,000 non-words', () => {
    const bytes = readFileSync(DEFAULT_WORD_VECTORS_PATH);
    const textEnd = 8 + bytes.readUInt32LE(4);
    const words = bytes.toString('utf8', bytes.indexOf(0x0a, 8) + 1, textEnd).split('\n');
    expect(words.length).toBe(50_000);
    const vectors = WordVectors.load();
    const rowOf = (word: string) => vectors.rowsOf([word])[0];
    words.forEach((word, row) => {
      if (rowOf(word) !== row) expect(rowOf(word), word).toBe(row);
    });
    const known = new Set(words);
    let checked = 0;
    for (const word of words) {
      for (const other of [`${word}q`, word.slice(1), `${word}${word}`, word.toUpperCase()]) {
        if (known.has(other) || checked >= 50_000) continue;
        checked++;
        if (rowOf(other) !== undefined) expect(rowOf(other), other).toBeUndefined();
      }
    }
    expect(checked).toBe(50_000);
  });

  it('keeps a word-vector file decoded from its bytes consistent with its word list', () => {
    const vectors = WordVectors.decode(
      encodeWordVectors({ dimensions: 2, words: ['über', 'uber', 'zoo'], vectors: [[1, 0], [0, 1], [1, 1]], source: 'test' }),
    );
    expect(['über', 'uber', 'zoo', 'ube'].map((word) => vectors.rowsOf([word])[0])).toEqual([0, 1, 2, undefined]);
  });
});
