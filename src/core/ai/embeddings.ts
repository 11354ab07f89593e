import type { Ollama } from 'ollama';
import type { Logger } from '../../log.js';
import { AiUnavailableError, classifyOllamaError, responseStatus } from './failures.js';
import type { HostPool } from './host-pool.js';
import { keepAliveParam } from './keep-alive.js';
import { capToTokens } from './token-estimate.js';

/** What /api/show says about OLLAMA_EMBED_MODEL, for the start-up log and /status. */
export interface EmbedModelStatus {
  model: string;
  reachable: boolean;
  /** Ollama knows the model (/api/show did not answer 404). */
  pulled: boolean;
  /**
   * /api/show lists the "embedding" capability (Ollama ≥ 0.6.4; server/images.go adds it for a model
   * with a pooling type). undefined when Ollama does not say (older versions).
   */
  embedding: boolean | undefined;
  /** Tokens each text is cut to: the model's context, or a safe default while it is unknown. */
  contextTokens: number;
  contextKnown: boolean;
  /** Why embeddings cannot work; absent when all is well. */
  error?: string;
  checkedAt: number;
}

export interface OllamaEmbeddingsOptions {
  /** The Ollama hosts; each request borrows the least busy one that has the model. */
  pool: HostPool;
  model: string;
  /** Deadline of one /api/embed or /api/show request. */
  timeoutMs: number;
  /**
   * Sent as keep_alive with every /api/embed (OLLAMA_KEEP_ALIVE, as for the chat model). Without it
   * Ollama unloads the embedding model 5 minutes after its last use (its own OLLAMA_KEEP_ALIVE;
   * server/routes.go EmbedHandler schedules it like any model), and on a quiet server every question
   * then waits for a load longer than a question waits for its vector: it is matched by words alone.
   */
  keepAlive?: string;
  logger: Logger;
}

/** Texts per /api/embed request: big imports become several small requests, each within the deadline. */
export const EMBED_BATCH_SIZE = 32;
/**
 * The context assumed while /api/show has not said: all-minilm's 512 tokens, the smallest of the
 * common embedding models (nomic-embed-text and mxbai-embed-large have 2048 and 512).
 */
export const DEFAULT_EMBED_CONTEXT_TOKENS = 512;
/**
 * When /api/show gives no num_ctx, the server default caps the model's context (routes.go EmbedHandler:
 * `min(opts.NumCtx, kvData.ContextLength())`); 2048 is the smallest default Ollama has shipped.
 */
const SERVER_DEFAULT_NUM_CTX = 2048;
/** BOS and EOS count against the context (routes.go adjustTokenLimit). */
const SPECIAL_TOKENS = 2;
/** A context learnt from /api/show is asked again after this long (the model may be re-pulled). */
const CHECK_TTL_MS = 10 * 60_000;
/** A failed check is not repeated for every batch. */
const FAILED_CHECK_TTL_MS = 30_000;
const CHECK_TIMEOUT_MS = 3_000;
/** Embedded to tell a text Ollama cannot embed from an Ollama that cannot embed at all. */
const PROBE_TEXT = 'ok';

/**
 * Embeddings through Ollama's /api/embed with OLLAMA_EMBED_MODEL, made safe for real texts:
 * - every text is cut to the model's context (from /api/show; an estimate in tokens that errs high),
 *   so an over-long text is embedded by its beginning instead of failing (long knowledge entries are
 *   not: the semantic index cuts them into chunks of at most `textTokens()` first, knowledge/chunks.ts);
 * - when Ollama still fails a batch for its content (400: one input is too long for it, whatever the
 *   reason; or a model-runner error), the batch is split in halves until the failing text is alone;
 *   that text gets no vector (logged), the others get theirs;
 * - any other failure (down, busy, timeout, model missing) throws an AiUnavailableError for the whole call.
 */
export class OllamaEmbeddings {
  readonly model: string;
  private latest: EmbedModelStatus | undefined;
  private skippedTotal = 0;

  constructor(private readonly options: OllamaEmbeddingsOptions) {
    this.model = options.model;
  }

  /** The last check (or undefined before the first), for /status without waiting. */
  lastCheck(): EmbedModelStatus | undefined {
    return this.latest;
  }

  /** Texts Ollama refused since start (each logged when it happened). */
  skipped(): number {
    return this.skippedTotal;
  }

  /** Asks /api/show whether the model is pulled, is an embedding model, and its context. Never throws. */
  async check(): Promise<EmbedModelStatus> {
    const { model } = this.options;
    const base = { model, checkedAt: Date.now(), contextTokens: DEFAULT_EMBED_CONTEXT_TOKENS, contextKnown: false };
    let status: EmbedModelStatus;
    try {
      const show = await this.request(CHECK_TIMEOUT_MS, (client) => client.show({ model }));
      const embedding = Array.isArray(show.capabilities) ? show.capabilities.includes('embedding') : undefined;
      const context = contextOf(show.model_info, show.parameters);
      status = { ...base, reachable: true, pulled: true, embedding, ...(context ? { contextTokens: context, contextKnown: true } : {}) };
      if (embedding === false) status.error = `"${model}" is not an embedding model (it cannot embed); set OLLAMA_EMBED_MODEL to one, e.g. nomic-embed-text`;
    } catch (error) {
      const failure = error as AiUnavailableError;
      const missing = failure.kind === 'model_missing';
      status = { ...base, reachable: missing, pulled: false, embedding: undefined, error: missing ? `model "${model}" is not pulled; run: ollama pull ${model}` : failure.message };
    }
    this.latest = status;
    return status;
  }

  /**
   * One vector per text, in order; undefined for a text Ollama refused (logged). Throws an
   * AiUnavailableError when Ollama is unavailable, so the caller can retry later.
   */
  async embed(texts: readonly string[]): Promise<(number[] | undefined)[]> {
    if (texts.length === 0) return [];
    const room = (await this.contextTokens()) - SPECIAL_TOKENS;
    // Recent Ollama embeds with a chat model too, but its vectors are poor for search; older runners answer 501.
    if (this.latest?.embedding === false) throw new AiUnavailableError('model_missing', this.latest.error ?? `"${this.model}" is not an embedding model`);
    const fitted = texts.map((text) => capToTokens(text, room));
    const capped = fitted.filter((f) => f.capped).length;
    if (capped > 0) this.options.logger.debug({ model: this.model, capped, contextTokens: room + SPECIAL_TOKENS }, 'texts cut to the embedding model context');
    const vectors: (number[] | undefined)[] = [];
    for (let start = 0; start < fitted.length; start += EMBED_BATCH_SIZE) {
      vectors.push(...(await this.embedSplitting(fitted.slice(start, start + EMBED_BATCH_SIZE).map((f) => f.text))));
    }
    return vectors;
  }

  /**
   * Estimated tokens (token-estimate.ts) one text may have and be embedded whole, not cut: the
   * model's context less its special tokens. Long knowledge entries are chunked to fit it. Never throws.
   */
  async textTokens(): Promise<number> {
    return (await this.contextTokens()) - SPECIAL_TOKENS;
  }

  /** The context to cut texts to: known from a recent check, else checked now (a safe default if that fails). */
  private async contextTokens(): Promise<number> {
    const latest = this.latest;
    const age = latest ? Date.now() - latest.checkedAt : Number.POSITIVE_INFINITY;
    if (latest && age < (latest.contextKnown ? CHECK_TTL_MS : FAILED_CHECK_TTL_MS)) return latest.contextTokens;
    return (await this.check()).contextTokens;
  }

  /**
   * Embeds one batch; when Ollama fails it for its content (400, or an error of the model runner,
   * not an outage) splits it in halves, down to the one text it fails on.
   */
  private async embedSplitting(batch: readonly string[]): Promise<(number[] | undefined)[]> {
    try {
      return await this.embedBatch(batch);
    } catch (error) {
      if (!(error instanceof AiUnavailableError) || error.kind !== 'error') throw error;
      if (batch.length === 1) return [await this.skipIfOnlyThisText(batch[0]!, error)];
      const half = Math.ceil(batch.length / 2);
      return [...(await this.embedSplitting(batch.slice(0, half))), ...(await this.embedSplitting(batch.slice(half)))];
    }
  }

  /**
   * A text Ollama failed alone is skipped when the failure is about it: a 400 always is (Ollama
   * refuses the input); any other error only if a short text still embeds, else Ollama itself is
   * failing and the error is thrown, so nothing is skipped during an outage.
   */
  private async skipIfOnlyThisText(text: string, failure: AiUnavailableError): Promise<undefined> {
    if (responseStatus(failure.cause) !== 400) await this.embedBatch([PROBE_TEXT]).catch(() => Promise.reject(failure));
    this.skippedTotal++;
    this.options.logger.warn({ model: this.model, chars: text.length, reason: failure.message }, 'Ollama refused to embed a text; it is skipped');
    return undefined;
  }

  private async embedBatch(batch: readonly string[]): Promise<number[][]> {
    const { embeddings } = await this.request(this.options.timeoutMs, (client) => client.embed({ model: this.model, input: [...batch], ...(this.options.keepAlive ? { keep_alive: keepAliveParam(this.options.keepAlive) } : {}) }));
    if (!Array.isArray(embeddings) || embeddings.length !== batch.length) {
      throw new AiUnavailableError('error', `Ollama returned ${embeddings?.length ?? 'no'} embeddings for ${batch.length} texts`);
    }
    return embeddings;
  }

  /**
   * One request on a host of the pool, with its own deadline; every failure becomes an
   * AiUnavailableError (the HTTP error as its cause), and the pool learns how it went.
   */
  private async request<T>(timeoutMs: number, call: (client: Ollama) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timeout = () => new AiUnavailableError('timeout', `Ollama did not embed within ${timeoutMs} ms`);
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const { lease, result } = await this.options.pool.open(this.model, controller.signal, call, timeout);
      lease.release();
      return result;
    } catch (error) {
      throw controller.signal.aborted ? timeout() : classifyOllamaError(error, 'request', '(Ollama)');
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }


}

/**
 * The context the embed handler applies: the model's trained `<architecture>.context_length` from
 * /api/show model_info, capped by the model's `num_ctx` parameter, or by the server default when it
 * sets none. undefined when /api/show does not say.
 */
function contextOf(modelInfo: unknown, parameters: unknown): number | undefined {
  const info = modelInfo instanceof Map ? Object.fromEntries(modelInfo) : (modelInfo as Record<string, unknown> | undefined);
  const trained = Object.entries(info ?? {}).find(([key, value]) => key.endsWith('.context_length') && typeof value === 'number' && value > 0)?.[1] as
    | number
    | undefined;
  if (trained === undefined) return undefined;
  const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(typeof parameters === 'string' ? parameters : '')?.[1];
  return Math.min(trained, numCtx ? Number(numCtx) : SERVER_DEFAULT_NUM_CTX);
}
