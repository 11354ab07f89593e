import type { ChatResponse } from 'ollama';
import type { Logger } from '../../log.js';
import { OllamaEmbeddings } from './embeddings.js';
import { AnswerWatch } from './answer-watch.js';
import { ChatModel, type ChatModelInfo } from './chat-model.js';
import { keepAliveParam } from './keep-alive.js';
import { AiUnavailableError, classifyOllamaError, type AiFailureKind, type RequestPhase } from './failures.js';
import { FifoSemaphore, type Release } from './fifo-semaphore.js';
import { canonicalModelName, HostPool, type HostLease, type HostStatus } from './host-pool.js';
import { OLLAMA_TOKEN_REPEAT_LIMIT, TokenRepeatWatch } from './token-repeat.js';

export { AiUnavailableError, type AiFailureKind };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface AiHealth {
  reachable: boolean;
  version?: string;
  model: string;
  modelPulled: boolean;
  /** Why Ollama will not chat with the pulled model ("it is an embedding model"); absent when it can, or it is not known. */
  modelCannotChat?: string;
  /** Why it is not usable (unreachable, model not pulled, cannot chat); absent when all is well. */
  error?: string;
  checkedAt: number;
  /** Every host of OLLAMA_URL as last seen (filled by health(); absent in the health an answer updates). */
  hosts?: HostStatus[];
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** The 1-based place in line, reported once when every slot was taken. */
  onQueued?: (position: number) => void;
  /** The final line's counts: prompt_eval_count is the prompt Ollama read, after any cut of its own. */
  onDone?: (stats: AnswerStats) => void;
}

export interface AnswerStats {
  /** "stop": the model finished; "length": it was stopped at num_predict (the answer is cut). */
  doneReason: string;
  promptEvalCount: number;
  evalCount: number;
  /** The context window the request asked for. */
  contextTokens: number;
}

export interface OllamaServiceOptions {
  /** OLLAMA_URL: one host, or several (each request goes to the least busy healthy one that has the model). */
  host: string | readonly string[];
  model: string;
  /** From sending an answer's request (its slot acquired) to its first token: Ollama's queue, the load, prompt evaluation. */
  firstTokenTimeoutMs: number;
  /** Silence between two tokens of a streaming answer; default 60 s. */
  stallTimeoutMs?: number;
  /** A whole answer; 0 or absent: no limit while it streams. */
  answerTimeoutMs?: number;
  /** Sent as keep_alive with every request ("30m"); default "30m". */
  keepAlive?: string;
  /** Sent as options.num_ctx; default 8192. */
  numCtx?: number;
  /** The most tokens one answer may generate (sent as options.num_predict, see answerRoom); default 1024. */
  maxAnswerTokens?: number;
  /** Sent as options.temperature; absent: the model's own. */
  temperature?: number;
  /** Answers at once per host. */
  maxConcurrent: number;
  logger: Logger;
  embedModel?: string;
  /** Deadline of one embedding request; default firstTokenTimeoutMs. */
  embedTimeoutMs?: number;
  /** How long a failed host is skipped before its next health check (HostPool's default: 10 s). */
  hostRecheckMs?: number;
}

/** A 503 (Ollama's queue is full) is tried again after about this long, doubling, while the first-token deadline allows. */
const BUSY_RETRY_BASE_MS = 500;
const BUSY_RETRY_MAX_MS = 8_000;

/**
 * The bot's one door to Ollama: answers stream through at most `maxConcurrent` at a time per host
 * (first come, first served), each with a first-token and a stall deadline (see AnswerWatch), the
 * model loaded ahead of them (see ChatModel), a 503 retried with jittered back-off, and every failure
 * an AiUnavailableError.
 */
export class OllamaService {
  readonly model: string;
  readonly embedModel: string | undefined;
  /** Embeddings with OLLAMA_EMBED_MODEL; undefined without one. */
  readonly embeddings: OllamaEmbeddings | undefined;
  /** The hosts of OLLAMA_URL; every request borrows one. */
  readonly pool: HostPool;
  /** OLLAMA_MODEL: its /api/show facts and where it is loaded. */
  readonly chatModel: ChatModel;
  private readonly slots: FifoSemaphore;
  private readonly logger: Logger;
  private readonly options: OllamaServiceOptions;
  private latestHealth: AiHealth | undefined;

  constructor(options: OllamaServiceOptions) {
    if (!(options.firstTokenTimeoutMs > 0)) throw new RangeError(`firstTokenTimeoutMs must be positive, got ${options.firstTokenTimeoutMs}`);
    this.options = options;
    this.model = options.model;
    this.embedModel = options.embedModel;
    const urls = typeof options.host === 'string' ? [options.host] : options.host;
    this.pool = new HostPool({ urls, logger: options.logger, ...(options.hostRecheckMs ? { recheckMs: options.hostRecheckMs } : {}) });
    const embedTimeoutMs = options.embedTimeoutMs ?? options.firstTokenTimeoutMs;
    this.embeddings = options.embedModel
      ? new OllamaEmbeddings({ pool: this.pool, model: options.embedModel, timeoutMs: embedTimeoutMs, keepAlive: options.keepAlive ?? '30m', logger: options.logger })
      : undefined;
    this.chatModel = new ChatModel({ pool: this.pool, model: options.model, numCtx: options.numCtx ?? 8192, maxAnswerTokens: options.maxAnswerTokens ?? 1024, keepAlive: options.keepAlive ?? '30m', logger: options.logger });
    this.logger = options.logger;
    this.slots = new FifoSemaphore(options.maxConcurrent * this.pool.size);
  }

  /** The tokens a prompt may take: the context window (OLLAMA_NUM_CTX, capped by the model's own) less the answer's room. */
  async promptTokens(): Promise<number> {
    const info = await this.chatModel.describe();
    return info.contextTokens - info.answerTokens;
  }

  /**
   * Loads OLLAMA_MODEL now (at start-up), so that the first member does not wait for it; waits for
   * no deadline. Never throws: a failure is logged, and the first answer loads the model instead.
   */
  async warmUp(): Promise<boolean> {
    const leases = await this.pool.acquireEach(this.model);
    // Every host that has the model loads it, so no host's first member waits for a load.
    const loaded = await Promise.all(leases.map((lease) => this.warmUpOn(lease)));
    return loaded.length > 0 && loaded.every(Boolean);
  }

  private async warmUpOn(lease: HostLease): Promise<boolean> {
    try {
      await this.chatModel.ensureLoaded(lease, await this.chatModel.describe(lease));
      return true;
    } catch (error) {
      this.logger.warn({ err: error, model: this.model, host: lease.host }, 'could not load the model at start; the first answer will load it');
      return false;
    } finally {
      lease.release();
    }
  }

  /** Stops loads in flight (shutdown). */
  stop(): void {
    this.chatModel.stop();
  }

  queueLength(): number {
    return this.slots.queueLength();
  }

  activeCount(): number {
    return this.slots.activeCount();
  }

  /** The last known health (from health() or the last answer), for /status without waiting. */
  lastHealth(): AiHealth | undefined {
    return this.latestHealth;
  }

  /** Asks Ollama for its version and pulled models. Never throws. */
  async health(): Promise<AiHealth> {
    const hosts = await this.pool.checkAll();
    const wanted = canonicalModelName(this.model);
    const reachable = hosts.filter((h) => h.reachable);
    const withModel = reachable.filter((h) => h.models?.includes(wanted));
    const version = (withModel[0] ?? reachable[0])?.version;
    const health: AiHealth = {
      reachable: reachable.length > 0,
      ...(version ? { version } : {}),
      model: this.model,
      modelPulled: withModel.length > 0,
      checkedAt: Date.now(),
      hosts,
    };
    if (reachable.length === 0) health.error = hosts.length === 1 ? hosts[0]!.error : `no Ollama host is reachable (${hosts.map((h) => h.error).join('; ')})`;
    else if (withModel.length === 0) health.error = `model "${this.model}" is not pulled; run: ollama pull ${this.model}`;
    else {
      const info = await this.chatModel.describe();
      if (info.known && !info.chats) {
        health.modelCannotChat = info.embeds ? 'it is an embedding model' : 'Ollama lists no chat capability for it';
        health.error = `model "${this.model}" cannot chat (${health.modelCannotChat}): set OLLAMA_MODEL to a chat model, e.g. llama3`;
      }
    }
    this.latestHealth = health;
    return health;
  }

  /**
   * Streams the answer text chunk by chunk. Waits for a free slot first (as long as it takes: the
   * member sees their place in line); the deadlines count from then. Throws AiUnavailableError for
   * every failure and always gives its slot back, also when the caller stops iterating early.
   */
  async *chat(messages: ChatMessage[], opts: ChatOptions = {}): AsyncGenerator<string, void, undefined> {
    const release = await this.acquireSlot(opts);
    const watch = new AnswerWatch(
      { firstTokenMs: this.options.firstTokenTimeoutMs, stallMs: this.options.stallTimeoutMs ?? 60_000, answerMs: this.options.answerTimeoutMs ?? 0 },
      opts.signal,
    );
    let phase: RequestPhase = 'request';
    let lease: HostLease | undefined;
    let tried: HostLease | undefined;
    const repeats = new TokenRepeatWatch();
    try {
      let opened: { info: ChatModelInfo; stream: AsyncIterable<ChatResponse> } | undefined;
      for (let attempt = 0; !opened; attempt++) {
        try {
          // On the best host; one that cannot be reached or lacks the model passes the request on (HostPool.open).
          const started = await this.pool.open(
            this.model,
            watch.signal,
            async (client, candidate) => {
              tried = candidate;
              const info = await this.chatModel.describe(candidate);
              await this.chatModel.ensureLoaded(candidate, info, watch.signal);
              return { info, stream: await client.chat(this.chatRequest(messages, info)) };
            },
            () => this.failureOf(undefined, phase, watch),
          );
          lease = started.lease;
          opened = started.result;
        } catch (error) {
          const failure = this.failureOf(error, phase, watch);
          const pause = failure.kind === 'busy' ? busyRetryMs(attempt) : undefined;
          if (pause === undefined || pause >= watch.firstTokenMsLeft()) throw failure;
          this.logger.debug({ attempt, pauseMs: pause }, 'Ollama is busy (503); trying again');
          await sleep(pause);
        }
      }
      phase = 'stream';
      for await (const part of opened.stream) {
        watch.tokenArrived();
        repeats.see(`${part.message?.thinking ?? ''}${part.message?.content ?? ''}`, part.message?.content ?? '');
        if (part.message?.content) yield part.message.content;
        if (part.done) this.noteDone(part, opened.info, opts);
      }
      this.chatModel.noteUsed(lease!.host);
      lease!.release();
      this.noteAnswered();
    } catch (error) {
      const failure = this.failureOf(error, phase, watch, lease?.host);
      if (failure.kind === 'ended_early' && lease) throw this.endedByOllama(failure, repeats, lease);
      // The model may not be loaded there any more (a restarted Ollama): load it explicitly next time.
      if (tried && failure.kind !== 'aborted' && failure.kind !== 'busy') this.chatModel.noteCold(tried.host);
      lease?.release(failure);
      this.noteFailure(failure);
      throw failure;
    } finally {
      // Also reached when the consumer breaks out early: close the HTTP request, free the host and the slot.
      watch.dispose();
      lease?.release();
      release();
    }
  }

  /**
   * Ollama ended the answer itself (a complete HTTP body without the done line): the host answered
   * and the model stays loaded, so this is no outage; the error says whether its token-repeat limit
   * ended it, and which repeated text to leave out.
   */
  private endedByOllama(failure: AiUnavailableError, repeats: TokenRepeatWatch, lease: HostLease): AiUnavailableError {
    this.chatModel.noteUsed(lease.host);
    lease.release();
    this.noteAnswered();
    const repeatedText = repeats.endedAtLimit();
    if (repeatedText === undefined) return failure;
    const message = `Ollama stopped the answer: the model repeated one token more than ${OLLAMA_TOKEN_REPEAT_LIMIT} times in a row`;
    this.logger.debug({ host: lease.host }, message);
    return new AiUnavailableError('ended_early', message, { cause: failure, repeatedText });
  }

  private chatRequest(messages: ChatMessage[], info: ChatModelInfo) {
    const temperature = this.options.temperature;
    return {
      model: this.model,
      messages,
      stream: true as const,
      keep_alive: keepAliveParam(this.options.keepAlive ?? '30m'),
      options: { ...this.chatModel.requestOptions(info), num_predict: info.answerTokens, ...(temperature !== undefined ? { temperature } : {}) },
      // A thinking model would spend the member's wait on reasoning they never see (routes.go ChatHandler defaults think to true);
      // one that cannot stop reasoning (gpt-oss) is asked for its shortest.
      ...(info.thinks ? { think: info.reasonsAlways ? ('low' as const) : false } : {}),
    };
  }

  private noteDone(part: { done_reason?: string; eval_count?: number; prompt_eval_count?: number; total_duration?: number }, info: ChatModelInfo, opts: ChatOptions): void {
    const stats = { doneReason: part.done_reason ?? 'stop', promptEvalCount: part.prompt_eval_count ?? 0, evalCount: part.eval_count ?? 0, contextTokens: info.contextTokens };
    this.logger.debug({ ...stats, totalMs: Math.round((part.total_duration ?? 0) / 1e6) }, 'answer complete');
    opts.onDone?.(stats);
  }

  /**
   * Embeds texts with OLLAMA_EMBED_MODEL (see OllamaEmbeddings): one vector per text, in order,
   * undefined for a text Ollama refused.
   */
  async embed(texts: string[]): Promise<(number[] | undefined)[]> {
    if (!this.embeddings) throw new AiUnavailableError('model_missing', 'no embedding model configured (OLLAMA_EMBED_MODEL)');
    return this.embeddings.embed(texts);
  }

  /** Estimated tokens one text may have and still be embedded whole (see OllamaEmbeddings.textTokens). */
  async embedTextTokens(): Promise<number> {
    if (!this.embeddings) throw new AiUnavailableError('model_missing', 'no embedding model configured (OLLAMA_EMBED_MODEL)');
    return this.embeddings.textTokens();
  }

  private async acquireSlot(opts: ChatOptions): Promise<Release> {
    const onQueued = opts.onQueued;
    try {
      return await this.slots.acquire({
        signal: opts.signal,
        onQueued: onQueued
          ? (position) => {
              // A failing progress note must not cost the member their place in line.
              try {
                onQueued(position);
              } catch (error) {
                this.logger.warn({ err: error }, 'onQueued callback failed');
              }
            }
          : undefined,
      });
    } catch (error) {
      throw new AiUnavailableError('aborted', 'the request was cancelled while waiting for a free slot', { cause: error });
    }
  }

  private failureOf(error: unknown, phase: RequestPhase, watch: AnswerWatch, host = '(no host)'): AiUnavailableError {
    if (watch.firedBecause === 'aborted') return new AiUnavailableError('aborted', 'the request was cancelled');
    if (watch.firedBecause) return new AiUnavailableError('timeout', watch.describe());
    return classifyOllamaError(error, phase, host);
  }

  /** An answer is the best health check there is: keep /status in step without asking Ollama again. */
  private noteAnswered(): void {
    this.latestHealth = withVersion({ reachable: true, model: this.model, modelPulled: true, checkedAt: Date.now() }, this.latestHealth);
  }

  private noteFailure(failure: AiUnavailableError): void {
    this.logger.debug({ kind: failure.kind, reason: failure.message }, 'answer failed');
    if (failure.kind === 'down') {
      this.latestHealth = { reachable: false, model: this.model, modelPulled: false, error: failure.message, checkedAt: Date.now() };
    } else if (failure.kind === 'model_missing') {
      const health = { reachable: true, model: this.model, modelPulled: false, error: failure.message, checkedAt: Date.now() };
      this.latestHealth = withVersion(health, this.latestHealth);
    }
  }
}

function busyRetryMs(attempt: number): number {
  const base = Math.min(BUSY_RETRY_MAX_MS, BUSY_RETRY_BASE_MS * 2 ** attempt);
  return Math.round(base * (0.5 + Math.random() / 2)); // jitter: a burst of 503s does not come back all at once
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withVersion(health: AiHealth, previous: AiHealth | undefined): AiHealth {
  return previous?.version ? { ...health, version: previous.version } : health;
}
