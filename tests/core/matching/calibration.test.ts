import { describe, expect, it } from 'vitest';
import { confidence, DEFAULT_CALIBRATION, fitCalibration, type LabelledFeatures } from '../../../src/core/matching/calibration.js';

describe('confidence', () => {
  it('grows with coverage, with the lead over other answers, with recall and with the rival coverage, within [0, 1]', () => {
    const base = { coverage: 0.2, margin: 0, recall: 0.2, rivalCoverage: 0.2 };
    const low = confidence(base);
    expect(confidence({ ...base, coverage: 0.9 })).toBeGreaterThan(low);
    expect(confidence({ ...base, margin: 5 })).toBeGreaterThan(low);
    expect(confidence({ ...base, recall: 0.9 })).toBeGreaterThan(low);
    expect(confidence({ ...base, rivalCoverage: 0.9 })).toBeGreaterThan(low);
    expect(confidence({ coverage: 1, margin: 100, recall: 1, rivalCoverage: 1 })).toBeLessThanOrEqual(1);
    expect(confidence({ coverage: 0, margin: -100, recall: 0, rivalCoverage: 0 })).toBeGreaterThanOrEqual(0);
    const none = { coverage: 0, margin: 0, recall: 0, rivalCoverage: 0 };
    expect(confidence(none, { bias: 0, ...none })).toBe(0.5);
    expect(confidence({ ...none, coverage: 1 }, { bias: -1, ...none, coverage: 1 })).toBe(0.5);
  });
});

describe('fitCalibration', () => {
  it('recovers the logistic relationship that generated the labels', () => {
    const truth = { bias: -3, coverage: 2, margin: 0.8, recall: 1.5, rivalCoverage: 1 };
    const samples: LabelledFeatures[] = [];
    // Deterministic grid; the share of correct labels at each point follows the true logistic.
    for (let c = 0; c <= 10; c++) {
      for (let m = 0; m <= 10; m++) {
        for (let r = 0; r <= 4; r++) {
          for (let v = 0; v <= 2; v++) {
            const features = { coverage: c / 10, margin: m / 2, recall: r / 4, rivalCoverage: v / 2 };
            // The true logistic written out here, not taken from the module under test.
            const z =
              truth.bias + truth.coverage * features.coverage + truth.margin * features.margin + truth.recall * features.recall + truth.rivalCoverage * features.rivalCoverage;
            const positives = Math.round((1 / (1 + Math.exp(-z))) * 20);
            for (let k = 0; k < 20; k++) samples.push({ ...features, correct: k < positives });
          }
        }
      }
    }
    const fitted = fitCalibration(samples);
    expect(fitted.bias).toBeCloseTo(truth.bias, 0);
    expect(fitted.coverage).toBeCloseTo(truth.coverage, 0);
    expect(fitted.margin).toBeCloseTo(truth.margin, 0);
    expect(fitted.recall).toBeCloseTo(truth.recall, 0);
    expect(fitted.rivalCoverage).toBeCloseTo(truth.rivalCoverage, 0);
    expect(fitted).not.toEqual(DEFAULT_CALIBRATION);
  });
});
