import { describe, expect, it } from 'vitest';
import { confidence, type CalibrationParams } from '../../src/core/matching/calibration.js';
import { safetyMargin, type FileSamples } from '../../scripts/eval-margin.js';

// One feature carries the score: confidence = σ(bias + 10·coverage).
const params: CalibrationParams = { bias: -5, coverage: 10, margin: 0, recall: 0, meaning: 0, alignment: 0, unmatched: 0 };
const sample = (coverage: number, expected: string | null, correct: boolean) => ({ coverage, margin: 0, recall: 0, meaning: 0, alignment: 0, unmatched: 0, expected, correct });
const answered = (s: FileSamples['samples'][number], p: CalibrationParams) => confidence(s, p) >= 0.85;

describe('safetyMargin (scripts/eval-margin.ts, npm run eval -- --all --safety-margin)', () => {
  it('lowers only the bias, until at most 2 % of the held-out copy\'s out-of-scope questions are answered at 0.85', () => {
    // 100 out-of-scope questions, 5 of them scoring high (answered at σ(−5 + 10·0.9) = 0.98); 100 right in-scope ones.
    const oos = Array.from({ length: 100 }, (_, i) => sample(i < 5 ? 0.9 - i * 0.01 : 0.2, null, false));
    const right = Array.from({ length: 100 }, () => sample(1, 'a', true));
    const files: FileSamples[] = [{ file: 'f', samples: [...oos, ...right] }];
    expect(oos.filter((s) => answered(s, params))).toHaveLength(5);
    const { params: safer } = safetyMargin(params, files, 0.85);
    expect(safer.bias).toBeLessThan(params.bias);
    expect({ ...safer, bias: 0 }).toEqual({ ...params, bias: 0 });
    expect(oos.filter((s) => answered(s, safer))).toHaveLength(2);
  });

  it('counts wrong answers against the in-scope questions, and never raises the bias of a fit already that safe', () => {
    const wrong = Array.from({ length: 4 }, () => sample(0.95, 'a', false));
    const right = Array.from({ length: 96 }, () => sample(1, 'a', true));
    const shifted = safetyMargin(params, [{ file: 'f', samples: [...wrong, ...right] }], 0.85).params;
    expect([...wrong, ...right].filter((s) => s.correct === false && answered(s, shifted)).length).toBeLessThanOrEqual(2);
    const safe = [sample(0.1, null, false), ...right];
    expect(safetyMargin(params, [{ file: 'f', samples: safe }], 0.85).params.bias).toBe(params.bias);
  });
});
