import { describe, expect, it } from 'vitest';
import { confidence, DEFAULT_CALIBRATION, fitCalibration, type LabelledFeatures } from '../../../src/core/matching/calibration.js';

describe('confidence', () => {
  it('grows with coverage, with the lead over other answers and with closeness in meaning, within [0, 1]', () => {
    const low = confidence({ coverage: 0.2, margin: 0, recall: 0.2, meaning: 0.5 });
    expect(confidence({ coverage: 0.9, margin: 0, recall: 0.2, meaning: 0.5 })).toBeGreaterThan(low);
    expect(confidence({ coverage: 0.2, margin: 5, recall: 0.2, meaning: 0.5 })).toBeGreaterThan(low);
    expect(confidence({ coverage: 0.2, margin: 0, recall: 0.9, meaning: 0.5 })).toBeGreaterThan(low);
    expect(confidence({ coverage: 0.2, margin: 0, recall: 0.2, meaning: 0.9 })).toBeGreaterThan(low);
    expect(confidence({ coverage: 1, margin: 100, recall: 1, meaning: 1 })).toBeLessThanOrEqual(1);
    expect(confidence({ coverage: 0, margin: -100, recall: 0, meaning: -1 })).toBeGreaterThanOrEqual(0);
    const none = { bias: 0, coverage: 0, margin: 0, recall: 0, meaning: 0 };
    expect(confidence({ coverage: 0, margin: 0, recall: 0, meaning: 0 }, none)).toBe(0.5);
    expect(confidence({ coverage: 1, margin: 0, recall: 0, meaning: 0 }, { ...none, bias: -1, coverage: 1 })).toBe(0.5);
  });
});

describe('fitCalibration', () => {
  it('recovers the logistic relationship that generated the labels', () => {
    const truth = { bias: -3, coverage: 2, margin: 0.8, recall: 1.5, meaning: 2.5 };
    const samples: LabelledFeatures[] = [];
    // Deterministic grid; the share of correct labels at each point follows the true logistic.
    for (let c = 0; c <= 10; c++) {
      for (let m = 0; m <= 10; m++) {
        for (let r = 0; r <= 4; r++) {
          for (let s = 0; s <= 3; s++) {
            const features = { coverage: c / 10, margin: m / 2, recall: r / 4, meaning: s / 3 };
            // The true logistic written out here, not taken from the module under test.
            const z =
              truth.bias + truth.coverage * features.coverage + truth.margin * features.margin + truth.recall * features.recall + truth.meaning * features.meaning;
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
    expect(fitted.meaning).toBeCloseTo(truth.meaning, 0);
    expect(fitted).not.toEqual(DEFAULT_CALIBRATION);
  });
});
