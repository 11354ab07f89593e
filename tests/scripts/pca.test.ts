import { describe, expect, it } from 'vitest';
import { principalAxes } from '../../scripts/pca.js';

describe('principalAxes (scripts/pca.ts, used by build-distilled-vectors)', () => {
  // Points spread along (1, 1, 0) most, along (1, -1, 0) less, not at all along z; centred on (5, 5, 5).
  const points: number[][] = [];
  for (const a of [-3, -1, 1, 3]) for (const b of [-1, 1]) points.push([5 + a + b, 5 + a - b, 5]);
  const rows = Float32Array.from(points.flat());

  it('finds the mean and the directions of largest variance, largest first', () => {
    const { mean, axes, variances } = principalAxes(rows, points.length, 3, 2);
    expect([...mean]).toEqual([5, 5, 5]);
    expect(axes).toHaveLength(2);
    const s = Math.SQRT1_2;
    expect([...axes[0]!].map((v) => Math.abs(v))).toEqual([expect.closeTo(s, 9), expect.closeTo(s, 9), expect.closeTo(0, 9)]);
    expect(axes[0]![0]! * axes[0]![1]!).toBeGreaterThan(0);
    expect(axes[1]![0]! * axes[1]![1]!).toBeLessThan(0);
    // Variance along (1,1,0)/√2: mean of (2a/√2)² = 2·mean(a²) = 10; along (1,-1,0)/√2: 2·mean(b²) = 2.
    expect(variances[0]).toBeCloseTo(10, 9);
    expect(variances[1]).toBeCloseTo(2, 9);
  });

  it('gives every axis the same sign on every run (its largest component positive)', () => {
    const { axes } = principalAxes(rows, points.length, 3, 3);
    for (const axis of axes) expect(Math.max(...axis.map(Math.abs))).toBe(Math.max(...axis));
  });
});
