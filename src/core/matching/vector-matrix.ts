import type { Passage } from '../knowledge/passages.js';
import type { StoredVector } from './embedding-store.js';
import { dotAt } from './vectors.js';

/** Vectors as one matrix (row i belongs to keys[i], and stands for passages[i] of it when a knowledge entry has chunks). */
export interface VectorMatrix<K> {
  dimensions: number;
  keys: K[];
  passages: (Passage | undefined)[];
  matrix: Float32Array;
}

/** A key's most similar row. */
export interface BestRow {
  similarity: number;
  /** The passage of that row (a knowledge entry's best chunk); undefined for a whole entry. */
  passage: Passage | undefined;
}

/** The rows of `dimensions` (by default the first row's) as one matrix; rows of another length are left out. */
export function toMatrix<K>(rows: readonly StoredVector<K>[], dimensions = rows[0]?.vector.length ?? 0): VectorMatrix<K> {
  const usable = rows.filter((r) => r.vector.length === dimensions);
  const matrix = new Float32Array(usable.length * dimensions);
  usable.forEach((r, i) => matrix.set(r.vector, i * dimensions));
  return { dimensions, keys: usable.map((r) => r.key), passages: usable.map((r) => r.passage), matrix };
}

/** The best similarity to `vector` per key; undefined when the vectors have another number of dimensions. */
export function bestPerKey<K>(vectors: VectorMatrix<K>, vector: Float32Array): Map<K, number> | undefined {
  const best = bestRowPerKey(vectors, vector);
  return best && new Map([...best].map(([key, row]) => [key, row.similarity]));
}

/** Per key, its row most similar to `vector` (a knowledge entry is as close as its closest chunk); undefined when the dimensions differ. */
export function bestRowPerKey<K>(vectors: VectorMatrix<K>, vector: Float32Array): Map<K, BestRow> | undefined {
  if (vectors.dimensions !== vector.length) return undefined;
  const best = new Map<K, BestRow>();
  for (let row = 0; row < vectors.keys.length; row++) {
    const key = vectors.keys[row]!;
    const similarity = dotAt(vector, vectors.matrix, row * vectors.dimensions);
    if (similarity > (best.get(key)?.similarity ?? -Infinity)) best.set(key, { similarity, passage: vectors.passages[row] });
  }
  return best;
}
