/**
 * Principal component analysis for scripts/build-distilled-vectors.ts: the mean of the rows and the
 * eigenvectors of their covariance with the largest eigenvalues, by the cyclic Jacobi method
 * (exact for a symmetric matrix, deterministic, and fast enough for 512 × 512). Each axis's sign is
 * fixed (its largest component positive) so that the same input always gives the same output.
 */
export function principalAxes(rows: Float32Array, count: number, width: number, dims: number): { mean: Float64Array; axes: Float64Array[]; variances: number[] } {
  const mean = new Float64Array(width);
  for (let r = 0; r < count; r++) for (let j = 0; j < width; j++) mean[j]! += rows[r * width + j]!;
  for (let j = 0; j < width; j++) mean[j]! /= count;
  const covariance = new Float64Array(width * width);
  const centred = new Float64Array(width);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < width; j++) centred[j] = rows[r * width + j]! - mean[j]!;
    for (let i = 0; i < width; i++) {
      const ci = centred[i]!;
      const offset = i * width;
      for (let j = i; j < width; j++) covariance[offset + j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < width; i++) for (let j = i; j < width; j++) covariance[j * width + i] = covariance[i * width + j]! /= count;
  const { values, vectors } = jacobiEigen(covariance, width);
  const order = [...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, dims);
  const axes = order.map((k) => {
    const axis = new Float64Array(width);
    for (let i = 0; i < width; i++) axis[i] = vectors[i * width + k]!;
    let largest = 0;
    for (let i = 0; i < width; i++) if (Math.abs(axis[i]!) > Math.abs(largest)) largest = axis[i]!;
    if (largest < 0) for (let i = 0; i < width; i++) axis[i] = -axis[i]!;
    return axis;
  });
  return { mean, axes, variances: order.map((k) => values[k]!) };
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric n × n matrix (row-major; overwritten). */
function jacobiEigen(a: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => a[i * n + i]!), vectors: v };
}
