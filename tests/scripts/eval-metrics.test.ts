import { describe, expect, it } from 'vitest';
import { metrics, type Outcome } from '../../scripts/eval-lib.js';

const right = (score: number): Outcome => ({ expected: 'a', predicted: 'a', score, ms: 1 });
const wrong = (score: number): Outcome => ({ expected: 'a', predicted: 'b', score, ms: 1 });
const outOfScope = (score: number): Outcome => ({ expected: null, predicted: 'b', score, ms: 1 });

describe('eval metrics (shared/eval/README.md)', () => {
  it('counts coverage, wrong answers and out-of-scope answers at the threshold', () => {
    const m = metrics([right(0.9), right(0.5), wrong(0.86), wrong(0.2), outOfScope(0.95), outOfScope(0.1)], 0.85);
    expect(m).toMatchObject({ top1_accuracy: 0.5, coverage_at_threshold: 0.25, wrong_answer_rate_at_threshold: 0.25, oos_false_answer_rate_at_threshold: 0.5 });
  });

  it('finds the threshold with the most coverage while wrong and out-of-scope answers stay within 3%', () => {
    // 100 in scope: right answers at 0.99..0.60 (40), one wrong at 0.7; 100 out of scope, the top three at 0.65.
    const outcomes = [
      ...Array.from({ length: 40 }, (_, i) => right(0.99 - i / 100)),
      ...Array.from({ length: 59 }, () => right(0.01)),
      wrong(0.7),
      ...Array.from({ length: 3 }, () => outOfScope(0.65)),
      ...Array.from({ length: 97 }, () => outOfScope(0.05)),
    ];
    const m = metrics(outcomes, 0.85);
    // At 0.60: 40 right, 1 wrong, 3 out of scope. Below, at 0.05, every out-of-scope question would be answered.
    expect(m.best_threshold).toBe(0.6);
    expect(m.best_threshold_coverage).toBe(0.4);
  });

  it('stops at the score where a fourth out-of-scope answer would be taken', () => {
    const outcomes = [right(0.9), right(0.8), ...Array.from({ length: 4 }, () => outOfScope(0.85)), ...Array.from({ length: 96 }, () => outOfScope(0))];
    const m = metrics(outcomes, 0.5);
    expect(m.best_threshold).toBe(0.9);
    expect(m.best_threshold_coverage).toBe(0.5);
  });
});
