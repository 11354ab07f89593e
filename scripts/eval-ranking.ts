/**
 * `npm run eval -- --all --fit-ranking`: fits the ranking's weights (DEFAULT_RANKING in
 * src/core/matching/ranking.ts) per domain, the way the shipped ones were fitted (on clinc150).
 *
 * The model is a softmax over each in-scope question's candidates (a conditional logit): the
 * probability that candidate c is the right answer is exp(s_c) / Σ exp(s_j), with s = w_bm25 ×
 * BM25 share + Σ w_k × similarity_k, fitted by maximum likelihood (Newton's method, L2 0.01).
 * Questions whose right answer is not among their candidates, or that have a single candidate, teach
 * nothing about ranking and are left out. The weights are printed with BM25's scaled to 1, the form
 * rankingScore uses. Every candidate is aligned while fitting (alignedCandidates: all), so the
 * weights do not depend on which candidates the current weights put first.
 */
import { solve } from '../src/core/matching/calibration.js';
import { DEFAULT_RANKING, type RankingSimilarities, type RankingSimilarity, type RankingWeights } from '../src/core/matching/ranking.js';
import { evalMatcher, GUILD_ID, intentByAnswer, withTrainedDatabase, type Dataset } from './eval-lib.js';

/**
 * The similarities fitted. The closest phrasing's cosine is left out: it is not computed with word
 * vectors, and fitted beside the alignment its weight came out negative (-0.33 to -0.48).
 */
const FITTED: readonly RankingSimilarity[] = ['trigram', 'meaning', 'alignment', 'coverage', 'matched'];
const RIDGE = 1e-2;
const ITERATIONS = 30;

/** One question's candidates (their similarities) and which of them is right. */
interface CandidateSet {
  candidates: number[][];
  right: number;
}

export async function rankingSamples(datasets: readonly Dataset[]): Promise<CandidateSet[]> {
  const sets: CandidateSet[] = [];
  for (const dataset of datasets) {
    const intents = intentByAnswer(dataset);
    await withTrainedDatabase(dataset, async (db) => {
      const matcher = evalMatcher(db, { alignedCandidates: Number.POSITIVE_INFINITY });
      for (const query of dataset.queries) {
        if (query.intent === null) continue;
        const ranked = matcher.rank(GUILD_ID, query.text);
        const right = ranked.findIndex((r) => intents.get(r.answer) === query.intent);
        if (right === -1 || ranked.length < 2) continue;
        sets.push({ candidates: ranked.map((r) => vector(r.similarities)), right });
      }
    });
  }
  return sets;
}

function vector(similarities: RankingSimilarities): number[] {
  return [similarities.bm25, ...FITTED.map((name) => similarities[name])];
}

/** Maximum-likelihood softmax weights, BM25's scaled to 1 (the unfitted similarities 0). */
export function fitRanking(sets: readonly CandidateSet[]): RankingWeights {
  const n = FITTED.length + 1;
  let w = new Array<number>(n).fill(0);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const gradient = w.map((value) => RIDGE * value);
    const hessian = w.map((_, i) => w.map((__, j) => (i === j ? RIDGE : 0)));
    for (const { candidates, right } of sets) {
      const scores = candidates.map((x) => x.reduce((sum, value, i) => sum + w[i]! * value, 0));
      const top = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - top));
      const total = exp.reduce((sum, e) => sum + e, 0);
      const mean = new Array<number>(n).fill(0);
      candidates.forEach((x, k) => x.forEach((value, i) => (mean[i]! += (exp[k]! / total) * value)));
      for (let i = 0; i < n; i++) gradient[i]! += mean[i]! - candidates[right]![i]!;
      candidates.forEach((x, k) => {
        const p = exp[k]! / total;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hessian[i]![j]! += p * (x[i]! - mean[i]!) * (x[j]! - mean[j]!);
      });
    }
    const step = solve(hessian, gradient);
    w = w.map((value, i) => value - step[i]!);
  }
  const weights: RankingWeights = { nearest: 0, trigram: 0, meaning: 0, alignment: 0, coverage: 0, matched: 0, semantic: DEFAULT_RANKING.semantic };
  FITTED.forEach((name, i) => (weights[name] = w[i + 1]! / w[0]!));
  return weights;
}

export function formatRanking(weights: RankingWeights): string {
  const { semantic: _unfitted, ...fitted } = weights;
  return `{ ${Object.entries(fitted).map(([name, value]) => `${name}: ${value.toFixed(3)}`).join(', ')} } (BM25 1)`;
}
