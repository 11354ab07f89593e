import type { AnswerDocument } from './answer-index.js';
import type { AnswerFeatures } from './calibration.js';
import { MIN_FUZZY_LENGTH, wordSimilarity } from './similarity.js';
import { matchWords, stemOf } from './words.js';

/** One distinct (stemmed) term of the member's question. */
export interface QueryTerm {
  stem: string;
  /** The word as typed (first occurrence), used for FTS lookups and typo matching. */
  word: string;
  idf: number;
  /** A standard English stop word. */
  stop: boolean;
  /** Some answer of the guild uses it (so it is not corrected as a typo). */
  known: boolean;
}

export interface Bm25Params {
  k1: number;
  b: number;
  /** Average answer-document length in the guild (words). */
  averageLength: number;
}

/** How well one answer document fits the question, before calibration. */
export interface AnswerEvidence {
  doc: AnswerDocument;
  /** BM25 over the answer's pooled phrasings, with partial credit for near-spelled words. */
  score: number;
  /** The part of `score` earned by stop words alone. */
  stopScore: number;
  /** IDF-weighted share of the question's terms found in the answer's phrasings, in [0, 1]. */
  coverage: number;
}

/** An answer document parsed once: term frequencies by stem, and its distinct words. */
interface ParsedDocument {
  termFrequency: Map<string, number>;
  words: string[];
}

const PARSED_CACHE_LIMIT = 5_000;
const SIMILARITY_CACHE_LIMIT = 100_000;

/**
 * Scores candidate answer documents for a question. Pooling is what makes five phrasings of one
 * answer stronger than any one of them: all phrasings form one BM25 document, so a term used by
 * several phrasings counts more, and the question can match words spread across them.
 */
export class AnswerScorer {
  private readonly parsed = new Map<number, { questions: string; doc: ParsedDocument }>();
  /** wordSimilarity by query word, then candidate word, then whether typos count. */
  private readonly similarities = new Map<string, Map<string, number>>();
  private similarityEntries = 0;

  /**
   * @param idfOfWord IDF (in the same guild) of a word found in a candidate document, for the
   *   partial credit of a near-spelled match.
   */
  score(terms: readonly QueryTerm[], docs: readonly AnswerDocument[], params: Bm25Params, idfOfWord: (word: string) => number): AnswerEvidence[] {
    const totalIdf = terms.reduce((sum, term) => sum + term.idf, 0);
    return docs.map((doc) => {
      const parsed = this.parse(doc);
      const lengthNorm = params.k1 * (1 - params.b + (params.b * doc.wordCount) / Math.max(params.averageLength, 1));
      const saturate = (tf: number) => (tf * (params.k1 + 1)) / (tf + lengthNorm);
      let score = 0;
      let stopScore = 0;
      let covered = 0;
      for (const term of terms) {
        const tf = parsed.termFrequency.get(term.stem);
        if (tf !== undefined) {
          const gain = term.idf * saturate(tf);
          score += gain;
          if (term.stop) stopScore += gain;
          covered += term.idf;
          continue;
        }
        const near = term.stop ? undefined : this.nearestWord(term, parsed.words);
        if (near === undefined) continue;
        const nearTf = parsed.termFrequency.get(stemOf(near.word)) ?? 1;
        score += near.similarity * Math.min(term.idf, idfOfWord(near.word)) * saturate(nearTf);
        covered += near.similarity * term.idf;
      }
      return { doc, score, stopScore, coverage: totalIdf > 0 ? covered / totalIdf : 0 };
    });
  }

  private nearestWord(term: QueryTerm, candidates: readonly string[]): { word: string; similarity: number } | undefined {
    const word = term.word;
    if (word.length < MIN_FUZZY_LENGTH) return undefined;
    let best: { word: string; similarity: number } | undefined;
    for (const candidate of candidates) {
      if (candidate.length < MIN_FUZZY_LENGTH || Math.abs(candidate.length - word.length) > 4) continue;
      const similarity = this.similarity(word, candidate, !term.known);
      if (similarity > 0 && (best === undefined || similarity > best.similarity)) best = { word: candidate, similarity };
    }
    return best;
  }

  private similarity(a: string, b: string, allowTypo: boolean): number {
    const key = allowTypo ? `${a}\u0000typo` : a;
    let byWord = this.similarities.get(key);
    if (byWord === undefined) {
      if (this.similarityEntries >= SIMILARITY_CACHE_LIMIT) {
        this.similarities.clear();
        this.similarityEntries = 0;
      }
      byWord = new Map();
      this.similarities.set(key, byWord);
    }
    let value = byWord.get(b);
    if (value === undefined) {
      value = wordSimilarity(a, b, allowTypo);
      byWord.set(b, value);
      this.similarityEntries++;
    }
    return value;
  }

  private parse(doc: AnswerDocument): ParsedDocument {
    const cached = this.parsed.get(doc.id);
    if (cached !== undefined && cached.questions === doc.questions) return cached.doc;
    const termFrequency = new Map<string, number>();
    const words = new Set<string>();
    for (const word of matchWords(doc.questions)) {
      const stem = stemOf(word);
      termFrequency.set(stem, (termFrequency.get(stem) ?? 0) + 1);
      words.add(word);
    }
    const parsed = { termFrequency, words: [...words] };
    if (this.parsed.size >= PARSED_CACHE_LIMIT) this.parsed.clear();
    this.parsed.set(doc.id, { questions: doc.questions, doc: parsed });
    return parsed;
  }
}

/**
 * Calibration features for each answer: its coverage, and its lead over the best other answer or
 * over its own stop-word-only score, whichever is higher.
 */
export function answerFeatures(evidence: readonly AnswerEvidence[]): AnswerFeatures[] {
  let best = -Infinity;
  let second = -Infinity;
  for (const { score } of evidence) {
    if (score > best) {
      second = best;
      best = score;
    } else if (score > second) second = score;
  }
  return evidence.map((item) => {
    const bestOther = item.score === best ? (second === -Infinity ? 0 : second) : best;
    return { coverage: item.coverage, margin: item.score - Math.max(bestOther, item.stopScore) };
  });
}
