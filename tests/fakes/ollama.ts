/**
 * A stand-in Ollama server (node:http on 127.0.0.1) for the real `ollama` npm client.
 *
 * It speaks the parts of the API the bot uses, as Ollama does:
 * - GET /api/version → {version}; GET /api/tags → {models:[...]} (names carry their tag: "llama3:latest");
 *   GET /api/ps → the models that served a request since start.
 * - POST /api/chat: NDJSON (`application/x-ndjson`), `{model, created_at, message:{role:"assistant", content}, done:false}`
 *   lines, then a `done:true` line with done_reason and nanosecond durations; `stream:false` gives one JSON object.
 *   Like Ollama (gin's c.Stream), no status line is sent until the first token is ready.
 * - POST /api/show {model} → capabilities, model_info (context length), parameters (./ollama-show.ts).
 * - POST /api/embed {model, input, truncate} → {model, embeddings}: deterministic unit vectors (see `fakeEmbedding`);
 *   an input longer than the model's context is cut, or fails the whole request with 400 (./ollama-embed.ts).
 * - Errors are `{"error": "..."}` with Ollama's status and wording: 404 for a model that is not pulled, 503 when busy,
 *   and a failure after the first token is an extra `{"error"}` line while the status stays 200.
 *
 * Knobs (`reply`, delays, `mode`, `parallelism`, `models`) can change between requests.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkEmbedInputs, DEFAULT_EMBED_CONTEXT, EMBED_CONTEXT_TOKENS } from './ollama-embed.js';
import { fakeModelCard, showNotFoundError, showResponse } from './ollama-show.js';

export type FakeOllamaMode =
  /** answer normally */
  | 'ok'
  /** 503 "server busy" for chat and embed (Ollama's queue is full) */
  | 'busy503'
  /** chat and embed: send the 200 status line, then nothing, ever */
  | 'hang'
  /** chat: stream about half the chunks, then destroy the socket */
  | 'cut'
  /** chat: stream about half the chunks, then an `{"error"}` line (status stays 200) */
  | 'errorLine';

export interface FakeChatMessage {
  role: string;
  content: string;
}

export interface FakeChatRequest {
  model: string;
  messages: FakeChatMessage[];
}

export interface FakeOllamaOptions {
  /** Pulled models; default ['llama3']. */
  models?: string[];
  version?: string;
}

export const EMBEDDING_DIMENSIONS = 256;
export const SERVER_BUSY_ERROR = 'server busy, please try again.  maximum pending requests exceeded';
export const MID_STREAM_ERROR = 'an error was encountered while running the model: unexpected EOF';

export function modelNotFoundError(model: string): string {
  return `model "${model}" not found, try pulling it first`;
}

export class FakeOllama {
  /** The full answer text; the default is deterministic and names the member's last message. */
  reply: string | ((req: FakeChatRequest) => string) = (req) => `You asked: ${lastUserContent(req.messages)}`;
  /** Wait before the first token (and before the status line, as in Ollama). */
  firstTokenDelayMs = 0;
  /** Wait between chunks. */
  tokenDelayMs = 0;
  /** Characters per NDJSON chunk. */
  chunkSize = 4;
  mode: FakeOllamaMode = 'ok';
  /** Embedding context per model (untagged name), in fake tokens; see ./ollama-embed.ts. */
  embedContextTokens: Record<string, number> = { ...EMBED_CONTEXT_TOKENS };
  /** /api/embed: an over-long input fails the whole request with 400 even when `truncate` is not false. */
  embedRefusesOverlong = false;
  /**
   * /api/embed: a request holding an input beyond this many tokens fails whole with 400, though
   * /api/show reports a larger context: a server that refuses what the bot cannot foresee (a runner
   * taking less than the model's context), for the tests of the bot's split-and-skip.
   */
  embedRefusesBeyondTokens: number | undefined;
  /**
   * /api/embed: the model runner fails on these inputs, and the whole request gets 500 with the
   * runner's error (routes.go EmbedHandler: an error from `g.Wait()` that is no StatusError).
   */
  embedRunnerFailsOn: ((text: string) => boolean) | undefined;
  /** /api/show capabilities per model (untagged name), where they differ from ./ollama-show.ts's default. */
  capabilities: Record<string, string[]> = {};
  /** Chats served at once; the rest wait, like OLLAMA_NUM_PARALLEL. */
  parallelism = Number.POSITIVE_INFINITY;
  /** Pulled models, with or without a tag ("llama3" means "llama3:latest"). */
  models: string[];
  readonly version: string;
  /** Every request received, in order; chat requests carry their messages. */
  readonly requests: { path: string; body: unknown }[] = [];

  private server: http.Server | undefined;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly loaded = new Set<string>();
  private readonly chatQueue: (() => void)[] = [];
  private chatsRunning = 0;
  private chatsOpen = 0;

  private constructor(options: FakeOllamaOptions) {
    this.models = [...(options.models ?? ['llama3'])];
    this.version = options.version ?? '0.6.5';
  }

  static async start(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
    const fake = new FakeOllama(options);
    await fake.listen(0);
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Chat requests whose connection is still open (served or waiting): 0 means nothing leaked. */
  openChats(): number {
    return this.chatsOpen;
  }

  /** The chat requests received, in order. */
  chatRequests(): FakeChatRequest[] {
    return this.requests
      .filter((r) => r.path === '/api/chat')
      .map((r) => {
        const body = r.body as FakeChatRequest;
        return { model: body.model, messages: body.messages };
      });
  }

  /** "Ollama is down": stops listening and destroys every connection; new connections are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** "Ollama is back": listens again on the same port. */
  async restart(): Promise<void> {
    if (this.server) return;
    await this.listen(this.port);
  }

  private listen(port: number): Promise<void> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(error) });
        else res.destroy();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = await readBody(req);
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        this.requests.push({ path, body: raw });
        return sendJson(res, 400, { error: 'invalid character in request body' });
      }
    }
    this.requests.push({ path, body });

    const route = `${req.method} ${path}`;
    if (route === 'GET /api/version') return sendJson(res, 200, { version: this.version });
    if (route === 'GET /api/tags') return sendJson(res, 200, { models: this.models.map((m) => modelEntry(m)) });
    if (route === 'GET /api/ps') return sendJson(res, 200, { models: [...this.loaded].map((m) => runningEntry(m)) });
    if (route === 'POST /api/chat') return this.chat(body as ChatBody, res);
    if (route === 'POST /api/embed') return this.embed(body as EmbedBody, res);
    if (route === 'POST /api/show') return this.show(body as { model?: string; name?: string }, res);
    if (req.method === 'GET' && path === '/') return sendText(res, 200, 'Ollama is running');
    return sendText(res, 404, '404 page not found');
  }

  private isPulled(model: unknown): model is string {
    return typeof model === 'string' && this.models.some((m) => tagged(m) === tagged(model));
  }

  private async chat(body: ChatBody, res: http.ServerResponse): Promise<void> {
    if (!this.isPulled(body?.model)) return sendJson(res, 404, { error: modelNotFoundError(String(body?.model ?? '')) });
    if (this.mode === 'busy503') return sendJson(res, 503, { error: SERVER_BUSY_ERROR });
    const startedAt = process.hrtime.bigint();
    const request: FakeChatRequest = { model: body.model, messages: Array.isArray(body.messages) ? body.messages : [] };
    const stream = body.stream !== false;

    if (isGone(res)) return;
    this.chatsOpen++;
    let open = true;
    res.on('close', () => {
      if (open) this.chatsOpen--;
      open = false;
    });
    const release = await this.chatSlot(res);
    try {
      if (!open) return;
      this.loaded.add(tagged(body.model));
      const mode = this.mode;
      if (mode === 'hang') {
        res.writeHead(200, { 'Content-Type': stream ? 'application/x-ndjson' : 'application/json; charset=utf-8' });
        res.flushHeaders();
        return await closed(res);
      }
      const text = typeof this.reply === 'function' ? this.reply(request) : this.reply;
      const chunks = splitChunks(text, this.chunkSize);
      const loadedAt = process.hrtime.bigint();
      if (!(await pause(this.firstTokenDelayMs, res))) return;

      if (!stream) {
        if (mode === 'cut') return void res.destroy();
        if (mode === 'errorLine') return sendJson(res, 500, { error: MID_STREAM_ERROR });
        return sendJson(res, 200, { ...chatPart(body.model, text, true), ...doneStats(request, chunks.length, startedAt, loadedAt) });
      }

      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      const failAfter = mode === 'cut' || mode === 'errorLine' ? Math.max(1, Math.floor(chunks.length / 2)) : Number.POSITIVE_INFINITY;
      for (const [index, chunk] of chunks.entries()) {
        if (index > 0 && !(await pause(this.tokenDelayMs, res))) return;
        const line = `${JSON.stringify(chatPart(body.model, chunk, false))}\n`;
        if (index + 1 < failAfter) {
          res.write(line);
        } else if (mode === 'cut') {
          // Cut only once the chunks are on the wire, so the client really gets the first part.
          return await new Promise<void>((resolve) => res.write(line, () => resolve(void res.destroy())));
        } else {
          return void res.end(`${line}${JSON.stringify({ error: MID_STREAM_ERROR })}\n`);
        }
      }
      res.end(`${JSON.stringify({ ...chatPart(body.model, '', true), ...doneStats(request, chunks.length, startedAt, loadedAt) })}\n`);
    } finally {
      release();
    }
  }

  /** Waits for one of `parallelism` chat slots; a request whose client left while waiting gives its turn away. */
  private chatSlot(res: http.ServerResponse): Promise<() => void> {
    const release = () => {
      this.chatsRunning--;
      const next = this.chatQueue.shift();
      next?.();
    };
    if (this.chatsRunning < this.parallelism) {
      this.chatsRunning++;
      return Promise.resolve(once(release));
    }
    return new Promise((resolve) => {
      const take = () => {
        this.chatsRunning++;
        resolve(once(release));
      };
      this.chatQueue.push(take);
      res.on('close', () => {
        const index = this.chatQueue.indexOf(take);
        if (index >= 0) {
          this.chatQueue.splice(index, 1);
          resolve(() => {});
        }
      });
    });
  }

  private show(body: { model?: string; name?: string }, res: http.ServerResponse): void {
    const model = String(body?.model || body?.name || '');
    if (!this.isPulled(model)) return sendJson(res, 404, { error: showNotFoundError(model) });
    const card = fakeModelCard(untagged(model));
    const contextLength = this.embedContextTokens[untagged(model)] ?? card.contextLength;
    sendJson(res, 200, showResponse({ ...card, contextLength, capabilities: this.capabilities[untagged(model)] ?? card.capabilities }));
  }

  private async embed(body: EmbedBody, res: http.ServerResponse): Promise<void> {
    if (!this.isPulled(body?.model)) return sendJson(res, 404, { error: modelNotFoundError(String(body?.model ?? '')) });
    if (this.mode === 'busy503') return sendJson(res, 503, { error: SERVER_BUSY_ERROR });
    if (this.mode === 'hang') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.flushHeaders();
      return closed(res);
    }
    const input = body.input;
    const texts = typeof input === 'string' ? (input === '' ? [] : [input]) : Array.isArray(input) ? input : undefined;
    if (!texts || texts.some((t) => typeof t !== 'string')) return sendJson(res, 400, { error: 'invalid input type' });
    const checked = checkEmbedInputs(texts, {
      contextTokens: Math.min(this.embedContextTokens[untagged(body.model)] ?? DEFAULT_EMBED_CONTEXT, this.embedRefusesBeyondTokens ?? Infinity),
      truncate: body.truncate !== false,
      refuseOverlong: this.embedRefusesOverlong || this.embedRefusesBeyondTokens !== undefined,
      version: this.version,
    });
    if (!checked.ok) return sendJson(res, checked.status, { error: checked.error });
    if (this.embedRunnerFailsOn && checked.texts.some(this.embedRunnerFailsOn)) return sendJson(res, 500, { error: MID_STREAM_ERROR });
    this.loaded.add(tagged(body.model));
    sendJson(res, 200, {
      model: body.model,
      embeddings: checked.texts.map((t) => fakeEmbedding(t)),
      total_duration: 1_000_000,
      load_duration: 100_000,
      prompt_eval_count: checked.tokens,
    });
  }
}

interface ChatBody {
  model: string;
  messages?: FakeChatMessage[];
  stream?: boolean;
}

interface EmbedBody {
  model: string;
  input?: unknown;
  truncate?: boolean;
}

/**
 * A deterministic stand-in for a sentence embedding: a hashed bag of word stems. Each lower-cased word
 * is crudely stemmed (a plural "s", "es", "ed", "ing", "ly" dropped), hashed (FNV-1a) to one of 256
 * dimensions with a hashed sign, counted, and the vector normalised to length 1. Texts sharing words
 * thus get a high cosine similarity ("reset my password" vs "how do I reset a password?"), unrelated
 * texts one near 0, and the same text always the same vector. A text with no words maps to one fixed axis.
 */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  const words = wordsOf(text);
  for (const word of words.length > 0 ? words : ['']) {
    const hash = fnv1a(stem(word));
    const sign = (hash >>> 16) & 1 ? 1 : -1;
    vector[hash % EMBEDDING_DIMENSIONS] = (vector[hash % EMBEDDING_DIMENSIONS] ?? 0) + sign;
  }
  const length = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return vector.map((v) => v / length);
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function stem(word: string): string {
  for (const suffix of ['ing', 'ed', 'ly', 'es', 's']) {
    if (word.length - suffix.length >= 3 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function lastUserContent(messages: FakeChatMessage[]): string {
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** Splits by code point so a chunk never ends inside an emoji's surrogate pair. */
function splitChunks(text: string, size: number): string[] {
  const chars = Array.from(text);
  const step = Math.max(1, Math.floor(size));
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += step) chunks.push(chars.slice(i, i + step).join(''));
  return chunks;
}

function chatPart(model: string, content: string, done: boolean) {
  return { model, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done };
}

function doneStats(request: FakeChatRequest, evalCount: number, startedAt: bigint, loadedAt: bigint) {
  const now = process.hrtime.bigint();
  const promptEvalCount = request.messages.reduce((n, m) => n + wordsOf(String(m.content ?? '')).length, 0);
  return {
    done_reason: 'stop',
    total_duration: Number(now - startedAt),
    load_duration: Number(loadedAt - startedAt),
    prompt_eval_count: promptEvalCount,
    prompt_eval_duration: 1_000_000,
    eval_count: evalCount,
    eval_duration: Number(now - loadedAt),
  };
}

function untagged(model: string): string {
  return tagged(model).replace(/:latest$/, '');
}

function tagged(model: string): string {
  const lower = model.trim().toLowerCase();
  return lower.includes(':') ? lower : `${lower}:latest`;
}

function modelEntry(model: string) {
  const name = tagged(model);
  return {
    name,
    model: name,
    modified_at: '2024-05-01T12:00:00.000Z',
    size: 4_661_224_676,
    digest: createHash('sha256').update(name).digest('hex'),
    details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '8.0B', quantization_level: 'Q4_0' },
  };
}

function runningEntry(model: string) {
  return { ...modelEntry(model), expires_at: new Date(Date.now() + 5 * 60_000).toISOString(), size_vram: 0 };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** The client left (or the server was stopped) before the answer was finished. */
function isGone(res: http.ServerResponse): boolean {
  return res.destroyed || !res.socket || res.socket.destroyed;
}

/** Resolves when the client goes away (or the server is stopped). */
function closed(res: http.ServerResponse): Promise<void> {
  if (isGone(res)) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

/** Waits `ms`, ending early if the client leaves; false when it left. */
function pause(ms: number, res: http.ServerResponse): Promise<boolean> {
  if (isGone(res)) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!isGone(res));
    }, ms);
    res.once('close', onClose);
  });
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
