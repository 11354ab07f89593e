import { DOCUMENT_CACHE_LIMIT, type AnswerDocument } from './answer-index.js';
import { alignedPhrasings, AnswerAlignment, NO_PHRASINGS, UnitVectorCache, type AlignedPhrasings, type AlignmentFeatures } from './answer-alignment.js';
import { TrigramSpace, type TrigramVector } from './char-trigrams.js';
import { DEFAULT_RANKING, rankingScore, WORDS_ONLY_RANKING, type RankingWeights } from './ranking.js';
import { MIN_FUZZY_LENGTH, wordSimilarity } from './similarity.js';
import { nearestPhrasingCosine } from './nearest-phrasing.js';
import { RecentMap } from './recent-map.js';
import { alignLeaders, contentWordsOf, QuestionAlignment, type PhrasingWords } from './word-alignment.js';
import { PackedVectors, type WordVectors } from './word-vectors.js';
import { matchWords, stemOf, STOP_STEMS } from './words.js';

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

export interface WordIdf {
  ofWord(word: string): number;
  ofPhrasingWord(word: string): number;
  /**
   * The same object for as long as these IDFs hold (the guild's statistics unchanged): a parsed
   * document keeps its words' IDFs between questions while it is the same.
   */
  epoch: object;
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
  /**
   * The ranking score: `bm25` plus the question's total IDF times the weighted similarities below,
   * coverage among them (ranking.ts).
   */
  score: number;
  /** BM25 over the answer's pooled phrasings, with partial credit for near-spelled words. */
  bm25: number;
  /** The part of `bm25` earned by stop words alone. */
  stopScore: number;
  /** IDF-weighted share of the question's terms found in the answer's phrasings, in [0, 1]. */
  coverage: number;
  /** IDF-weighted cosine between the question and the answer's closest single phrasing, in [0, 1]; 0 when the ranking does not weigh it. */
  nearest: number;
  /** Character-trigram TF-IDF cosine between the question and the pooled phrasings (candidate-local IDF), in [0, 1]. */
  trigram: number;
  /**
   * How much of what the answer's phrasings consistently say the question says too, in [0, 1]: each
   * of the answer's terms weighs its IDF times the share of phrasings using it, and this is the
   * weight of the terms the question shares over the weight of them all.
   */
  recall: number;
  /**
   * Cosine between what the question and the answer's closest phrasing mean (word vectors averaged,
   * WordVectors.meaningOf), in [-1, 1]; 0 without word vectors. Credits paraphrases in other words.
   */
  meaning: number;
  /** How well the question's words pair up with the closest phrasing's, in [0, 1] (word-alignment.ts): a ranking similarity, 0 when the ranking does not weigh it. */
  alignment: number;
  /**
   * The IDF-weighted share of the question's content words some phrasing says (1 − `words().unmatched`),
   * in [0, 1]: a ranking similarity, computed with the alignment for the leading candidates; 0 otherwise.
   */
  matched: number;
  /**
   * How much of the answer the question says and what it asks that the answer does not, word by
   * word (answer-alignment.ts): calibration features, zeros without word vectors. Computed when
   * first called, for the ranking's leading candidates (`matched`) and the answers whose confidence
   * is read (their words compared with the question's), once each.
   */
  words(): AlignmentFeatures;
}

/**
 * A question word no phrasing uses, nor spells alike, still counts as partly covered by the
 * phrasings' word closest in meaning when their vectors' cosine exceeds this: credit rises linearly
 * from 0 there to the word's full IDF at 1 (e.g. "arrive"/"get" 0.51: 2%, "refund"/"reimbursement" 0.63: 26%),
 * in coverage (which the ranking weighs too).
 */
const SYNONYM_COSINE = 0.5;
/** Phrasings of one answer compared one by one with the question (the pooled BM25 sees them all). */
export const MAX_PHRASINGS_COMPARED = 200;

/** An answer document parsed once: term frequencies by stem, its distinct words, its phrasings, its trigrams. */
interface ParsedDocument {
  termFrequency: Map<string, number>;
  /** Its distinct words long enough to be matched by spelling (MIN_FUZZY_LENGTH), each with its stem's trigrams (TrigramSpace.stemTrigrams). */
  words: Map<string, Int32Array>;
  /** Each phrasing's distinct stems, with the word that stands for each (for IDF lookups). */
  phrasings: Map<string, string>[];
  /** Each distinct stem of the phrasings with the share of phrasings using it (for phrasingRecall). */
  stemShares: StemShares;
  trigrams: TrigramVector;
  /** Each phrasing's meaning (WordVectors.meaningOf), for those with a word in the vectors; [] without vectors. */
  meanings: PackedVectors;
  /** Word-vector rows of the distinct words that are not stop words: candidates for a question word's synonym. */
  contentWords: Int32Array;
  /** The phrasings' content words for the confidence's word-by-word alignment; empty without word vectors. */
  aligned: AlignedPhrasings;
  /** Each phrasing's content words for the ranking's word alignment, once the document is aligned (contentPhrasingsOf). */
  contentPhrasings?: PhrasingWords[];
}

/**
 * The distinct stems of an answer's phrasings, first seen first: the word standing for each (its
 * first phrasing's) and how many phrasings use it, of `phrasings`. Parallel arrays rather than an
 * object per stem: a cache of 5,000 documents held 7 MB of heap in those objects.
 */
interface StemShares {
  stems: string[];
  words: string[];
  counts: number[];
  phrasings: number;
  /** Each word's IDF in the guild (WordIdf.ofPhrasingWord), kept while `idfEpoch` is the current WordIdf.epoch. */
  idfs?: Float64Array;
  idfEpoch?: object;
}

/**
 * Answer documents kept parsed between questions: the same most recently used documents as the
 * answer index keeps (DOCUMENT_CACHE_LIMIT, RecentMap). A parsed document of three phrasings holds
 * several KB (its term maps, trigram vector and phrasing meanings; 5,000 of the bench's documents,
 * mostly of one phrasing, measured at 20 MB of heap and 4 MB of typed arrays). A miss re-parses one
 * document; emptying the cache when full, as before, re-parsed them all at once.
 */
/** Distinct trigrams numbered before the numbering (and the parsed documents using it) starts afresh. */
const TRIGRAM_SPACE_LIMIT = 200_000;

/**
 * Scores candidate answer documents for a question. Pooling is what makes five phrasings of one
 * answer stronger than any one of them: all phrasings form one BM25 document, so a term used by
 * several phrasings counts more, and the question can match words spread across them.
 */
export class AnswerScorer {
  private readonly parsed = new RecentMap<number, { questions: string; doc: ParsedDocument }>(DOCUMENT_CACHE_LIMIT);
  private trigramSpace = new TrigramSpace();

  /** How the similarities weigh in the ranking (ranking.ts): fitted with word vectors, the words-only ones without. */
  private readonly weights: RankingWeights;
  private readonly unitVectors?: UnitVectorCache;

  /** @param wordVectors word meanings, for paraphrases in other words; without them the words alone score. */
  constructor(private readonly wordVectors?: WordVectors, private readonly alignedCandidates?: number) {
    this.weights = wordVectors === undefined ? WORDS_ONLY_RANKING : DEFAULT_RANKING;
    this.unitVectors = wordVectors && new UnitVectorCache(wordVectors);
  }

  /** Drops the parsed documents with ids in [first, last] (a guild's, once the bot left it). */
  forgetDocuments(first: number, last: number): void {
    this.parsed.deleteIf((id) => id >= first && id <= last);
  }

  get parsedDocuments(): number {
    return this.parsed.size;
  }

  /**
   * @param idf IDF (in the same guild) of a word found in a candidate document: `ofWord` for the
   *   partial credit of a near-spelled match, `ofPhrasingWord` for the length of a phrasing.
   */
  score(terms: readonly QueryTerm[], docs: readonly AnswerDocument[], params: Bm25Params, idf: WordIdf): AnswerEvidence[] {
    const totalIdf = terms.reduce((sum, term) => sum + term.idf, 0);
    if (this.trigramSpace.size >= TRIGRAM_SPACE_LIMIT) {
      this.trigramSpace = new TrigramSpace();
      this.parsed.clear();
    }
    const parsedDocs = docs.map((doc) => this.parse(doc));
    const trigrams = this.trigramSpace.cosines(this.trigramSpace.vector(terms.map((t) => t.word)), parsedDocs.map((p) => p.trigrams));
    const phrasingIdf = memoised(idf.ofPhrasingWord);
    const queryIdf = new Map(terms.map((t) => [t.stem, t.idf]));
    const alike = this.alikeWords(parsedDocs);
    const queryMeaning = this.wordVectors?.meaningOf(terms.map((t) => t.word));
    const closeness = new Map<string, ((rows: Int32Array) => number) | undefined>();
    const contentTerms = terms.filter((t) => !t.stop);
    const answerAlignment = this.unitVectors && new AnswerAlignment(contentTerms, this.unitVectors, phrasingIdf, parsedDocs.map((p) => p.aligned));
    const evidence = docs.map((doc, i) => {
      const parsed = parsedDocs[i]!;
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
        const near = term.stop ? undefined : alike(term).find((candidate) => parsed.words.has(candidate.word));
        if (near === undefined) {
          if (term.stop) continue;
          // A word asked in other words counts in coverage, which the ranking weighs too (ranking.ts).
          covered += this.synonymCredit(term.word, parsed.contentWords, closeness) * term.idf;
          continue;
        }
        const nearTf = parsed.termFrequency.get(stemOf(near.word)) ?? 1;
        score += near.similarity * Math.min(term.idf, idf.ofWord(near.word)) * saturate(nearTf);
        covered += near.similarity * term.idf;
      }
      const nearest = this.weights.nearest === 0 ? 0 : nearestPhrasingCosine(queryIdf, parsed.phrasings, phrasingIdf);
      const recall = phrasingRecall(queryIdf, parsed.stemShares, phrasingIdf, idf.epoch);
      const trigram = trigrams[i]!;
      const meaning = queryMeaning === undefined ? 0 : parsed.meanings.closest(queryMeaning);
      const coverage = totalIdf > 0 ? covered / totalIdf : 0;
      return {
        doc,
        score: rankingScore(score, totalIdf, { nearest, trigram, meaning, alignment: 0, coverage, matched: 0 }, this.weights),
        bm25: score,
        stopScore,
        coverage,
        nearest,
        trigram,
        recall,
        meaning,
        alignment: 0,
        matched: 0,
        words: answerAlignment === undefined ? noAlignment : () => answerAlignment.of(i),
      };
    });
    if (answerAlignment !== undefined) {
      // With word vectors (the words-only ranking weighs neither): the word-by-word similarities of the leaders.
      const alignment = new QuestionAlignment(contentTerms, parsedDocs.map((p) => p.termFrequency), phrasingIdf, this.wordVectors);
      const wordByWord = (i: number) => ({
        alignment: alignment.bestPhrasing(contentPhrasingsOf(parsedDocs[i]!)),
        // The confidence's own word-by-word features, computed once: the best answer's are read again for its confidence.
        matched: 1 - answerAlignment.of(i).unmatched,
      });
      alignLeaders(evidence, wordByWord, { alignment: totalIdf * this.weights.alignment, matched: totalIdf * this.weights.matched }, this.alignedCandidates);
    }
    return evidence;
  }

  /**
   * For a question term, the candidates' words spelled like it, most alike first: computed once per
   * term over the words of all candidates (they share most of their vocabulary), then each candidate
   * takes the first one it uses.
   */
  private alikeWords(docs: readonly ParsedDocument[]): (term: QueryTerm) => { word: string; similarity: number }[] {
    let vocabulary: Map<string, Int32Array> | undefined;
    const byStem = new Map<string, { word: string; similarity: number }[]>();
    return (term) => {
      let alike = byStem.get(term.stem);
      if (alike !== undefined) return alike;
      alike = [];
      if (term.word.length >= MIN_FUZZY_LENGTH) {
        if (vocabulary === undefined) {
          vocabulary = new Map();
          for (const doc of docs) for (const [word, grams] of doc.words) if (!vocabulary.has(word)) vocabulary.set(word, grams);
        }
        const termGrams = this.trigramSpace.stemTrigrams(term.stem);
        for (const [candidate, grams] of vocabulary) {
          if (Math.abs(candidate.length - term.word.length) > 4) continue;
          const similarity = wordSimilarity(term.word, termGrams, candidate, grams, !term.known);
          if (similarity > 0) alike.push({ word: candidate, similarity });
        }
        alike.sort((x, y) => y.similarity - x.similarity);
      }
      byStem.set(term.stem, alike);
      return alike;
    };
  }

  /**
   * Share of a question word's IDF covered by the candidate's word closest in meaning (SYNONYM_COSINE).
   * `closeness` keeps each question word's cosines for the question's other candidates.
   */
  private synonymCredit(word: string, candidates: Int32Array, closeness: Map<string, ((rows: Int32Array) => number) | undefined>): number {
    if (this.wordVectors === undefined) return 0;
    let closestOf = closeness.get(word);
    if (closestOf === undefined && !closeness.has(word)) {
      closestOf = this.wordVectors.closenessTo(word);
      closeness.set(word, closestOf);
    }
    const closest = closestOf?.(candidates);
    return closest === undefined || closest <= SYNONYM_COSINE ? 0 : (closest - SYNONYM_COSINE) / (1 - SYNONYM_COSINE);
  }

  private parse(doc: AnswerDocument): ParsedDocument {
    const cached = this.parsed.get(doc.id);
    if (cached !== undefined && cached.questions === doc.questions) return cached.doc;
    const termFrequency = new Map<string, number>();
    const words = new Map<string, Int32Array>();
    const allWords: string[] = [];
    const phrasings: Map<string, string>[] = [];
    for (const question of doc.questions.split('\n')) {
      const phrasing = new Map<string, string>();
      for (const word of matchWords(question)) {
        const stem = stemOf(word);
        termFrequency.set(stem, (termFrequency.get(stem) ?? 0) + 1);
        if (word.length >= MIN_FUZZY_LENGTH && !words.has(word)) words.set(word, this.trigramSpace.stemTrigrams(stem));
        allWords.push(word);
        if (!phrasing.has(stem)) phrasing.set(stem, word);
      }
      if (phrasing.size > 0 && phrasings.length < MAX_PHRASINGS_COMPARED) phrasings.push(phrasing);
    }
    const parsed = {
      termFrequency,
      words,
      phrasings,
      stemShares: stemShares(phrasings),
      trigrams: this.trigramSpace.vector(allWords),
      meanings: this.meanings(phrasings),
      contentWords: this.wordVectors?.rowsOf([...new Set(allWords)].filter((w) => !STOP_STEMS.has(stemOf(w)))) ?? new Int32Array(0),
      aligned: this.wordVectors === undefined ? NO_PHRASINGS : alignedPhrasings(phrasings),
    };
    this.parsed.set(doc.id, { questions: doc.questions, doc: parsed });
    return parsed;
  }

  /** Each phrasing's meaning (WordVectors.meaningOf), packed: they stay cached with the document. */
  private meanings(phrasings: readonly Map<string, string>[]): PackedVectors {
    if (this.wordVectors === undefined) return PackedVectors.EMPTY;
    const meanings: Float32Array[] = [];
    for (const phrasing of phrasings) {
      const meaning = this.wordVectors.meaningOf(phrasing.values());
      if (meaning !== undefined) meanings.push(meaning);
    }
    return PackedVectors.of(meanings);
  }
}

/** A parsed document's phrasings' content words, computed when it is first aligned (for the few leading candidates). */
function contentPhrasingsOf(parsed: ParsedDocument): PhrasingWords[] {
  parsed.contentPhrasings ??= parsed.phrasings.map(contentWordsOf);
  return parsed.contentPhrasings;
}

const NO_ALIGNMENT: AlignmentFeatures = { alignment: 0, unmatched: 0 };
const noAlignment = () => NO_ALIGNMENT;

/** One question's lookups: a word recurs across phrasings and candidates. */
function memoised(idfOfWord: (word: string) => number): (word: string) => number {
  const known = new Map<string, number>();
  return (word) => {
    let idf = known.get(word);
    if (idf === undefined) {
      idf = idfOfWord(word);
      known.set(word, idf);
    }
    return idf;
  };
}

/**
 * The share of the answer's weight the question carries: each stem of the answer weighs its IDF
 * times the share of the answer's phrasings that use it (what staff consistently wrote for it).
 */
function phrasingRecall(queryIdf: ReadonlyMap<string, number>, shares: StemShares, idfOfWord: (word: string) => number, epoch: object): number {
  if (shares.idfs === undefined || shares.idfEpoch !== epoch) {
    shares.idfs = Float64Array.from(shares.words, (word) => idfOfWord(word));
    shares.idfEpoch = epoch;
  }
  const idfs = shares.idfs;
  let total = 0;
  let shared = 0;
  for (let i = 0; i < shares.stems.length; i++) {
    const queryIdfOfStem = queryIdf.get(shares.stems[i]!);
    const weight = (shares.counts[i]! / shares.phrasings) * (queryIdfOfStem ?? idfs[i]!);
    total += weight;
    if (queryIdfOfStem !== undefined) shared += weight;
  }
  return total > 0 ? shared / total : 0;
}

function stemShares(phrasings: readonly Map<string, string>[]): StemShares {
  const index = new Map<string, number>();
  const shares: StemShares = { stems: [], words: [], counts: [], phrasings: phrasings.length };
  for (const phrasing of phrasings)
    for (const [stem, word] of phrasing) {
      const seen = index.get(stem);
      if (seen !== undefined) shares.counts[seen]!++;
      else {
        index.set(stem, shares.stems.length);
        shares.stems.push(stem);
        shares.words.push(word);
        shares.counts.push(1);
      }
    }
  return shares;
}
