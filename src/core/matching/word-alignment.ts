import type { WordVectors } from './word-vectors.js';
import { stemOf, STOP_STEMS, type ContentTerm } from './words.js';

/**
 * Word alignment: how well the question's words and one phrasing's words pair up, word by word,
 * counting a word as partly present when the other side has a word close in meaning (BERTScore's
 * greedy matching, Zhang et al. 2020, with static word vectors instead of a transformer's).
 * The averaged meaning (WordVectors.meaningOf) blurs word-level differences: "I need a new PIN"
 * and "my PIN is blocked" average to close vectors, but "new" and "blocked" pair with nothing.
 *
 * For one phrasing: every content word of the question takes its best match among the phrasing's
 * content words (the same stem: 1; otherwise the words' cosine, rescaled so that MIN_COSINE counts
 * 0 and 1 counts 1), weighed by its weight; that is the alignment's recall. The same from the
 * phrasing's side is its precision; their harmonic mean (F1) is the phrasing's alignment, and the
 * answer's is its best phrasing's.
 *
 * A word's weight is its IDF in the guild times its IDF *among the candidates* (ln(1 + n / (df +
 * 0.5)) over the n candidate answers): a word every candidate uses separates none of them ("card"
 * among ten card answers), one only this answer uses separates it most, as with the candidates'
 * trigram cosine (char-trigrams.ts). Stop words take no part: the question's stop words, such as
 * "how" and "not", still count in BM25 and the other similarities.
 */

/** Cosines at or below this count as no match: unrelated words' GloVe cosines sit around 0.1–0.3. */
const MIN_COSINE = 0.3;


/**
 * A phrasing's content words (stop words left out), the word standing for each stem: computed once
 * per phrasing and kept with the parsed answer document (scoring.ts), as walking an array is
 * several times cheaper than a Map's entries, per candidate and question.
 */
export function contentWordsOf(phrasing: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [stem, word] of phrasing) if (!STOP_STEMS.has(stem)) found.push(word);
  return found;
}

/** Candidates the alignment re-ranks (alignLeaders), by default. */
const ALIGNED_CANDIDATES = 3;

/** One phrasing's content words (contentWordsOf). */
export type PhrasingWords = readonly string[];

/** A candidate word's part in the alignment, computed once per question. */
interface CandidateWord {
  /** Its IDF in the guild times its IDF among the candidates. */
  weight: number;
  /** Its match with each question term: 1 for the same stem, else the rescaled cosine. */
  matches: Float64Array;
}

/**
 * The alignment of one question with its candidate answers. Built per question over all the
 * candidates (the candidate-local IDF needs them all); each candidate word's matches are computed
 * once per question, as the candidates share most of their vocabulary.
 */
export class QuestionAlignment {
  private readonly termWeights: Float64Array;
  private readonly termWeightTotal: number;
  /** The candidates' IDF of each stem met so far. */
  private readonly localIdfs = new Map<string, number>();
  /** By candidate word. */
  private readonly words = new Map<string, CandidateWord>();
  /** Scratch: each term's best match in the phrasing being aligned. */
  private readonly best: Float64Array;
  /** Each term's word-vector row (-1: none), for WordVectors.cosinesTo. */
  private readonly termRows: Int32Array;

  /**
   * @param terms the question's content words
   * @param candidateStems each candidate's distinct stems (its pooled phrasings'), for the candidate-local IDF
   * @param idfOfWord the guild's IDF of a phrasing's word
   * @param vectors word vectors; without them only the same stems match
   */
  constructor(
    private readonly terms: readonly ContentTerm[],
    private readonly candidateStems: readonly { has(stem: string): boolean }[],
    private readonly idfOfWord: (word: string) => number,
    private readonly vectors?: WordVectors,
  ) {
    this.termWeights = Float64Array.from(terms, (term) => term.idf * this.localIdf(term.stem));
    this.termWeightTotal = this.termWeights.reduce((sum, w) => sum + w, 0);
    this.best = new Float64Array(terms.length);
    this.termRows = Int32Array.from(terms, (term) => vectors?.rowsOf([term.word])[0] ?? -1);
  }

  private localIdf(stem: string): number {
    let idf = this.localIdfs.get(stem);
    if (idf === undefined) {
      let df = 0;
      for (const stems of this.candidateStems) if (stems.has(stem)) df++;
      idf = Math.log(1 + this.candidateStems.length / (df + 0.5));
      this.localIdfs.set(stem, idf);
    }
    return idf;
  }

  /**
   * The best F1 alignment of the question with one of the answer's phrasings, in [0, 1]
   * (0 when the question or every phrasing has no content word).
   */
  bestPhrasing(phrasings: readonly PhrasingWords[]): number {
    if (!(this.termWeightTotal > 0)) return 0;
    const best = this.best;
    let bestF1 = 0;
    for (const phrasing of phrasings) {
      best.fill(0);
      let precision = 0;
      let phrasingWeight = 0;
      for (const word of phrasing) {
        let candidate = this.words.get(word);
        if (candidate === undefined) {
          candidate = this.candidateWord(word);
          this.words.set(word, candidate);
        }
        const matches = candidate.matches;
        let closest = 0;
        for (let i = 0; i < matches.length; i++) {
          const match = matches[i]!;
          if (match > closest) closest = match;
          if (match > best[i]!) best[i] = match;
        }
        precision += candidate.weight * closest;
        phrasingWeight += candidate.weight;
      }
      if (!(phrasingWeight > 0)) continue;
      let recall = 0;
      for (let i = 0; i < best.length; i++) recall += this.termWeights[i]! * best[i]!;
      recall /= this.termWeightTotal;
      precision /= phrasingWeight;
      if (recall + precision > 0) bestF1 = Math.max(bestF1, (2 * precision * recall) / (precision + recall));
    }
    return bestF1;
  }

  private candidateWord(word: string): CandidateWord {
    const stem = stemOf(word);
    const matches = new Float64Array(this.terms.length);
    const cosines = this.vectors?.cosinesTo(word, this.termRows); // the word looked up once, not once per term
    this.terms.forEach((term, i) => {
      const cosine = term.stem === stem ? 1 : (cosines?.[i] ?? 0);
      matches[i] = cosine >= 1 ? 1 : Math.max(0, (cosine - MIN_COSINE) / (1 - MIN_COSINE));
    });
    return { weight: this.idfOfWord(word) * this.localIdf(stem), matches };
  }
}

/**
 * Adds the word-by-word similarities to the ranking of the ALIGNED_CANDIDATES leading candidates
 * by the other evidence: each leader's alignment and matched share (`wordByWord`), weighed by
 * `weights` (already in the ranking score's units). The costliest similarities (word by word), they
 * are computed for these only: measured, top-1 is within 0.002 of aligning all (up to 15)
 * candidates on every eval file, at a fifth of the cost (ARCHITECTURE.md, "Matching"). A candidate
 * left out keeps 0 for both, so it can only lose ground to the leaders, never gain it.
 */
export function alignLeaders(
  candidates: readonly { score: number; alignment: number; matched: number }[],
  wordByWord: (candidate: number) => { alignment: number; matched: number },
  weights: { alignment: number; matched: number },
  limit = ALIGNED_CANDIDATES,
): void {
  const leaders = candidates.map((_, i) => i).sort((x, y) => candidates[y]!.score - candidates[x]!.score);
  for (const i of leaders.slice(0, limit)) {
    const candidate = candidates[i]!;
    const { alignment, matched } = wordByWord(i);
    candidate.alignment = alignment;
    candidate.matched = matched;
    candidate.score += weights.alignment * alignment + weights.matched * matched;
  }
}
