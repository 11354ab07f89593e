import { describe, expect, it } from 'vitest';
import { confidence, DEFAULT_CALIBRATION, fitCalibration, type LabelledFeatures } from '../../../src/core/matching/calibration.js';

describe('confidence', () => {
  it('grows with coverage and with the lead over other answers, within [0, 1]', () => {
    const low = confidence({ coverage: 0.2, margin: 0 });
    expect(confidence({ coverage: 0.9, margin: 0 })).toBeGreaterThan(low);
    expect(confidence({ coverage: 0.2, margin: 5 })).toBeGreaterThan(low);
    expect(confidence({ coverage: 1, margin: 100 })).toBeLessThanOrEqual(1);
    expect(confidence({ coverage: 0, margin: -100 })).toBeGreaterThanOrEqual(0);
    expect(confidence({ coverage: 0, margin: 0 }, { bias: 0, coverage: 0, margin: 0 })).toBe(0.5);
    expect(confidence({ coverage: 1, margin: 0 }, { bias: -1, coverage: 1, margin: 0 })).toBe(0.5);
  });
});

describe('fitCalibration', () => {
  it('recovers the logistic relationship that generated the labels', () => {
    const truth = { bias: -3, coverage: 2, margin: 0.8 };
    const samples: LabelledFeatures[] = [];
    // Deterministic grid; the share of correct labels at each point follows the true logistic.
    for (let c = 0; c <= 10; c++) {
      for (let m = 0; m <= 10; m++) {
        const features = { coverage: c / 10, margin: m / 2 };
        // The true logistic written out here, not taken from the module under test.
        const probability = 1 / (1 + Math.exp(-(truth.bias + truth.coverage * features.coverage + truth.margin * features.margin)));
        const positives = Math.round(probability * 20);
        for (let k = 0; k < 20; k++) samples.push({ ...features, correct: k < positives });
      }
    }
    const fitted = fitCalibration(samples);
    expect(fitted.bias).toBeCloseTo(truth.bias, 0);
    expect(fitted.coverage).toBeCloseTo(truth.coverage, 0);
    expect(fitted.margin).toBeCloseTo(truth.margin, 0);
    expect(fitted).not.toEqual(DEFAULT_CALIBRATION);
  });
});
