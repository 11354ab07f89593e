import { RecentMap } from './recent-map.js';
import { dotAt } from './vectors.js';
import type { WordVectors } from './word-vectors.js';
import { STOP_STEMS, type ContentTerm } from './words.js';

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
 * confidence's, with the guild's weights only, for the answers whose confidence is read and for the
 * ranking's leading candidates (1 − unmatched is the ranking's matched share, ranking.ts).
 * Measured choices and their alternatives: ARCHITECTURE.md, "Matching".
 */

/** A question word whose best counterpart in the answer's phrasings is below this cosine is unmatched. */
const UNMATCHED_COSINE = 0.5;

/** An answer's phrasings as alignment needs them, built once per parsed answer document. */
export interface AlignedPhrasings {
  /** The distinct content words of all phrasings (one per stem, its first phrasing's word) and their stems. */
  words: readonly string[];
  stems: readonly string[];
  /** Each phrasing's content words, as indices into `words`. */
  phrasings: readonly Uint16Array[];
}

export const NO_PHRASINGS: AlignedPhrasings = { words: [], stems: [], phrasings: [] };

/** @param phrasings each phrasing's distinct stems with the word standing for each (ParsedDocument.phrasings). */
export function alignedPhrasings(phrasings: readonly ReadonlyMap<string, string>[]): AlignedPhrasings {
  const indexOf = new Map<string, number>();
  const words: string[] = [];
  const stems: string[] = [];
  const aligned = phrasings.map((phrasing) => {
    const indices: number[] = [];
    for (const [stem, word] of phrasing) {
      if (STOP_STEMS.has(stem)) continue;
      let index = indexOf.get(stem);
      if (index === undefined) {
        index = words.length;
        indexOf.set(stem, index);
        words.push(word);
        stems.push(stem);
      }
      indices.push(index);
    }
    return Uint16Array.from(indices);
  });
  return { words, stems, phrasings: aligned };
}

export interface AlignmentFeatures {
  alignment: number;
  unmatched: number;
}

/**
 * Unit vectors of words as Float32, kept between questions: a guild's questions and phrasings
 * reuse a few thousand words, and a Float32 dot product is much cheaper than a lookup by word per
 * pair. The most recently used are kept (RecentMap): 5,000 vectors take about 2.5 MB.
 */
export class UnitVectorCache {
  /** By word: its unit vector, or null when it has none. */
  private readonly known: RecentMap<string, Float32Array | null>;

  constructor(
    private readonly vectors: WordVectors,
    limit = 5_000,
  ) {
    this.known = new RecentMap(limit);
  }

  /** The word's unit vector, or undefined when it has none. */
  of(word: string): Float32Array | undefined {
    let vector = this.known.get(word);
    if (vector === undefined) {
      const sum = new Float32Array(this.vectors.dimensions);
      vector = this.vectors.addTo(sum, word, 1) ? sum : null;
      this.known.set(word, vector);
    }
    return vector ?? undefined;
  }
}

/**
 * One question's alignment with its candidate answers, each computed when first asked for: the
 * confidence is read for a few of them (the best answer, the ones shown), and comparing an
 * answer's words with the question's is most of its cost. Candidates share most of their words,
 * so each distinct stem is compared with the question once: its similarity to each question word
 * is kept in flat arrays by its number (no object per word: a question meets hundreds of them).
 * A stem stands for the word the first candidate (in the candidates' order) uses for it, whichever
 * candidates are asked for and in whatever order, so each answer's features depend on the
 * candidates alone.
 */
export class AnswerAlignment {
  private readonly stemIndex: Map<string, number>;
  private readonly termVectors: (Float32Array | undefined)[];
  private readonly totalIdf: number;
  /** Distinct stems of the numbered candidates, first seen first: their number. */
  private readonly numbers = new Map<string, number>();
  /** By number: the stem, the word standing for it, and whether it has been compared with the question yet. */
  private readonly stemOf: string[] = [];
  private readonly wordOf: string[] = [];
  private compared = new Uint8Array(0);
  /** By number: similarity to each question word (row-major), the best of them, its IDF. */
  private similarities = new Float64Array(0);
  private best = new Float64Array(0);
  private idf = new Float64Array(0);
  /** Each numbered candidate's words (AlignedPhrasings.words) as numbers. */
  private readonly numbered: Uint32Array[] = [];
  private readonly features: (AlignmentFeatures | undefined)[] = [];

  /**
   * @param candidates each candidate answer's phrasings, in the candidates' order
   * @param idfOf the IDF of a phrasing's word in the guild (the weight of the answer's words)
   */
  constructor(
    private readonly terms: readonly ContentTerm[],
    private readonly vectors: UnitVectorCache,
    private readonly idfOf: (word: string) => number,
    private readonly candidates: readonly AlignedPhrasings[],
  ) {
    this.stemIndex = new Map(terms.map((t, i) => [t.stem, i]));
    this.termVectors = terms.map((t) => vectors.of(t.word));
    this.totalIdf = terms.reduce((sum, t) => sum + t.idf, 0);
  }

  /** The alignment features of the i-th candidate (computed once). */
  of(candidate: number): AlignmentFeatures {
    let features = this.features[candidate];
    if (features === undefined) {
      features = this.compute(candidate);
      this.features[candidate] = features;
    }
    return features;
  }

  private compute(candidate: number): AlignmentFeatures {
    const doc = this.candidates[candidate]!;
    const terms = this.terms.length;
    if (terms === 0 || doc.words.length === 0) return { alignment: 0, unmatched: terms === 0 ? 0 : 1 };
    const seen = this.numberedWords(candidate);
    for (const n of seen) this.compare(n);
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

  /** The candidate's words as numbers, numbering every earlier candidate's first (a stem's word is its first user's). */
  private numberedWords(candidate: number): Uint32Array {
    for (let c = this.numbered.length; c <= candidate; c++) {
      const doc = this.candidates[c]!;
      this.numbered.push(Uint32Array.from(doc.stems, (stem, w) => this.numberOf(stem, doc.words[w]!)));
    }
    return this.numbered[candidate]!;
  }

  private numberOf(stem: string, word: string): number {
    let n = this.numbers.get(stem);
    if (n === undefined) {
      n = this.wordOf.length;
      this.numbers.set(stem, n);
      this.stemOf.push(stem);
      this.wordOf.push(word);
    }
    return n;
  }

  /** Compares the n-th word with the question once: 1 to the word of the same stem, else the cosine (0 without vectors). */
  private compare(n: number): void {
    if (n >= this.compared.length) this.grow(Math.max(64, 2 * this.compared.length, n + 1));
    if (this.compared[n] === 1) return;
    const terms = this.terms.length;
    const word = this.wordOf[n]!;
    const vector = this.vectors.of(word);
    const same = this.stemIndex.get(this.stemOf[n]!);
    let best = 0;
    for (let q = 0; q < terms; q++) {
      const termVector = this.termVectors[q];
      const similarity = q === same ? 1 : vector === undefined || termVector === undefined ? 0 : Math.max(0, dotAt(vector, termVector, 0));
      this.similarities[n * terms + q] = similarity;
      if (similarity > best) best = similarity;
    }
    this.best[n] = best;
    this.idf[n] = this.idfOf(word);
    this.compared[n] = 1;
  }

  private grow(words: number): void {
    const grown = <T extends Float64Array | Uint8Array>(old: T, array: T) => {
      array.set(old);
      return array;
    };
    this.compared = grown(this.compared, new Uint8Array(words));
    this.similarities = grown(this.similarities, new Float64Array(words * this.terms.length));
    this.best = grown(this.best, new Float64Array(words));
    this.idf = grown(this.idf, new Float64Array(words));
  }
}
