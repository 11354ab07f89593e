import { dotAt } from './vectors.js';
import type { WordVectors } from './word-vectors.js';

/**
 * Word-by-word alignment between a member's question and one answer's phrasings, by word vectors:
 * two calibration features that see what an average of word vectors (the `meaning` feature) blurs.
 * "I need a new PIN" and "my PIN is blocked" mean nearly the same on average (cosine 0.96), but
 * word by word the trained question's "blocked" has no counterpart in the member's question.
 * - alignment: how much of the answer's closest trained question the member's question says: for
 *   each phrasing, the IDF-weighted mean over its content words of their best counterpart in the
 *   question (1 for the same stem, else the word-vector cosine, 0 below 0), the largest over the
 *   phrasings (a recall in the manner of BERTScore, with static vectors).
 * - unmatched: the IDF-weighted share of the question's content words that have no counterpart
 *   (same stem, or a word-vector cosine of at least UNMATCHED_COSINE) in any of the answer's
 *   phrasings: what the member asks that nothing trained for this answer says.
 * Both are shares, so they mean the same for short and long questions; stop words take no part.
 * The ranking's word alignment (word-alignment.ts) measures another thing for another use: an F1 with
 * candidate-local word weights, for the few leading candidates, to order them; these two are the
 * confidence's, for every candidate, with the guild's weights only.
 * Measured choices and their alternatives: ARCHITECTURE.md, "Matching".
 */

/** A question word whose best counterpart in the answer's phrasings is below this cosine is unmatched. */
export const UNMATCHED_COSINE = 0.5;

/** A question's content word (stop words excluded). */
export interface AlignmentTerm {
  stem: string;
  word: string;
  idf: number;
}

/** An answer's phrasings as alignment needs them, built once per parsed answer document. */
export interface AlignedPhrasings {
  /** The distinct content words of all phrasings (one per stem), their stems, and whether each has a word vector. */
  words: readonly string[];
  stems: readonly string[];
  hasVector: readonly boolean[];
  /** Each phrasing's content words, as indices into `words`. */
  phrasings: readonly Uint16Array[];
}

export const NO_PHRASINGS: AlignedPhrasings = { words: [], stems: [], hasVector: [], phrasings: [] };

/** @param phrasings each phrasing's distinct stems with the word standing for each (ParsedDocument.phrasings). */
export function alignedPhrasings(phrasings: readonly ReadonlyMap<string, string>[], isStop: (stem: string) => boolean, vectors: WordVectors): AlignedPhrasings {
  const indexOf = new Map<string, number>();
  const words: string[] = [];
  const stems: string[] = [];
  const hasVector: boolean[] = [];
  const aligned = phrasings.map((phrasing) => {
    const indices: number[] = [];
    for (const [stem, word] of phrasing) {
      if (isStop(stem)) continue;
      let index = indexOf.get(stem);
      if (index === undefined) {
        index = words.length;
        indexOf.set(stem, index);
        words.push(word);
        stems.push(stem);
        hasVector.push(vectors.has(word));
      }
      indices.push(index);
    }
    return Uint16Array.from(indices);
  });
  return { words, stems, hasVector, phrasings: aligned };
}

export interface AlignmentFeatures {
  alignment: number;
  unmatched: number;
}

/**
 * Unit vectors of words as Float32, kept between questions: a guild's questions and phrasings
 * reuse a few thousand words, and a Float32 dot product is much cheaper than a lookup by word per
 * pair. Bounded (emptied when full): 5,000 vectors take about 2.5 MB.
 */
export class UnitVectorCache {
  private readonly known = new Map<string, Float32Array | null>();

  constructor(
    private readonly vectors: WordVectors,
    private readonly limit = 5_000,
  ) {}

  /** The word's unit vector, or undefined when it has none. */
  of(word: string): Float32Array | undefined {
    let vector = this.known.get(word);
    if (vector === undefined) {
      if (this.known.size >= this.limit) this.known.clear();
      const sum = new Float32Array(this.vectors.dimensions);
      vector = this.vectors.addTo(sum, word, 1) ? sum : null;
      this.known.set(word, vector);
    }
    return vector ?? undefined;
  }
}

/**
 * One question's alignment with each candidate answer. Candidates share most of their words, so
 * each distinct word is compared with the question once: its similarity to each question word is
 * kept in flat arrays by the order the word was first seen (no object per word: a question meets
 * hundreds of them).
 */
export class AnswerAlignment {
  private readonly stemIndex: Map<string, number>;
  private readonly termVectors: (Float32Array | undefined)[];
  private readonly totalIdf: number;
  /** Seen words by stem: their number in the arrays below. */
  private readonly seen = new Map<string, number>();
  /** By seen word: similarity to each question word (row-major), the best of them, its IDF. */
  private similarities = new Float64Array(0);
  private best = new Float64Array(0);
  private idf = new Float64Array(0);

  /** @param idfOf the IDF of a phrasing's word in the guild (the weight of the answer's words). */
  constructor(
    private readonly terms: readonly AlignmentTerm[],
    private readonly vectors: UnitVectorCache,
    private readonly idfOf: (word: string) => number,
  ) {
    this.stemIndex = new Map(terms.map((t, i) => [t.stem, i]));
    this.termVectors = terms.map((t) => vectors.of(t.word));
    this.totalIdf = terms.reduce((sum, t) => sum + t.idf, 0);
  }

  of(doc: AlignedPhrasings): AlignmentFeatures {
    const terms = this.terms.length;
    if (terms === 0 || doc.words.length === 0) return { alignment: 0, unmatched: terms === 0 ? 0 : 1 };
    const seen = doc.words.map((_, w) => this.see(doc, w));
    const { similarities, best, idf } = this;
    let alignment = 0;
    for (const phrasing of doc.phrasings) {
      let said = 0;
      let total = 0;
      for (let k = 0; k < phrasing.length; k++) {
        const n = seen[phrasing[k]!]!;
        said += idf[n]! * best[n]!;
        total += idf[n]!;
      }
      if (total > 0 && said / total > alignment) alignment = said / total;
    }
    let unmatched = 0;
    for (let q = 0; q < terms; q++) {
      let termBest = 0;
      for (const n of seen) termBest = Math.max(termBest, similarities[n * terms + q]!);
      if (termBest < UNMATCHED_COSINE) unmatched += this.terms[q]!.idf;
    }
    return { alignment, unmatched: this.totalIdf > 0 ? unmatched / this.totalIdf : 0 };
  }

  /** The answer's w-th word compared with the question (1 to the word of the same stem, else the cosine, 0 without vectors): its number. */
  private see(doc: AlignedPhrasings, w: number): number {
    const stem = doc.stems[w]!;
    const known = this.seen.get(stem);
    if (known !== undefined) return known;
    const n = this.seen.size;
    const terms = this.terms.length;
    if (n >= this.best.length) this.grow(Math.max(64, 2 * this.best.length));
    const word = doc.words[w]!;
    const vector = doc.hasVector[w] ? this.vectors.of(word) : undefined;
    const same = this.stemIndex.get(stem);
    let best = 0;
    for (let q = 0; q < terms; q++) {
      const termVector = this.termVectors[q];
      const similarity = q === same ? 1 : vector === undefined || termVector === undefined ? 0 : Math.max(0, dotAt(vector, termVector, 0));
      this.similarities[n * terms + q] = similarity;
      if (similarity > best) best = similarity;
    }
    this.best[n] = best;
    this.idf[n] = this.idfOf(word);
    this.seen.set(stem, n);
    return n;
  }

  private grow(words: number): void {
    const grown = (old: Float64Array, size: number) => {
      const array = new Float64Array(size);
      array.set(old);
      return array;
    };
    this.similarities = grown(this.similarities, words * this.terms.length);
    this.best = grown(this.best, words);
    this.idf = grown(this.idf, words);
  }
}
