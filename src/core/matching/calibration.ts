/**
 * Turns the evidence for an answer into a confidence in [0, 1] that it is the right answer:
 * a logistic function of two general features.
 * - coverage: the share of the question's information (IDF-weighted terms) the answer's phrasings
 *   contain. Low when the member asks about something the trained questions never mention.
 * - margin: how far the answer leads the best *other* answer — the smaller of its BM25 lead and its
 *   lead in the ranking (which adds phrasing, trigram and embedding similarity), so two views that
 *   disagree leave nobody confident — or its lead over the part of its own BM25 that comes from stop
 *   words only, if that is smaller (a guild with one answer still has to beat "a question that merely
 *   shares its function words"). Low when two answers fit about as well.
 * Three parameters, fitted by logistic regression (see scripts/eval.ts --fit).
 */

export interface AnswerFeatures {
  coverage: number;
  margin: number;
}

export interface CalibrationParams {
  bias: number;
  coverage: number;
  margin: number;
}

/** Fitted on the public CLINC150 5-shot benchmark (shared/eval); see notes/matcher-method.md. */
export const DEFAULT_CALIBRATION: CalibrationParams = { bias: -1.481, coverage: 2.312, margin: 0.368 };

export function confidence(features: AnswerFeatures, params: CalibrationParams = DEFAULT_CALIBRATION): number {
  return sigmoid(params.bias + params.coverage * features.coverage + params.margin * features.margin);
}

export interface LabelledFeatures extends AnswerFeatures {
  correct: boolean;
}

/** Maximum-likelihood logistic regression (Newton's method, a touch of L2 for stability). */
export function fitCalibration(samples: readonly LabelledFeatures[], iterations = 50): CalibrationParams {
  let w = [0, 0, 0];
  const ridge = 1e-3;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = [0, 0, 0];
    const hessian = [
      [ridge, 0, 0],
      [0, ridge, 0],
      [0, 0, ridge],
    ];
    for (const sample of samples) {
      const x = [1, sample.coverage, sample.margin];
      const p = sigmoid(w[0]! * x[0]! + w[1]! * x[1]! + w[2]! * x[2]!);
      const residual = p - (sample.correct ? 1 : 0);
      const curvature = p * (1 - p);
      for (let i = 0; i < 3; i++) {
        gradient[i]! += residual * x[i]!;
        for (let j = 0; j < 3; j++) hessian[i]![j]! += curvature * x[i]! * x[j]!;
      }
    }
    for (let i = 0; i < 3; i++) gradient[i]! += ridge * w[i]!;
    const step = solve3(hessian, gradient);
    w = w.map((value, i) => value - step[i]!);
  }
  return { bias: w[0]!, coverage: w[1]!, margin: w[2]! };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Solves a 3x3 linear system by Gaussian elimination with partial pivoting. */
function solve3(matrix: number[][], vector: number[]): number[] {
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let row = col + 1; row < 3; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = col + 1; row < 3; row++) {
      const factor = a[row]![col]! / a[col]![col]!;
      for (let k = col; k < 4; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  const x = [0, 0, 0];
  for (let row = 2; row >= 0; row--) {
    let sum = a[row]![3]!;
    for (let k = row + 1; k < 3; k++) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}
