/**
 * A stand-in Ollama server (node:http on 127.0.0.1) for the real `ollama` npm client.
 *
 * It speaks the parts of the API the bot uses, as Ollama does:
 * - GET /api/version → {version}; GET /api/tags → {models:[...]} (names carry their tag: "llama3:latest");
 *   GET /api/ps → the models loaded now (until keep_alive unloads them).
 * - POST /api/chat (./ollama-chat.ts): NDJSON lines, then a `done:true` line with nanosecond durations; with
 *   a model load, one-at-a-time queue and 503, num_ctx cuts, prefix reuse, evaluation and generation rates,
 *   keep_alive, thinking and the num_predict limit (done_reason "length") as Ollama has them (./ollama-runner.ts names the source of each).
 * - POST /api/show {model} → capabilities, model_info (context length), parameters (./ollama-show.ts).
 * - POST /api/embed {model, input, truncate, keep_alive} → {model, embeddings}: deterministic unit vectors (see
 *   `fakeEmbedding`); an input longer than the model's context is cut, or fails the whole request with 400
 *   (./ollama-embed.ts). The embedding model is a model like any other to the scheduler: loaded first
 *   (`embedLoadMs`; a client that leaves during the load loses it), kept for the request's `keep_alive`, else
 *   OLLAMA_KEEP_ALIVE (5 minutes), and listed by /api/ps (server/routes.go EmbedHandler: scheduleRunner with
 *   req.KeepAlive, the same path as chat; api/types.go EmbedRequest.KeepAlive).
 * - Errors are `{"error": "..."}` with Ollama's status and wording: 404 for a model that is not pulled, 503 when busy,
 *   400 `"<model>" does not support chat` for a chat with a model whose capabilities lack "completion" (./ollama-chat.ts),
 *   and a failure after the first token is an extra `{"error"}` line while the status stays 200.
 *
 * Knobs (`reply`, delays, rates, `mode`, `parallelism`, `models`) can change between requests. The defaults
 * answer at once (no load time, no rates) so that tests that are not about timing stay fast; set
 * `cpuProfile()` for a CPU box as issue 12 describes it.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkEmbedInputs, DEFAULT_EMBED_CONTEXT, EMBED_CONTEXT_TOKENS } from './ollama-embed.js';
import { fakeModelCard, showNotFoundError, showResponse } from './ollama-show.js';
import { ChatServer, MID_STREAM_ERROR, SERVER_BUSY_ERROR, type ChatKnobs, type FakeChatMessage, type FakeChatRequest, type FakeOllamaMode, type PromptEvaluation } from './ollama-chat.js';
import { closed, sendJson } from './ollama-http.js';
import { DEFAULT_KEEP_ALIVE_MS, DEFAULT_NUM_CTX, keepAliveMs } from './ollama-runner.js';

export { MID_STREAM_ERROR, SERVER_BUSY_ERROR, type FakeChatMessage, type FakeChatRequest, type FakeOllamaMode, type PromptEvaluation } from './ollama-chat.js';

export interface FakeOllamaOptions {
  /** Pulled models; default ['llama3']. */
  models?: string[];
  version?: string;
}

export const EMBEDDING_DIMENSIONS = 256;

export function modelNotFoundError(model: string): string {
  return `model "${model}" not found, try pulling it first`;
}

export class FakeOllama implements ChatKnobs {
  /** The full answer text; the default is deterministic and names the member's last message. */
  reply: string | ((req: FakeChatRequest) => string) = (req) => `You asked: ${lastUserContent(req.messages)}`;
  /** A thinking model's reasoning (models whose capabilities list "thinking"); '' for none. */
  thinking: string | ((req: FakeChatRequest) => string) = '';
  /** 'field': in `message.thinking` unless `think: false` (current Ollama); 'tags': `<think>…</think>` in content always (older). */
  thinkingForm: 'field' | 'tags' = 'field';
  /** Wait before the first token (and before the status line, as in Ollama), on top of prompt evaluation. */
  firstTokenDelayMs = 0;
  /** Wait between chunks, on top of the generation rate. */
  tokenDelayMs = 0;
  /** Characters per NDJSON chunk. */
  chunkSize = 4;
  mode: FakeOllamaMode = 'ok';
  /** Time to load a model that is not loaded (ms, before timeScale). */
  loadMs = 0;
  /** Time to load an embedding model that is not loaded (ms, before timeScale): small models load in a second or two on a CPU. */
  embedLoadMs = 0;
  /** Prompt evaluation rate (tokens/s); Infinity: instant. */
  promptTokensPerSecond = Number.POSITIVE_INFINITY;
  /** Generation rate (tokens/s); Infinity: instant. */
  tokensPerSecond = Number.POSITIVE_INFINITY;
  /** The context window without `options.num_ctx` (OLLAMA_CONTEXT_LENGTH). */
  defaultNumCtx = DEFAULT_NUM_CTX;
  /** keep_alive without the request's own (OLLAMA_KEEP_ALIVE). */
  defaultKeepAliveMs = DEFAULT_KEEP_ALIVE_MS;
  /** Multiplies load, evaluation, generation and keep_alive times: 0.01 runs a 20 s load in 200 ms. */
  timeScale = 1;
  /** Chats waiting for a model load beyond this get 503 (OLLAMA_MAX_QUEUE, default 512); a loaded model's queue has no limit. */
  maxQueue = 512;
  /** Trained context per chat model (untagged name), where it differs from ./ollama-show.ts's 8192. */
  contextLengths: Record<string, number> = {};
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
  /** Chats served at once; the rest wait, like OLLAMA_NUM_PARALLEL (Ollama's default is 1). */
  parallelism = 1;
  /** Pulled models, with or without a tag ("llama3" means "llama3:latest"). */
  models: string[];
  readonly version: string;
  /** Every request received, in order; chat requests carry their messages. */
  readonly requests: { path: string; body: unknown }[] = [];

  private server: http.Server | undefined;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly chats: ChatServer;

  private constructor(options: FakeOllamaOptions) {
    this.models = [...(options.models ?? ['llama3'])];
    this.version = options.version ?? '0.6.5';
    this.chats = new ChatServer(this, (model) => this.card(model));
  }

  /** A CPU box as issue 12 describes it: 20 s cold load, 150 prompt tokens/s, 6 tokens/s, one at a time. */
  cpuProfile(timeScale = 1): this {
    Object.assign(this, { loadMs: 20_000, promptTokensPerSecond: 150, tokensPerSecond: 6, parallelism: 1, timeScale });
    return this;
  }

  /** What each chat request cost the model (prompt tokens, newly evaluated ones, loads), in order. */
  get evaluations(): readonly PromptEvaluation[] {
    return this.chats.evaluations;
  }

  /** Unloads every model, as keep_alive running out (or an Ollama restart) does. */
  unloadModels(): void {
    this.chats.unloadAll();
  }

  /** Models loaded now (canonical names). */
  loadedModels(): string[] {
    return [...this.chats.loaded.keys()];
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
    return this.chats.openChats();
  }

  /** The chat requests received, in order (not the load requests, which have no messages). */
  chatRequests(): FakeChatRequest[] {
    return this.requests
      .filter((r) => r.path === '/api/chat' && Array.isArray((r.body as FakeChatRequest)?.messages) && (r.body as FakeChatRequest).messages.length > 0)
      .map((r) => {
        const { model, messages, think, options, keep_alive } = r.body as FakeChatRequest;
        return { model, messages, think, options, keep_alive };
      });
  }

  /** The load requests (a chat with no messages) received, in order. */
  loadRequests(): FakeChatRequest[] {
    return this.requests.filter((r) => r.path === '/api/chat' && !((r.body as FakeChatRequest)?.messages?.length ?? 0)).map((r) => r.body as FakeChatRequest);
  }

  /** "Ollama is down": stops listening and destroys every connection; new connections are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.chats.unloadAll(); // a stopped server has nothing loaded when it comes back
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
    if (route === 'GET /api/ps') return sendJson(res, 200, { models: [...this.chats.loaded.keys()].map((m) => runningEntry(m)) });
    if (route === 'POST /api/chat') return this.chat(body as { model?: unknown }, res);
    if (route === 'POST /api/embed') return this.embed(body as EmbedBody, res);
    if (route === 'POST /api/show') return this.show(body as { model?: string; name?: string }, res);
    if (req.method === 'GET' && path === '/') return sendText(res, 200, 'Ollama is running');
    return sendText(res, 404, '404 page not found');
  }

  private isPulled(model: unknown): model is string {
    return typeof model === 'string' && this.models.some((m) => tagged(m) === tagged(model));
  }

  private chat(body: { model?: unknown }, res: http.ServerResponse): Promise<void> {
    if (!this.isPulled(body?.model)) return Promise.resolve(sendJson(res, 404, { error: modelNotFoundError(String(body?.model ?? '')) }));
    return this.chats.serve(tagged(body.model), body as Parameters<ChatServer['serve']>[1], res);
  }

  /** The card /api/show gives for a pulled model, with this fake's overrides. */
  private card(model: string) {
    const card = fakeModelCard(untagged(model));
    const contextLength = this.embedContextTokens[untagged(model)] ?? this.contextLengths[untagged(model)] ?? card.contextLength;
    return { ...card, contextLength, capabilities: this.capabilities[untagged(model)] ?? card.capabilities };
  }

  private show(body: { model?: string; name?: string }, res: http.ServerResponse): void {
    const model = String(body?.model || body?.name || '');
    if (!this.isPulled(model)) return sendJson(res, 404, { error: showNotFoundError(model) });
    sendJson(res, 200, showResponse(this.card(model)));
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
    const name = tagged(body.model);
    const model = await this.chats.ensureLoaded(name, this.embedContextTokens[untagged(body.model)] ?? DEFAULT_EMBED_CONTEXT, res, this.embedLoadMs);
    if (!model) return;
    model.expireAfter(keepAliveMs(body.keep_alive, this.defaultKeepAliveMs) * this.timeScale);
    if (this.embedRunnerFailsOn && checked.texts.some(this.embedRunnerFailsOn)) return sendJson(res, 500, { error: MID_STREAM_ERROR });
    sendJson(res, 200, {
      model: body.model,
      embeddings: checked.texts.map((t) => fakeEmbedding(t)),
      total_duration: 1_000_000,
      load_duration: 100_000,
      prompt_eval_count: checked.tokens,
    });
  }
}

interface EmbedBody {
  model: string;
  input?: unknown;
  truncate?: boolean;
  keep_alive?: unknown;
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




