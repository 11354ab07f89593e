/** Embedding vectors as stored: Float32, unit length, so a dot product is the cosine similarity. */

export function unitVector(values: readonly number[]): Float32Array {
  const vector = Float32Array.from(values);
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0 && Number.isFinite(norm)) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** The BLOB form: the Float32Array's bytes (little-endian on every platform Node runs on). */
export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function blobToVector(blob: Buffer): Float32Array {
  // Copied: a Buffer from SQLite may share a pool and need not be 4-byte aligned.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer, 0, Math.floor(blob.byteLength / 4));
}

/** Dot product of `a` with the row of `matrix` that starts at `offset` (same length as `a`). */
export function dotAt(a: Float32Array, matrix: Float32Array, offset: number): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * matrix[offset + i]!;
  return sum;
}
