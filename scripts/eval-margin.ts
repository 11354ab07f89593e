/**
 * The calibration's safety margin (stated before it was measured on any unseen domain; ARCHITECTURE.md,
 * "Matching"). A maximum-likelihood fit is right on average for the files it was fitted on, so half
 * of the time a domain it has not seen sits a little on the unsafe side of it. After the fit, only the
 * bias is lowered, until on every fitting file's held-out copy (one answer in five untrained, its
 * questions close out-of-scope ones) at most MARGIN_LIMIT of the out-of-scope questions are answered at
 * the threshold and at most MARGIN_LIMIT of the in-scope questions are answered wrong: one point under
 * the 3 % goals. A fit already that safe is left as it is (the bias is never raised). Applied to every
 * fit of `npm run eval -- --all --fit --cross-check --safety-margin`, both directions alike. Measured,
 * not shipped: DEFAULT_CALIBRATION is the plain fit.
 */
import { confidence, type CalibrationParams, type LabelledFeatures } from '../src/core/matching/calibration.js';

export const MARGIN_LIMIT = 0.02;

export interface FileSamples {
  file: string;
  samples: readonly (LabelledFeatures & { expected: string | null })[];
}

export function safetyMargin(fitted: CalibrationParams, heldOutCopies: readonly FileSamples[], threshold: number): { params: CalibrationParams; report: string } {
  const limitLogit = Math.log(threshold / (1 - threshold));
  let shift = 0;
  const before: string[] = [];
  for (const { file, samples } of heldOutCopies) {
    const logits = (kind: (s: FileSamples['samples'][number]) => boolean) => samples.filter(kind).map((s) => logitOf(confidence(s, fitted)));
    const oos = logits((s) => s.expected === null);
    const wrong = logits((s) => s.expected !== null && !s.correct);
    const inScope = samples.filter((s) => s.expected !== null).length;
    shift = Math.min(shift, shiftFor(oos, oos.length, limitLogit), shiftFor(wrong, inScope, limitLogit));
    before.push(`${file} oos ${pct(answeredShare(oos, oos.length, limitLogit))} wrong ${pct(answeredShare(wrong, inScope, limitLogit))}`);
  }
  const params = { ...fitted, bias: fitted.bias + shift };
  return { params, report: `  safety margin: fit's held-out copies at ${threshold}: ${before.join('; ')}; bias ${fitted.bias.toFixed(3)} -> ${params.bias.toFixed(3)} (at most ${pct(MARGIN_LIMIT)} each)` };
}

/** The (non-positive) bias shift that leaves at most floor(limit × whole) of these logits at or above the threshold's. */
function shiftFor(logits: readonly number[], whole: number, limitLogit: number): number {
  const allowed = Math.floor(MARGIN_LIMIT * whole);
  const sorted = [...logits].sort((a, b) => b - a);
  if (sorted.length <= allowed) return 0;
  const first = sorted[allowed]!; // the highest one that must fall below the threshold
  return Math.min(0, limitLogit - first - 1e-6);
}

function answeredShare(logits: readonly number[], whole: number, limitLogit: number): number {
  return whole === 0 ? 0 : logits.filter((z) => z >= limitLogit).length / whole;
}

function logitOf(p: number): number {
  return Math.log(p / (1 - p));
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
