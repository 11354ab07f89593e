/**
 * How the candidates' similarities combine into the ranking score (which answer is best; the
 * confidence is calibration.ts's). Score = BM25 + the question's total IDF × Σ weight × similarity,
 * so the similarities (each in [0, 1]) are in BM25's units whatever the question's length.
 */

/** A candidate's similarities to the question, as the ranking weighs them (see AnswerEvidence). */
export interface RankingSimilarities {
  /** BM25 over the pooled phrasings divided by the question's total IDF. */
  bm25: number;
  nearest: number;
  trigram: number;
  meaning: number;
  alignment: number;
  coverage: number;
  /**
   * The IDF-weighted share of the question's content words that some phrasing of the answer says
   * (the same stem, or a word close in meaning): 1 − the confidence's `unmatched`
   * (answer-alignment.ts). Like the alignment, computed for the few leading candidates only.
   */
  matched: number;
}

export type RankingSimilarity = Exclude<keyof RankingSimilarities, 'bm25'>;
export type RankingWeights = Record<RankingSimilarity, number> & {
  /**
   * An embedding model's similarity (Ollama, optional; matcher.ts addSemanticEvidence), per standard
   * deviation of the candidates' similarities (standardised, it means the same for any model,
   * whatever its cosine range). Set at 0.15 against the words-only weights, it is scaled with
   * meaning's (0.3 → 1.6) to keep the same pull. Measured with a real sentence encoder (USE lite,
   * scripts/sentence-encoder-server.ts): 0.8 is on the plateau of a 0–3.2 sweep for top-1, every
   * weight keeping the safety goals (swept on session 6's ranking, before the matched share). With
   * the weights below and DEFAULT_CALIBRATION, 0.8 keeps them too: wrong ≤ 1.7 %, out of scope
   * answered ≤ 2.8 % on every eval file (ARCHITECTURE.md, "Matching", Semantic search).
   */
  semantic: number;
};

export const RANKING_SIMILARITIES: readonly RankingSimilarity[] = ['nearest', 'trigram', 'meaning', 'alignment', 'coverage', 'matched'];

/**
 * With word vectors. Fitted, not hand-picked: a softmax (conditional logit) over each question's
 * candidates, maximising the likelihood of the right answer, on every in-scope question of the
 * four public CLINC150 files (`npm run eval -- --all --fit-ranking`, "ranking fitted on clinc150",
 * BM25's weight scaled to 1, rounded to 2 decimals); BANKING77 unseen. With the
 * alignment (word-alignment.ts) the closest phrasing's plain cosine got a small negative weight and
 * was left out. See ARCHITECTURE.md, "Matching".
 */
export const DEFAULT_RANKING: RankingWeights = { nearest: 0, trigram: 1.94, meaning: 1.26, alignment: 0.97, coverage: 0.33, matched: 0.4, semantic: 0.8 };

/**
 * Without word vectors (their asset missing): the hand-picked weights of the words-only matcher,
 * which WORDS_ONLY_CALIBRATION was fitted with; meaning is then 0 and alignment is not computed.
 */
export const WORDS_ONLY_RANKING: RankingWeights = { nearest: 0.4, trigram: 0.4, meaning: 0, alignment: 0, coverage: 0, matched: 0, semantic: 0.15 };

/** The ranking score of a candidate: BM25 plus the question's total IDF times the weighted similarities. */
export function rankingScore(bm25: number, totalIdf: number, similarities: Omit<RankingSimilarities, 'bm25'>, weights: RankingWeights): number {
  let weighted = 0;
  for (const name of RANKING_SIMILARITIES) weighted += weights[name] * similarities[name];
  return bm25 + totalIdf * weighted;
}

/** A candidate's similarities as the ranking weighs them, BM25 as a share of the question's total IDF. */
export function rankingSimilarities(evidence: { bm25: number } & Omit<RankingSimilarities, 'bm25'>, totalIdf: number): RankingSimilarities {
  const { nearest, trigram, meaning, alignment, coverage, matched } = evidence;
  return { bm25: totalIdf > 0 ? evidence.bm25 / totalIdf : 0, nearest, trigram, meaning, alignment, coverage, matched };
}
