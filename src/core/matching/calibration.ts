/**
 * Turns the evidence for an answer into a confidence in [0, 1] that it is the right answer:
 * a logistic function of six general features.
 * - coverage: the share of the question's information (IDF-weighted terms) the answer's phrasings
 *   contain. Low when the member asks about something the trained questions never mention.
 * - margin: how far the answer leads the best *other* answer — the smaller of its BM25 lead and its
 *   lead in the ranking (which adds the similarities ranking.ts weighs), so two views that
 *   disagree leave nobody confident — or its lead over the part of its own BM25 that comes from stop
 *   words only, if that is smaller (a guild with one answer still has to beat "a question that merely
 *   shares its function words"). Low when two answers fit about as well. Divided by the square root
 *   of the answer's phrasings: pooled BM25 grows with every phrasing staff add, so the raw lead
 *   would make an answer surer the more it is trained, not the better it fits (measured: with the
 *   raw lead, out-of-scope questions answered rose from 3.4 % to 9.8 % as 30 answers went from 2 to
 *   10 phrasings, tests/core/matching/learning-loop.test.ts).
 * - recall: how much of what the answer's phrasings consistently say the question says too (each
 *   term of the answer weighed by IDF times the share of its phrasings using it). Low when the
 *   question shares the topic's words but not what this answer is about ("my PIN" against an answer
 *   always trained as "my PIN is blocked"): the out-of-scope question of a close domain. It means
 *   the same with one phrasing or ten, as a share.
 * - meaning: the cosine between what the question and the answer's closest phrasing mean, from
 *   pre-trained word vectors (word-vectors.ts). High for a paraphrase in other words ("my card hasn't
 *   come" against "when will I get my card"), lower for a question that shares the topic's words but
 *   not its sense. Coverage also gives partial credit to a word's synonym (scoring.ts).
 * - alignment and unmatched (answer-alignment.ts): the same word vectors word by word, not averaged.
 *   alignment is how much of the answer's closest trained question the question says (each of its
 *   content words credited with its best cosine to a question word); unmatched is the share of the
 *   question's content words with no counterpart in any phrasing. "I need a new PIN" means nearly
 *   what "my PIN is blocked" means on average, but leaves "blocked" unsaid. Fitted beside them,
 *   recall keeps a small weight (0.53; 0.21 before them, −0.27 when fitted before the ranking's
 *   word alignment was merged): every change of the ranking needs a refit.
 * Seven parameters, fitted by logistic regression (`npm run eval -- --all --fit`, ARCHITECTURE.md).
 */

export interface AnswerFeatures {
  coverage: number;
  margin: number;
  recall: number;
  meaning: number;
  alignment: number;
  unmatched: number;
}

export type FeatureName = keyof AnswerFeatures;

export type CalibrationParams = { bias: number } & Record<FeatureName, number>;

/**
 * Fitted on the public CLINC150 files (1, 2, 5, 10 phrasings per answer), each also with a fifth of
 * its answers untrained so their questions are close out-of-scope ones (`npm run eval -- --all
 * --fit`, "calibration fitted on clinc150"); BANKING77 was measured unseen (`npm run eval -- --all
 * --cross-check`: out-of-scope answered 2.8 % / 2.8 % at k10 / k5). See ARCHITECTURE.md, "Matching".
 */
export const DEFAULT_CALIBRATION: CalibrationParams = { bias: -3.863, coverage: 1.774, margin: 0.366, recall: 0.479, meaning: 2.644, alignment: 0.737, unmatched: -0.585 };

/**
 * For a matcher without word vectors (their asset missing): `meaning`, `alignment` and `unmatched`
 * are then always 0, so the calibration fitted the same way on the words' features alone (the one
 * shipped before word vectors).
 */
export const WORDS_ONLY_CALIBRATION: CalibrationParams = { bias: -2.193, coverage: 3.142, margin: 0.474, recall: 0.802, meaning: 0, alignment: 0, unmatched: 0 };

/** The features the confidence weighs, in the order fitCalibration and the eval print them. */
export const FEATURES: readonly FeatureName[] = ['coverage', 'margin', 'recall', 'meaning', 'alignment', 'unmatched'];

export function confidence(features: AnswerFeatures, params: CalibrationParams = DEFAULT_CALIBRATION): number {
  return sigmoid(params.bias + FEATURES.reduce((sum, name) => sum + params[name] * features[name], 0));
}

export interface LabelledFeatures extends AnswerFeatures {
  correct: boolean;
}

/** The calibration's parameters fitted to best answers labelled right or not (fitLogistic). */
export function fitCalibration(samples: readonly LabelledFeatures[], iterations = 50): CalibrationParams {
  const rows = samples.map((sample) => [1, ...FEATURES.map((name) => sample[name])]);
  const w = fitLogistic(rows, samples.map((sample) => sample.correct), iterations);
  return { bias: w[0]!, ...Object.fromEntries(FEATURES.map((name, i) => [name, w[i + 1]!])) } as CalibrationParams;
}

/**
 * Maximum-likelihood logistic regression (Newton's method, a touch of L2 for stability): one weight
 * per column of `rows` (a column of 1s gives the bias), fitted to `labels` (true: right).
 */
export function fitLogistic(rows: readonly (readonly number[])[], labels: readonly boolean[], iterations = 50): number[] {
  const n = rows[0]?.length ?? 0;
  let w = new Array<number>(n).fill(0);
  const ridge = 1e-2;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = w.map((value) => ridge * value);
    const hessian = w.map((_, i) => w.map((__, j) => (i === j ? ridge : 0)));
    rows.forEach((x, k) => {
      const p = sigmoid(x.reduce((sum, value, i) => sum + w[i]! * value, 0));
      const residual = p - (labels[k] ? 1 : 0);
      const curvature = p * (1 - p);
      for (let i = 0; i < n; i++) {
        gradient[i]! += residual * x[i]!;
        for (let j = 0; j < n; j++) hessian[i]![j]! += curvature * x[i]! * x[j]!;
      }
    });
    const step = solve(hessian, gradient);
    w = w.map((value, i) => value - step[i]!);
  }
  return w;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Solves a small linear system by Gaussian elimination with partial pivoting. */
export function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row]![col]! / a[col]![col]!;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}
