/**
 * POST /api/chat for the fake Ollama: queue, model load, prompt fitting, prompt evaluation and
 * generation at set rates, thinking, the num_predict limit (done_reason "length"); the rules and their
 * sources are in ./ollama-runner.ts.
 * Wire format: NDJSON lines `{model, created_at, message:{role, content[, thinking]}, done:false}`,
 * then a `done:true` line with done_reason and nanosecond durations; `stream:false` gives one object.
 * Like Ollama (gin's c.Stream), no status line is sent before the first token is ready.
 */
import type http from 'node:http';
import {
  beforeRepeatLimit,
  boundedNumPredict,
  commonPrefixLength,
  DEFAULT_KEEP_ALIVE_MS,
  fakeTokens,
  fitPrompt,
  keepAliveMs,
  LoadedModel,
  reasoningEffort,
  thinkingParts,
  thinkOn,
  usesHarmony,
  withinNumPredict,
  type FittedPrompt,
} from './ollama-runner.js';
import { closed, isGone, pause, sendJson } from './ollama-http.js';

export interface FakeChatMessage {
  role: string;
  content: string;
}

export interface FakeChatRequest {
  model: string;
  /** The messages as sent. */
  messages: FakeChatMessage[];
  /** The messages the model read: after Ollama's context-window cuts (only given to `reply`). */
  seen?: FakeChatMessage[];
  think?: unknown;
  /** A gpt-oss (harmony) model's reasoning level for this request (see ./ollama-runner.ts); absent for other models. */
  effort?: 'low' | 'medium' | 'high';
  options?: Record<string, unknown>;
  keep_alive?: unknown;
}

/** What one chat request cost the model, for tests and the bench. */
export interface PromptEvaluation {
  model: string;
  /** prompt_eval_count: the whole prompt after cuts. */
  tokens: number;
  /** Tokens evaluated anew (not reused from the slot's cache). */
  newTokens: number;
  numCtx: number;
  /** The model had to be loaded (or reloaded) for this request. */
  loaded: boolean;
  droppedMessages: number;
  shifted: boolean;
  /** The tokens this answer may generate (num_predict as Ollama bounds it). */
  numPredict: number;
  /** Prompt and answer outgrew num_ctx while generating: llama-server's context shift dropped the prompt's middle. */
  generationShifted?: boolean;
  /** Tokens generated (eval_count), reasoning included; set with the last line. */
  generatedTokens?: number;
  /** done_reason of the last line (absent while none was sent, or never: see repeatAborted). */
  doneReason?: 'stop' | 'length';
  /** Ollama ended the answer at its token-repeat limit: the stream stopped with no done line (./ollama-runner.ts). */
  repeatAborted?: boolean;
  /**
   * The client closed the connection before the answer's last line, and the model stopped there: ChatHandler runs
   * the completion under the request's context (server/routes.go: `context.WithCancel(c.Request.Context())`), and
   * llm/llama_server.go Completion makes its llama-server request with that context and returns on `ctx.Done()`.
   */
  clientLeft?: true;
  /**
   * When the answer's first content chunk went on the wire (performance.now(), ms); unset while none
   * has (or never, for a failed request). Instrumentation for the bench, not a behaviour of Ollama:
   * the first token is timed here, not guessed from the set delays.
   */
  firstContentAt?: number;
}

export type FakeOllamaMode = 'ok' | 'busy503' | 'hang' | 'cut' | 'errorLine';

/** The knobs of FakeOllama that chat reads (see FakeOllama for their meaning). */
export interface ChatKnobs {
  reply: string | ((req: FakeChatRequest) => string);
  thinking: string | ((req: FakeChatRequest) => string);
  thinkingForm: 'field' | 'tags';
  firstTokenDelayMs: number;
  tokenDelayMs: number;
  chunkSize: number;
  mode: FakeOllamaMode;
  parallelism: number;
  maxQueue: number;
  loadMs: number;
  promptTokensPerSecond: number;
  tokensPerSecond: number;
  defaultNumCtx: number;
  defaultKeepAliveMs: number;
  timeScale: number;
}

export interface ChatModelInfo {
  contextLength: number;
  capabilities: string[];
  architecture: string;
  template: string;
}

export const SERVER_BUSY_ERROR = 'server busy, please try again.  maximum pending requests exceeded';
export const MID_STREAM_ERROR = 'an error was encountered while running the model: unexpected EOF';

interface ChatBody {
  model: string;
  messages?: FakeChatMessage[];
  stream?: boolean;
  think?: unknown;
  options?: Record<string, unknown>;
  keep_alive?: unknown;
}

export class ChatServer {
  /** Loaded models by canonical name ("llama3:latest"); GET /api/ps lists them. */
  readonly loaded = new Map<string, LoadedModel>();
  readonly evaluations: PromptEvaluation[] = [];
  private readonly queue: (() => void)[] = [];
  /** Models being loaded now, and the chat requests waiting for that load (server/sched.go pendingReqCh). */
  private readonly loading = new Map<string, Set<http.ServerResponse>>();
  private running = 0;
  private open = 0;

  constructor(
    private readonly knobs: ChatKnobs,
    private readonly modelInfo: (model: string) => ChatModelInfo,
  ) {}

  openChats(): number {
    return this.open;
  }

  unloadAll(): void {
    for (const model of this.loaded.values()) model.dispose();
    this.loaded.clear();
  }

  async serve(name: string, body: ChatBody, res: http.ServerResponse): Promise<void> {
    const k = this.knobs;
    if (k.mode === 'busy503') return sendJson(res, 503, { error: SERVER_BUSY_ERROR });
    const info = this.modelInfo(name);
    const thinks = info.capabilities.includes('thinking');
    if (thinkOn(body.think) && !thinks) return sendJson(res, 400, { error: `"${body.model}" does not support thinking` });
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const numCtx = Math.min(positive(body.options?.num_ctx) ?? k.defaultNumCtx, info.contextLength);
    const keepAlive = keepAliveMs(body.keep_alive, k.defaultKeepAliveMs ?? DEFAULT_KEEP_ALIVE_MS) * k.timeScale;
    // server/routes.go ChatHandler: after the unload branch (no messages, keep_alive 0), scheduleRunner needs
    // the "completion" capability, even to only load; an embedding model gets 400 errCapabilityCompletion.
    const unloading = messages.length === 0 && body.keep_alive !== undefined && keepAlive === 0;
    if (!unloading && !info.capabilities.includes('completion')) return sendJson(res, 400, { error: `"${body.model}" does not support chat` });
    const startedAt = process.hrtime.bigint();

    if (messages.length === 0) return this.loadOnly(name, body, numCtx, keepAlive, res);
    // server/sched.go getRunner: a request for a loaded model goes straight to its runner and waits there, on the
    // runner's semaphore of OLLAMA_NUM_PARALLEL (llm/llama_server.go Completion s.sem.Acquire), without limit. Only a
    // request that needs a load waits in pendingReqCh, OLLAMA_MAX_QUEUE long: one that finds it full gets ErrMaxQueue
    // (503). The request whose load is under way has left the channel (processPending took it).
    const waitingForLoad = this.loaded.get(name)?.numCtx === numCtx ? undefined : this.loading.get(name);
    if (waitingForLoad && waitingForLoad.size >= k.maxQueue) return sendJson(res, 503, { error: SERVER_BUSY_ERROR });
    if (isGone(res)) return;
    if (waitingForLoad) {
      waitingForLoad.add(res);
      res.on('close', () => waitingForLoad.delete(res));
    }
    this.open++;
    let open = true;
    res.on('close', () => {
      if (open) this.open--;
      open = false;
    });
    const release = await this.slot(res);
    let model: LoadedModel | undefined;
    try {
      if (!open) return;
      const wasLoaded = this.loaded.get(name)?.numCtx === numCtx;
      model = await this.ensureLoaded(name, numCtx, res);
      if (!model) return;
      model.hold();
      const loadedAt = process.hrtime.bigint();
      const fitted = fitPrompt(messages, numCtx);
      const newTokens = fitted.tokens - Math.floor(commonPrefixLength(model.cachedText, fitted.prompt) / 4);
      const numPredict = boundedNumPredict(body.options?.num_predict, numCtx);
      const evaluation: PromptEvaluation = { model: name, tokens: fitted.tokens, newTokens, numCtx, loaded: !wasLoaded, droppedMessages: fitted.droppedMessages, shifted: fitted.shifted, numPredict };
      this.evaluations.push(evaluation);
      const harmony = usesHarmony(info);
      const request: FakeChatRequest = { model: body.model, messages, seen: fitted.messages, think: body.think, ...(harmony ? { effort: reasoningEffort(body.think) } : {}), options: body.options, keep_alive: body.keep_alive };
      if (k.mode === 'hang') {
        res.writeHead(200, { 'Content-Type': body.stream === false ? 'application/json; charset=utf-8' : 'application/x-ndjson' });
        res.flushHeaders();
        await closed(res);
        evaluation.clientLeft = true;
        return;
      }
      const evalMs = (newTokens / k.promptTokensPerSecond) * 1000 * k.timeScale + k.firstTokenDelayMs;
      if (!(await pause(evalMs, res))) {
        model.cachedText = '';
        evaluation.clientLeft = true;
        return;
      }
      const evaluatedAt = process.hrtime.bigint();
      // A harmony model reasons into message.thinking whatever `think` says; other thinking models unless it is false.
      const reasons = harmony || (thinks && body.think !== false);
      const parts = thinkingParts(text(k.thinking, request), text(k.reply, request), harmony ? 'field' : k.thinkingForm, reasons);
      const generated = await this.generate(body, parts, fitted, { startedAt, loadedAt, evaluatedAt }, res, evaluation);
      model.cachedText = fitted.prompt + (generated ?? '');
      // Nothing generated to the end: the client left, unless `mode` broke the answer off on purpose.
      if (generated === undefined && k.mode !== 'cut' && k.mode !== 'errorLine') evaluation.clientLeft = true;
    } finally {
      model?.expireAfter(keepAlive);
      release();
    }
  }

  /** An empty `messages`: load (or with keep_alive 0, unload) and say so (server/routes.go ChatHandler). */
  private async loadOnly(name: string, body: ChatBody, numCtx: number, keepAlive: number, res: http.ServerResponse): Promise<void> {
    // An explicit keep_alive 0 unloads (expireRunner), loaded or not, and never loads (server/routes.go ChatHandler).
    if (keepAlive === 0 && body.keep_alive !== undefined) {
      this.loaded.get(name)?.dispose();
      this.loaded.delete(name);
      return sendJson(res, 200, { ...part(body.model, { content: '' }, true), done_reason: 'unload' });
    }
    const model = await this.ensureLoaded(name, numCtx, res);
    if (!model) return;
    model.expireAfter(keepAlive);
    sendJson(res, 200, { ...part(body.model, { content: '' }, true), done_reason: 'load' });
  }

  /**
   * The loaded model, after loading it if need be (`loadMs`, before timeScale; the chat models' loadMs
   * by default); undefined when the client left during the load (the load is lost). /api/embed loads
   * its model through here too, with its own load time.
   */
  async ensureLoaded(name: string, numCtx: number, res: http.ServerResponse, loadMs = this.knobs.loadMs): Promise<LoadedModel | undefined> {
    const current = this.loaded.get(name);
    if (current && current.numCtx === numCtx) return current;
    current?.dispose();
    this.loaded.delete(name);
    if (!this.loading.has(name)) this.loading.set(name, new Set());
    const loaded = await pause(loadMs * this.knobs.timeScale, res);
    this.loading.delete(name); // loaded or abandoned: the requests that waited for it are scheduled again
    if (!loaded) return undefined;
    const model = new LoadedModel(numCtx, () => {
      if (this.loaded.get(name) === model) this.loaded.delete(name);
    });
    this.loaded.set(name, model);
    return model;
  }

  /** Streams (or sends whole) the answer; the text generated, or undefined when it broke off. */
  private async generate(
    body: ChatBody,
    parts: { thinking: string; content: string },
    fitted: FittedPrompt,
    times: { startedAt: bigint; loadedAt: bigint; evaluatedAt: bigint },
    res: http.ServerResponse,
    evaluation: PromptEvaluation,
  ): Promise<string | undefined> {
    const k = this.knobs;
    const generated = withinNumPredict(
      [
        ...splitChunks(parts.thinking, k.chunkSize).map((t) => ({ thinking: t, content: '' })),
        ...splitChunks(parts.content, k.chunkSize).map((c) => ({ content: c })),
      ],
      evaluation.numPredict,
    );
    // Ollama's token-repeat abort (./ollama-runner.ts): the stream ends after these chunks, with no done line.
    const { chunks, aborted } = beforeRepeatLimit(generated.chunks);
    if (aborted) evaluation.repeatAborted = true;
    const doneReason = generated.cut ? 'length' : 'stop';
    if (fitted.tokens + generated.tokens > evaluation.numCtx) evaluation.generationShifted = true;
    const stats = () => (Object.assign(evaluation, { doneReason, generatedTokens: generated.tokens }), doneStats(fitted.tokens, generated.tokens, doneReason, times));
    const contentOf = (list: { thinking?: string; content: string }[], key: 'thinking' | 'content') => list.map((c) => c[key] ?? '').join('');
    if (body.stream === false) {
      const all = chunks.reduce((ms, c) => ms + this.chunkMs(c), 0);
      if (!(await pause(all, res))) return undefined;
      if (k.mode === 'cut') return void res.destroy();
      if (k.mode === 'errorLine') return void sendJson(res, 500, { error: MID_STREAM_ERROR });
      const [thought, said] = [contentOf(chunks, 'thinking'), contentOf(chunks, 'content')];
      const message = thought ? { content: said, thinking: thought } : { content: said };
      if (said !== '') evaluation.firstContentAt = performance.now();
      sendJson(res, 200, aborted ? part(body.model, message, false) : { ...part(body.model, message, true), ...stats() });
      return said;
    }
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const failAfter = k.mode === 'cut' || k.mode === 'errorLine' ? Math.max(1, Math.floor(chunks.length / 2)) : Number.POSITIVE_INFINITY;
    for (const [index, chunk] of chunks.entries()) {
      if (index > 0 && !(await pause(this.chunkMs(chunk), res))) return undefined;
      const line = `${JSON.stringify(part(body.model, chunk, false))}\n`;
      if (chunk.content !== '' && evaluation.firstContentAt === undefined) evaluation.firstContentAt = performance.now();
      if (index + 1 < failAfter) res.write(line);
      else if (k.mode === 'cut') {
        // Cut only once the chunks are on the wire, so the client really gets the first part.
        await new Promise<void>((resolve) => res.write(line, () => resolve(void res.destroy())));
        return undefined;
      } else {
        res.end(`${line}${JSON.stringify({ error: MID_STREAM_ERROR })}\n`);
        return undefined;
      }
    }
    if (aborted) res.end();
    else res.end(`${JSON.stringify({ ...part(body.model, { content: '' }, true), ...stats() })}\n`);
    return contentOf(chunks, 'content');
  }

  private chunkMs(chunk: { thinking?: string; content: string }): number {
    const tokens = fakeTokens((chunk.thinking ?? '') + chunk.content);
    return this.knobs.tokenDelayMs + (tokens / this.knobs.tokensPerSecond) * 1000 * this.knobs.timeScale;
  }

  /** One of `parallelism` slots (OLLAMA_NUM_PARALLEL); a request whose client left while waiting gives its turn away. */
  private slot(res: http.ServerResponse): Promise<() => void> {
    const release = () => {
      this.running--;
      this.queue.shift()?.();
    };
    if (this.running < this.knobs.parallelism) {
      this.running++;
      return Promise.resolve(once(release));
    }
    return new Promise((resolve) => {
      const take = () => {
        this.running++;
        resolve(once(release));
      };
      this.queue.push(take);
      res.on('close', () => {
        const index = this.queue.indexOf(take);
        if (index >= 0) {
          this.queue.splice(index, 1);
          resolve(() => {});
        }
      });
    });
  }
}

function text(value: string | ((req: FakeChatRequest) => string), req: FakeChatRequest): string {
  return typeof value === 'function' ? value(req) : value;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? Math.floor(value) : undefined;
}

/** Splits by code point so a chunk never ends inside an emoji's surrogate pair. */
function splitChunks(value: string, size: number): string[] {
  const chars = Array.from(value);
  const step = Math.max(1, Math.floor(size));
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += step) chunks.push(chars.slice(i, i + step).join(''));
  return chunks;
}

function part(model: string, message: { content: string; thinking?: string }, done: boolean) {
  return { model, created_at: new Date().toISOString(), message: { role: 'assistant', ...message }, done };
}

function doneStats(promptTokens: number, evalCount: number, doneReason: 'stop' | 'length', t: { startedAt: bigint; loadedAt: bigint; evaluatedAt: bigint }) {
  const now = process.hrtime.bigint();
  return {
    done_reason: doneReason,
    total_duration: Number(now - t.startedAt),
    load_duration: Number(t.loadedAt - t.startedAt),
    prompt_eval_count: promptTokens,
    prompt_eval_duration: Number(t.evaluatedAt - t.loadedAt),
    eval_count: evalCount,
    eval_duration: Number(now - t.evaluatedAt),
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
