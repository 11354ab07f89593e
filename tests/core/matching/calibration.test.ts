import { describe, expect, it } from 'vitest';
import { confidence, DEFAULT_CALIBRATION, fitCalibration, type LabelledFeatures } from '../../../src/core/matching/calibration.js';

describe('confidence', () => {
  it('grows with coverage, with the lead over other answers, with closeness in meaning and word by word, and falls with unmatched words, within [0, 1]', () => {
    const mid = { coverage: 0.2, margin: 0, recall: 0.2, meaning: 0.5, alignment: 0.5, unmatched: 0.5 };
    const low = confidence(mid);
    expect(confidence({ ...mid, coverage: 0.9 })).toBeGreaterThan(low);
    expect(confidence({ ...mid, margin: 5 })).toBeGreaterThan(low);
    expect(confidence({ ...mid, meaning: 0.9 })).toBeGreaterThan(low);
    expect(confidence({ ...mid, alignment: 0.9 })).toBeGreaterThan(low);
    expect(confidence({ ...mid, unmatched: 0 })).toBeGreaterThan(low);
    expect(confidence({ coverage: 1, margin: 100, recall: 1, meaning: 1, alignment: 1, unmatched: 0 })).toBeLessThanOrEqual(1);
    expect(confidence({ coverage: 0, margin: -100, recall: 0, meaning: -1, alignment: 0, unmatched: 1 })).toBeGreaterThanOrEqual(0);
    const zero = { coverage: 0, margin: 0, recall: 0, meaning: 0, alignment: 0, unmatched: 0 };
    const none = { bias: 0, ...zero };
    expect(confidence(zero, none)).toBe(0.5);
    expect(confidence({ ...zero, coverage: 1 }, { ...none, bias: -1, coverage: 1 })).toBe(0.5);
  });
});

describe('fitCalibration', () => {
  it('recovers the logistic relationship that generated the labels', () => {
    const truth = { bias: -3, coverage: 2, margin: 0.8, recall: 1.5, meaning: 2.5, alignment: 1.2, unmatched: -1 };
    const samples: LabelledFeatures[] = [];
    // Deterministic grid; the share of correct labels at each point follows the true logistic.
    for (let c = 0; c <= 5; c++) {
      for (let m = 0; m <= 5; m++) {
        for (let r = 0; r <= 2; r++) {
          for (let s = 0; s <= 2; s++) {
            for (let a = 0; a <= 2; a++) {
              for (let u = 0; u <= 1; u++) {
                const features = { coverage: c / 5, margin: m, recall: r / 2, meaning: s / 2, alignment: a / 2, unmatched: u };
                // The true logistic written out here, not taken from the module under test.
                const z =
                  truth.bias +
                  truth.coverage * features.coverage +
                  truth.margin * features.margin +
                  truth.recall * features.recall +
                  truth.meaning * features.meaning +
                  truth.alignment * features.alignment +
                  truth.unmatched * features.unmatched;
                const positives = Math.round((1 / (1 + Math.exp(-z))) * 20);
                for (let k = 0; k < 20; k++) samples.push({ ...features, correct: k < positives });
              }
            }
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
    expect(fitted.alignment).toBeCloseTo(truth.alignment, 0);
    expect(fitted.unmatched).toBeCloseTo(truth.unmatched, 0);
    expect(fitted).not.toEqual(DEFAULT_CALIBRATION);
  });
});
