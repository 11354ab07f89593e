/**
 * Character-trigram evidence: words that share most of their letters (compounds and their parts,
 * "cellphone"/"phone", "paycheck"/"pay", inflections the stemmer misses) count as partly equal.
 * Trigrams are taken inside each word, padded with one space each side (" ph", "pho", ..., "ne ").
 */

/** A word's trigrams in order, repeats kept: " ph", "pho", ..., "ne " for "phone". */
export function paddedTrigrams(word: string): string[] {
  const padded = ` ${word} `;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) grams.push(padded.slice(i, i + 3));
  return grams;
}

/** A text's distinct trigrams (as ids of one TrigramSpace) with their sublinear weights, 1 + ln(count). */
export interface TrigramVector {
  ids: Int32Array;
  weights: Float64Array;
}

/** Stems whose trigram ids are kept (20,000 at ~150 bytes each). */
const STEM_TRIGRAMS_LIMIT = 20_000;

/** Trigrams are numbered so that a re-ranking works over typed arrays, not string-keyed maps. */
export class TrigramSpace {
  private readonly idOf = new Map<string, number>();
  /**
   * By stem: its distinct trigrams' ids, sorted (stemTrigrams). Emptied when full rather than kept
   * most recently used: it is read for every word of every document parsed, and a RecentMap's
   * reordering on each read cost 4.5 % of the bench's 100,000-entry guild; a miss only recomputes.
   */
  private stemGrams = new Map<string, Int32Array>();
  private documentFrequency = new Int32Array(1024);
  private inverse = new Float64Array(1024);
  private questionWeight = new Float64Array(1024);
  private seen = new Int32Array(1024);

  /** Ids issued so far: a caller caching vectors starts afresh (new space) past its own limit. */
  get size(): number {
    return this.idOf.size;
  }

  /**
   * A stem's distinct padded trigrams as sorted ids: how wordSimilarity (similarity.ts) compares
   * spellings. Valid for as long as the space (ids are never reused within it).
   */
  stemTrigrams(stem: string): Int32Array {
    let ids = this.stemGrams.get(stem);
    if (ids === undefined) {
      if (this.stemGrams.size >= STEM_TRIGRAMS_LIMIT) this.stemGrams = new Map();
      ids = Int32Array.from(new Set(paddedTrigrams(stem).map((gram) => this.id(gram)))).sort();
      this.stemGrams.set(stem, ids);
    }
    return ids;
  }

  vector(words: readonly string[]): TrigramVector {
    const counts = new Map<number, number>();
    for (const word of words) {
      for (const gram of paddedTrigrams(word)) {
        const id = this.id(gram);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    const ids = new Int32Array(counts.size);
    const weights = new Float64Array(counts.size);
    let k = 0;
    for (const [id, count] of counts) {
      ids[k] = id;
      weights[k++] = 1 + Math.log(count);
    }
    return { ids, weights };
  }

  /**
   * TF-IDF cosine between the question's trigrams and each candidate's, with the IDF taken over
   * the candidates themselves. Candidate-local statistics cost O(candidates), whatever the guild's
   * size, and are what a re-ranker needs: a trigram every candidate shares ("ing", " th")
   * separates none of them and weighs little; one only the right answer has weighs most.
   */
  cosines(question: TrigramVector, candidates: readonly TrigramVector[]): number[] {
    this.ensureCapacity();
    const df = this.documentFrequency;
    const idf = this.inverse;
    const q = this.questionWeight;
    const n = candidates.length;
    // Each distinct trigram of the candidates once (they share most of theirs): counted, then weighed.
    const seen = this.seenScratch();
    let distinct = 0;
    for (const { ids } of candidates)
      for (const id of ids) {
        if (df[id] === 0) seen[distinct++] = id;
        df[id]! += 1;
      }
    for (let k = 0; k < distinct; k++) idf[seen[k]!] = Math.log(1 + n / (df[seen[k]!]! + 0.5));
    let questionNorm = 0;
    for (let i = 0; i < question.ids.length; i++) {
      const id = question.ids[i]!;
      const w = question.weights[i]! * (df[id]! > 0 ? idf[id]! : Math.log(1 + n / 0.5));
      q[id] = w;
      questionNorm += w * w;
    }
    const cosines = candidates.map(({ ids, weights }) => {
      let dot = 0;
      let norm = 0;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const w = weights[i]! * idf[id]!;
        norm += w * w;
        dot += q[id]! * w;
      }
      return questionNorm > 0 && norm > 0 ? dot / Math.sqrt(questionNorm * norm) : 0;
    });
    // Scratch arrays back to zero for the next question.
    for (let k = 0; k < distinct; k++) df[seen[k]!] = 0;
    for (const id of question.ids) q[id] = 0;
    return cosines;
  }

  private id(gram: string): number {
    let id = this.idOf.get(gram);
    if (id === undefined) {
      id = this.idOf.size;
      this.idOf.set(gram, id);
    }
    return id;
  }

  /** Room for every id of the space: the candidates' distinct trigrams of one question. */
  private seenScratch(): Int32Array {
    if (this.seen.length < this.documentFrequency.length) this.seen = new Int32Array(this.documentFrequency.length);
    return this.seen;
  }

  private ensureCapacity(): void {
    if (this.idOf.size <= this.documentFrequency.length) return;
    let length = this.documentFrequency.length;
    while (length < this.idOf.size) length *= 2;
    this.documentFrequency = new Int32Array(length);
    this.inverse = new Float64Array(length);
    this.questionWeight = new Float64Array(length);
  }
}
