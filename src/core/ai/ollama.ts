import type { Ollama } from 'ollama';
import type { Logger } from '../../log.js';
import { OllamaEmbeddings } from './embeddings.js';
import { AiUnavailableError, classifyOllamaError, type AiFailureKind, type RequestPhase } from './failures.js';
import { FifoSemaphore, type Release } from './fifo-semaphore.js';
import { canonicalModelName, HostPool, type HostLease, type HostStatus } from './host-pool.js';

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
  /** Why it is not usable (unreachable, model not pulled); absent when all is well. */
  error?: string;
  checkedAt: number;
  /** Every host of OLLAMA_URL as last seen (filled by health(); absent in the health an answer updates). */
  hosts?: HostStatus[];
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** The 1-based place in line, reported once when every slot was taken. */
  onQueued?: (position: number) => void;
}

export interface OllamaServiceOptions {
  /** OLLAMA_URL: one host, or several (each request goes to the least busy healthy one that has the model). */
  host: string | readonly string[];
  model: string;
  /** Budget for a whole answer, counted from the moment its slot is acquired. */
  timeoutMs: number;
  /** Answers at once per host. */
  maxConcurrent: number;
  logger: Logger;
  embedModel?: string;
  /** How long a failed host is skipped before its next health check (HostPool's default: 10 s). */
  hostRecheckMs?: number;
}

/**
 * The bot's one door to Ollama: answers stream through at most `maxConcurrent` at a time (first come,
 * first served), every request has a deadline, and every failure becomes an AiUnavailableError.
 */
export class OllamaService {
  readonly model: string;
  readonly embedModel: string | undefined;
  /** Embeddings with OLLAMA_EMBED_MODEL; undefined without one. */
  readonly embeddings: OllamaEmbeddings | undefined;
  /** The hosts of OLLAMA_URL; every request borrows one. */
  readonly pool: HostPool;
  private readonly slots: FifoSemaphore;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private latestHealth: AiHealth | undefined;

  constructor(options: OllamaServiceOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${options.timeoutMs}`);
    this.model = options.model;
    this.embedModel = options.embedModel;
    const urls = typeof options.host === 'string' ? [options.host] : options.host;
    this.pool = new HostPool({ urls, logger: options.logger, ...(options.hostRecheckMs ? { recheckMs: options.hostRecheckMs } : {}) });
    this.embeddings = options.embedModel
      ? new OllamaEmbeddings({ pool: this.pool, model: options.embedModel, timeoutMs: options.timeoutMs, logger: options.logger })
      : undefined;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs;
    this.slots = new FifoSemaphore(options.maxConcurrent * this.pool.size);
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
    this.latestHealth = health;
    return health;
  }

  /**
   * Streams the answer text chunk by chunk. Waits for a free slot first; the timeout counts from then.
   * Throws AiUnavailableError for every failure and always gives its slot back, also when the caller
   * stops iterating early.
   */
  async *chat(messages: ChatMessage[], opts: ChatOptions = {}): AsyncGenerator<string, void, undefined> {
    const release = await this.acquireSlot(opts);
    const deadline = new RequestDeadline(this.timeoutMs, opts.signal);
    let phase: RequestPhase = 'request';
    let lease: HostLease | undefined;
    try {
      const start = (client: Ollama) => client.chat({ model: this.model, messages, stream: true });
      const opened = await this.pool.open(this.model, deadline.signal, start, () => this.failureOf(undefined, phase, deadline));
      lease = opened.lease;
      const stream = opened.result;
      phase = 'stream';
      for await (const part of stream) {
        if (part.message?.content) yield part.message.content;
        if (part.done) {
          this.logger.debug({ doneReason: part.done_reason, evalCount: part.eval_count, totalMs: Math.round(part.total_duration / 1e6) }, 'answer complete');
        }
      }
      lease.release();
      this.noteAnswered();
    } catch (error) {
      const failure = this.failureOf(error, phase, deadline, lease?.host);
      lease?.release(failure);
      this.noteFailure(failure);
      throw failure;
    } finally {
      // Also reached when the consumer breaks out early: close the HTTP request, free the host and the slot.
      deadline.dispose();
      lease?.release();
      release();
    }
  }

  /**
   * Embeds texts with OLLAMA_EMBED_MODEL (see OllamaEmbeddings): one vector per text, in order,
   * undefined for a text Ollama refused.
   */
  async embed(texts: string[]): Promise<(number[] | undefined)[]> {
    if (!this.embeddings) throw new AiUnavailableError('model_missing', 'no embedding model configured (OLLAMA_EMBED_MODEL)');
    return this.embeddings.embed(texts);
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

  private failureOf(error: unknown, phase: RequestPhase, deadline: RequestDeadline, host = '(no host)'): AiUnavailableError {
    if (deadline.firedBecause === 'timeout') return new AiUnavailableError('timeout', `Ollama did not finish within ${deadline.timeoutMs} ms`);
    if (deadline.firedBecause === 'aborted') return new AiUnavailableError('aborted', 'the request was cancelled');
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

/**
 * One request's abort switch: trips at the deadline or when the caller's signal aborts, and
 * remembers which, because the error the HTTP stack throws does not say.
 */
class RequestDeadline {
  readonly signal: AbortSignal;
  firedBecause: 'timeout' | 'aborted' | undefined;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort = () => this.fire('aborted');

  constructor(
    readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.fire('timeout'), timeoutMs);
    if (callerSignal?.aborted) this.fire('aborted');
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Stops the clock and aborts the HTTP request if it is still open (a no-op once it completed). */
  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.controller.abort();
  }

  private fire(reason: 'timeout' | 'aborted'): void {
    if (this.firedBecause || this.signal.aborted) return;
    this.firedBecause = reason;
    this.controller.abort();
  }
}

function withVersion(health: AiHealth, previous: AiHealth | undefined): AiHealth {
  return previous?.version ? { ...health, version: previous.version } : health;
}
