import type { Db } from '../../db/database.js';
import { literalMatchQuery, quoteTerm } from '../text/fts.js';
import { RecentMap } from './recent-map.js';
import { FrequencyCaches, type FrequencyCacheLimits } from './guild-frequencies.js';
import { AnswerIndex, DOCUMENT_CACHE_LIMIT, type AnswerDocument, type GuildIndexStats, type Phrasing } from './answer-index.js';
import { confidence, DEFAULT_CALIBRATION, WORDS_ONLY_CALIBRATION, type AnswerFeatures, type CalibrationParams } from './calibration.js';
import { DEFAULT_RANKING, rankingSimilarities, WORDS_ONLY_RANKING, type RankingSimilarities } from './ranking.js';
import { answerFeatures } from './answer-features.js';
import { AnswerScorer, MAX_PHRASINGS_COMPARED, type AnswerEvidence, type QueryTerm } from './scoring.js';
import { sharedWordVectors, type WordVectors } from './word-vectors.js';
import { matchWords, stemOf, STOP_STEMS } from './words.js';

export interface MatchCandidate {
  entryId: number;
  question: string;
  answer: string;
  category: string;
  /** Calibrated confidence in [0, 1] that this is the right answer (>= 0.85: answer with it). */
  score: number;
}

/**
 * What a vector search adds to one question's lookup (see SemanticIndex): answers it found that
 * the words may have missed, and the question's similarity to any candidate answer.
 */
export interface SemanticEvidence {
  /** Answers whose trained questions are nearest to the question by embedding, best first. */
  nearestAnswers: readonly string[];
  /** Cosine similarity between the question and each answer's closest trained question; absent when it has no vector. */
  similarities(answers: readonly string[]): ReadonlyMap<string, number>;
}


/** An answer with its evidence, for the eval script's calibration fitting. */
export interface RankedAnswer {
  answer: string;
  features: AnswerFeatures;
  /** What the ranking weighs (ranking.ts), for fitting its weights. */
  similarities: RankingSimilarities;
  score: number;
}

export interface MatcherOptions {
  /** Answer documents fetched from the index (by BM25) and re-scored per question. */
  candidateLimit?: number;
  /**
   * How many answer postings the candidate search may visit: the question's rarest words select
   * candidates until their document frequencies add up to this. Keeps the cost flat as a guild grows.
   */
  candidatePostings?: number;
  /** Document frequencies are counted up to this many answers; beyond it a word is simply "very common". */
  frequencyCountCap?: number;
  /** BM25 term-frequency saturation and length normalisation. */
  k1?: number;
  b?: number;
  /**
   * IDF needs a collection: a guild with fewer answers than this is topped up with pseudo-answers
   * of prior knowledge (stop words are common, other words rare). At this size and above, the
   * guild's own statistics alone decide.
   */
  minStatisticsAnswers?: number;
  /** Candidates the word alignment re-ranks (default 3, word-alignment.ts); the eval's ranking fit aligns them all. */
  alignedCandidates?: number;
  /** By default DEFAULT_CALIBRATION, or WORDS_ONLY_CALIBRATION for a matcher without word vectors. */
  calibration?: CalibrationParams;
  /** Document frequencies kept per guild and for all guilds together (guild-frequencies.ts); the defaults fit a bot in many servers. */
  frequencyCacheLimits?: FrequencyCacheLimits;
  /**
   * Pre-trained word vectors for paraphrases in other words (word-vectors.ts); by default the
   * process's shared ones. Null: the words alone (and the `meaning` feature 0).
   */
  wordVectors?: WordVectors | null;
}

const DEFAULTS: Omit<Required<MatcherOptions>, 'wordVectors' | 'calibration' | 'alignedCandidates' | 'frequencyCacheLimits'> = {
  candidateLimit: 15,
  candidatePostings: 1_000,
  frequencyCountCap: 20_000,
  k1: 2,
  b: 0.75,
  minStatisticsAnswers: 50,
};

/** Prior document frequency, as a share of answers, of a stop word and of any other word. */
const PRIOR_STOP_SHARE = 0.5;
const PRIOR_WORD_SHARE = 0.01;
/** Unknown words of this length or more also look for candidates by their first letters (typos). */
const MIN_PREFIX_WORD_LENGTH = 5;
const PREFIX_LENGTH = 4;

interface CountedTerm {
  stem: string;
  word: string;
  stop: boolean;
  df: number;
}

/**
 * A candidate answer with its confidence, computed when first read: only the best answer's (the
 * threshold's decision) and the shown answers' are, as their word-by-word features are costly.
 */
class ScoredAnswer {
  private scored?: { features: AnswerFeatures; score: number };

  constructor(
    readonly evidence: AnswerEvidence,
    private readonly featuresOf: () => AnswerFeatures,
    private readonly calibration: CalibrationParams,
  ) {}

  get features(): AnswerFeatures {
    return this.confident().features;
  }

  /** The calibrated confidence that this is the right answer. */
  get score(): number {
    return this.confident().score;
  }

  private confident(): { features: AnswerFeatures; score: number } {
    if (this.scored === undefined) {
      const features = this.featuresOf();
      this.scored = { features, score: confidence(features, this.calibration) };
    }
    return this.scored;
  }
}

/** A question's terms and its candidate answers, best first. */
interface Ranking {
  terms: QueryTerm[];
  ranked: ScoredAnswer[];
}

/** Document frequency by stem (or "prefix*"), from the guild's cache (guild-frequencies.ts). */
type FrequencyLookup = (key: string, count: () => number) => number;

/**
 * Finds the trained answers that fit a member's message, with a calibrated confidence.
 * Lexical and index-backed: FTS5 selects a bounded set of candidate answers of the guild, which
 * are re-scored with the guild's own statistics (see ARCHITECTURE.md, "Matching").
 */
export class Matcher {
  private readonly index: AnswerIndex;
  private readonly scorer: AnswerScorer;
  private readonly options: Omit<Required<MatcherOptions>, 'wordVectors' | 'alignedCandidates' | 'frequencyCacheLimits'>;
  private readonly frequencies: FrequencyCaches;
  private readonly questionStems = new RecentMap<string, ReadonlySet<string>>(DOCUMENT_CACHE_LIMIT);
  /** The ranking weight of an embedding model's similarity (ranking.ts, `semantic`). */
  private readonly semanticWeight: number;

  constructor(db: Db, options: MatcherOptions = {}) {
    this.index = new AnswerIndex(db);
    const { wordVectors, calibration, alignedCandidates, frequencyCacheLimits, ...rest } = options;
    this.frequencies = new FrequencyCaches(frequencyCacheLimits);
    const vectors = (wordVectors === undefined ? sharedWordVectors() : wordVectors) ?? undefined;
    this.options = { ...DEFAULTS, ...rest, calibration: calibration ?? (vectors === undefined ? WORDS_ONLY_CALIBRATION : DEFAULT_CALIBRATION) };
    this.scorer = new AnswerScorer(vectors, alignedCandidates);
    this.semanticWeight = (vectors === undefined ? WORDS_ONLY_RANKING : DEFAULT_RANKING).semantic;
  }

  /**
   * Best trained entries for a member's message in one guild, best first, at most `limit` (one per
   * answer). With `semantic` (from SemanticIndex), vector similarity joins the ranking.
   */
  match(guildId: string, text: string, limit = 5, semantic?: SemanticEvidence): MatchCandidate[] {
    return this.candidates(guildId, this.rankEvidence(guildId, text, semantic), limit);
  }

  /**
   * `match` for several readings of one message (the whole text, each paragraph): the reading whose
   * best answer is surest wins, the first on a tie, and [] when none has one. Only the winner's
   * answers look up their phrasings. `semantic[i]` is the evidence for `texts[i]`.
   */
  matchBest(guildId: string, texts: readonly string[], limit = 5, semantic: readonly (SemanticEvidence | undefined)[] = []): MatchCandidate[] {
    let best: Ranking | undefined;
    texts.forEach((text, i) => {
      const ranking = this.rankEvidence(guildId, text, semantic[i]);
      if ((ranking.ranked[0]?.score ?? 0) > (best?.ranked[0]?.score ?? 0)) best = ranking;
    });
    return best === undefined ? [] : this.candidates(guildId, best, limit);
  }

  /** Every candidate answer with its calibration features, best first (for fitting and diagnostics). */
  rank(guildId: string, text: string, semantic?: SemanticEvidence): RankedAnswer[] {
    const { terms, ranked } = this.rankEvidence(guildId, text, semantic);
    const totalIdf = terms.reduce((sum, t) => sum + t.idf, 0);
    return ranked.map(({ evidence, features, score }) => ({ answer: evidence.doc.answer, features, similarities: rankingSimilarities(evidence, totalIdf), score }));
  }

  /** The best `limit` ranked answers, each with its phrasing closest to the question. */
  private candidates(guildId: string, { terms, ranked }: Ranking, limit: number): MatchCandidate[] {
    const results: MatchCandidate[] = [];
    for (const { evidence, score } of ranked.slice(0, Math.max(0, limit))) {
      const phrasing = this.bestPhrasing(guildId, evidence.doc, terms);
      if (phrasing === undefined) continue;
      results.push({ entryId: phrasing.id, question: phrasing.question, answer: evidence.doc.answer, category: phrasing.category, score });
    }
    return results;
  }

  private rankEvidence(guildId: string, text: string, semantic?: SemanticEvidence): Ranking {
    const words = matchWords(text);
    const stats = this.index.stats(guildId);
    if (words.length === 0 || stats === undefined || stats.answers <= 0) return { terms: [], ranked: [] };

    const guildCache = this.frequencies.of(guildId, stats.generation);
    const frequencyOf: FrequencyLookup = (key, count) => guildCache.frequency(key, count);
    const documentFrequency = (word: string, stem: string) =>
      frequencyOf(stem, () => this.index.documentFrequency(stats, word, this.options.frequencyCountCap));
    const idf = (df: number, stop: boolean) => this.idf(df, stop, stats.answers);

    const counted: CountedTerm[] = distinctTerms(words).map(({ stem, word }) => ({ stem, word, stop: STOP_STEMS.has(stem), df: documentFrequency(word, stem) }));
    const terms: QueryTerm[] = counted.map((t) => ({ stem: t.stem, word: t.word, stop: t.stop, known: t.df > 0, idf: idf(t.df, t.stop) }));
    const expression = this.candidateQuery(stats, counted, frequencyOf);
    const docs = expression ? this.index.candidates(guildId, stats, expression, this.options.candidateLimit) : [];
    if (semantic !== undefined) {
      const found = new Set(docs.map((d) => d.answer));
      docs.push(...this.index.documents(guildId, semantic.nearestAnswers.filter((a) => !found.has(a)).slice(0, this.options.candidateLimit)));
    }
    if (docs.length === 0) return { terms, ranked: [] };

    const idfOfWord = (word: string) => {
      const stem = stemOf(word);
      return idf(documentFrequency(word, stem), STOP_STEMS.has(stem));
    };
    // A phrasing's words beyond the question's only weigh its length: a stop word takes its prior
    // share instead of a count over the guild (the priciest count there is in a big guild).
    const stopIdf = idf(Math.round(PRIOR_STOP_SHARE * stats.answers), true);
    const phrasingIdf = (word: string) => (STOP_STEMS.has(stemOf(word)) ? stopIdf : idfOfWord(word));
    const evidence = this.scorer.score(terms, docs, { k1: this.options.k1, b: this.options.b, averageLength: stats.words / stats.answers }, { ofWord: idfOfWord, ofPhrasingWord: phrasingIdf, epoch: guildCache.epoch });
    const similar = semantic === undefined ? new Map<string, number>() : addSemanticEvidence(evidence, semantic, terms, this.semanticWeight);
    const featuresOf = answerFeatures(evidence);
    const ranked = evidence
      .map((item, i) => new ScoredAnswer(item, () => featuresOf(i), this.options.calibration))
      .filter((item) => item.evidence.bm25 > 0 || similar.has(item.evidence.doc.answer))
      .sort((x, y) => y.evidence.score - x.evidence.score || x.evidence.doc.id - y.evidence.doc.id);
    return { terms, ranked };
  }

  /**
   * The FTS5 expression that selects candidates: the question's words some answer uses, rarest
   * first, while the answers they occur in add up to at most `candidatePostings` (a common word
   * would make the search visit a large share of a big guild; it still counts in the score). For
   * an unknown long word, its first letters as a prefix, so a typo still finds the answer it meant.
   * When even the rarest word is common, all the words must occur together, which is selective.
   */
  private candidateQuery(guild: GuildIndexStats, terms: readonly CountedTerm[], frequencyOf: FrequencyLookup): string | undefined {
    const known = terms.filter((t) => t.df > 0).sort((x, y) => x.df - y.df);
    const budget = this.options.candidatePostings;
    if (known.length > 0 && known[0]!.df > budget) return literalMatchQuery(known.map((t) => t.word), 'AND');
    const phrases: string[] = [];
    let postings = 0;
    for (const term of known) {
      if (postings > 0 && postings + term.df > budget) break;
      phrases.push(quoteTerm(term.word));
      postings += term.df;
    }
    for (const term of terms) {
      if (term.df > 0 || term.word.length < MIN_PREFIX_WORD_LENGTH || !/^\p{L}+$/u.test(term.word)) continue;
      const prefix = term.word.slice(0, PREFIX_LENGTH);
      const df = frequencyOf(`${prefix}*`, () => this.index.prefixFrequency(guild, prefix, budget + 1));
      if (df === 0 || postings + df > budget) continue;
      phrases.push(`${quoteTerm(prefix)} *`);
      postings += df;
    }
    return phrases.length > 0 ? phrases.join(' OR ') : undefined;
  }

  /** BM25's IDF over the guild's answers, topped up with prior pseudo-answers in a small guild. */
  private idf(df: number, stop: boolean, answers: number): number {
    const prior = Math.max(0, this.options.minStatisticsAnswers - answers);
    const n = answers + prior;
    const frequency = Math.min(df, answers) + prior * (stop ? PRIOR_STOP_SHARE : PRIOR_WORD_SHARE);
    return Math.log(1 + (n - frequency + 0.5) / (frequency + 0.5));
  }

  /**
   * Drops what the matcher keeps of a guild (its document frequencies, its index's prepared searches, its cached
   * documents): the bot has left it. Asked again (the bot invited back), it is read afresh.
   */
  forgetGuild(guildId: string): void {
    this.frequencies.forget(guildId);
    const range = this.index.forgetGuild(guildId);
    if (range !== undefined) this.scorer.forgetDocuments(range.first, range.last);
  }

  /** What the matcher keeps between questions, for tests and diagnostics. */
  held(): { frequencyGuilds: string[]; frequencies: number; documents: number; parsedDocuments: number; preparedGuilds: number } {
    const { guilds, counts } = this.frequencies.held();
    return { frequencyGuilds: guilds, frequencies: counts, ...this.index.held(), parsedDocuments: this.scorer.parsedDocuments };
  }

  /** A trained question's distinct stems, kept for the most recently shown questions (they recur in every answer shown). */
  private stemsOf(question: string): ReadonlySet<string> {
    let stems = this.questionStems.get(question);
    if (stems === undefined) {
      stems = new Set(matchWords(question).map(stemOf));
      this.questionStems.set(question, stems);
    }
    return stems;
  }

  /** The answer's phrasing closest to the question (shared terms by IDF), to show staff what matched. */
  private bestPhrasing(guildId: string, doc: AnswerDocument, terms: readonly QueryTerm[]): Phrasing | undefined {
    const phrasings = this.index.phrasings(guildId, doc, MAX_PHRASINGS_COMPARED);
    if (phrasings.length <= 1) return phrasings[0];
    let best: Phrasing | undefined;
    let bestScore = -Infinity;
    for (const phrasing of phrasings) {
      const stems = this.stemsOf(phrasing.question);
      let shared = 0;
      for (const term of terms) if (stems.has(term.stem)) shared += term.idf;
      const score = shared / Math.sqrt(stems.size + 1);
      if (score > bestScore) {
        bestScore = score;
        best = phrasing;
      }
    }
    return best;
  }
}

/**
 * Adds the semantic similarity to each candidate's ranking score, standardised over the candidates
 * (z-score; a candidate without a vector counts as average). Only the ranking changes: the margin
 * feature is the smaller of the lexical and the ranking lead (answerFeatures), so vectors can move
 * an answer up or cast doubt on the lexical winner, but never make the matcher surer than the words.
 */
function addSemanticEvidence(evidence: AnswerEvidence[], semantic: SemanticEvidence, terms: readonly QueryTerm[], weight: number): ReadonlyMap<string, number> {
  const similar = semantic.similarities(evidence.map((e) => e.doc.answer));
  const values = [...similar.values()];
  if (values.length < 2) return similar;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const spread = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  if (!(spread > 1e-9)) return similar;
  const totalIdf = terms.reduce((sum, t) => sum + t.idf, 0);
  for (const item of evidence) {
    const similarity = similar.get(item.doc.answer);
    if (similarity !== undefined) item.score += totalIdf * weight * ((similarity - mean) / spread);
  }
  return similar;
}

function distinctTerms(words: readonly string[]): { stem: string; word: string }[] {
  const byStem = new Map<string, string>();
  for (const word of words) {
    const stem = stemOf(word);
    if (!byStem.has(stem)) byStem.set(stem, word);
  }
  return [...byStem].map(([stem, word]) => ({ stem, word }));
}
