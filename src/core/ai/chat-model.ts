import type { Ollama } from 'ollama';
import type { Logger } from '../../log.js';
import { AiUnavailableError } from './failures.js';
import type { HostLease, HostPool } from './host-pool.js';
import { keepAliveMs, keepAliveParam } from './keep-alive.js';

/**
 * What the bot knows about OLLAMA_MODEL and whether each host has it loaded:
 * - from /api/show: whether it is a thinking model (capabilities "thinking": the bot sends
 *   `think: false`) and its trained context (`model_info["<arch>.context_length"]`): the window the
 *   prompt is budgeted for is OLLAMA_NUM_CTX or that, whichever is smaller (Ollama caps num_ctx at
 *   the trained context, server/sched.go effectiveContext);
 * - per host, whether the model is loaded. Loading is its own request (a chat with no messages,
 *   server/routes.go ChatHandler answers done_reason "load") with no deadline of the bot's: Ollama
 *   abandons a load whose client disconnects (llm/llama_server.go "aborting load"), so an answer
 *   that gives up waiting leaves the load running and the next message finds the model loaded.
 *   The load sends the same num_ctx as the answers, or Ollama would load the model again for them
 *   (server/sched.go needsReload compares the runner options);
 * - how long an answer may be: OLLAMA_MAX_ANSWER_TOKENS, at most a quarter of the window (see answerRoom).
 */
export interface ChatModelInfo {
  thinks: boolean;
  /**
   * Its reasoning cannot be switched off: gpt-oss, which Ollama runs through the harmony parser (the
   * family "gptoss" or "gpt-oss" with a template holding `<|start|>` and `<|end|>`, server/routes.go
   * shouldUseHarmony). `think: false` is ignored for it (docs/capabilities/thinking.mdx; ollama/ollama#11751)
   * and it reasons at medium; the bot asks for "low", its shortest, so the member waits less and the
   * reasoning leaves the answer most of num_predict.
   */
  reasonsAlways: boolean;
  /**
   * Whether Ollama will chat with it: its capabilities list "completion" (an embedding model's list only
   * "embedding", and Ollama refuses to chat with it, 400 "does not support chat": server/routes.go
   * ChatHandler). True when unknown, or from a server too old to list capabilities.
   */
  chats: boolean;
  /** Its capabilities list "embedding": what a model that cannot chat usually is instead. */
  embeds: boolean;
  /** The context the prompt must fit in (num_ctx as sent, capped by the trained context). */
  contextTokens: number;
  /** The tokens an answer may generate (sent as num_predict); the prompt leaves them free in the window. */
  answerTokens: number;
  /** /api/show answered (false: defaults assumed, asked again later). */
  known: boolean;
}

export interface ChatModelOptions {
  pool: HostPool;
  model: string;
  numCtx: number;
  /** OLLAMA_MAX_ANSWER_TOKENS. */
  maxAnswerTokens: number;
  keepAlive: string;
  logger: Logger;
}

const SHOW_TIMEOUT_MS = 5_000;
const UNKNOWN_RETRY_MS = 30_000;
/** A host is treated as cold this long before keep_alive runs out, so no answer races the unload. */
const KEEP_ALIVE_MARGIN_MS = 30_000;

interface Warmth {
  loadedUntil: number;
  /** The load in flight: resolves with its error, if any (never rejects, so nobody must be waiting). */
  loading?: Promise<unknown>;
}

export class ChatModel {
  private info: ChatModelInfo | undefined;
  private infoAt = 0;
  /** The /api/show request in flight: callers arriving meanwhile share it (and resume in arrival order). */
  private asking: Promise<ChatModelInfo> | undefined;
  private readonly warmth = new Map<string, Warmth>();
  /** Aborts the loads in flight at shutdown (the only thing that does). */
  private readonly shutdown = new AbortController();

  constructor(private readonly options: ChatModelOptions) {}

  get keepAliveMs(): number {
    return keepAliveMs(this.options.keepAlive);
  }

  /** /api/show's answer, asked once (again after a failure); never throws. */
  describe(lease?: HostLease): Promise<ChatModelInfo> {
    if (this.info && (this.info.known || Date.now() - this.infoAt < UNKNOWN_RETRY_MS)) return Promise.resolve(this.info);
    this.asking ??= this.ask(lease).finally(() => (this.asking = undefined));
    return this.asking;
  }

  private async ask(lease: HostLease | undefined): Promise<ChatModelInfo> {
    let own: HostLease | undefined;
    try {
      const signal = AbortSignal.timeout(SHOW_TIMEOUT_MS);
      const ask = (client: Ollama) => client.show({ model: this.options.model });
      const show = lease ? await ask(lease.client(signal)) : await this.options.pool.open(this.options.model, signal, ask).then(({ lease: l, result }) => ((own = l), result));
      const info = show.model_info as unknown as Record<string, unknown> | undefined;
      const arch = info?.['general.architecture'];
      const trained = typeof arch === 'string' ? info?.[`${arch}.context_length`] : undefined;
      const capabilities = (show as { capabilities?: string[] }).capabilities ?? [];
      const family = (show as { details?: { family?: string } }).details?.family ?? (typeof arch === 'string' ? arch : '');
      const template = typeof show.template === 'string' ? show.template : '';
      const contextTokens = typeof trained === 'number' && trained > 0 ? Math.min(trained, this.options.numCtx) : this.options.numCtx;
      this.info = {
        thinks: capabilities.includes('thinking'),
        reasonsAlways: ['gptoss', 'gpt-oss'].includes(family) && template.includes('<|start|>') && template.includes('<|end|>'),
        chats: capabilities.length === 0 || capabilities.includes('completion'),
        embeds: capabilities.includes('embedding'),
        contextTokens,
        answerTokens: answerRoom(contextTokens, this.options.maxAnswerTokens),
        known: true,
      };
    } catch {
      const contextTokens = this.options.numCtx;
      this.info = { thinks: false, reasonsAlways: false, chats: true, embeds: false, contextTokens, answerTokens: answerRoom(contextTokens, this.options.maxAnswerTokens), known: false };
    } finally {
      own?.release();
      this.infoAt = Date.now();
    }
    return this.info;
  }

  /** The options every chat and load request sends, so that Ollama never reloads between them. */
  requestOptions(info: ChatModelInfo): { num_ctx: number } {
    return { num_ctx: info.known ? info.contextTokens : this.options.numCtx };
  }

  /**
   * Resolves once the lease's host has the model loaded. Gives up when `signal` aborts (the answer's
   * deadline), leaving the load running for the next answer.
   */
  async ensureLoaded(lease: HostLease, info: ChatModelInfo, signal?: AbortSignal): Promise<void> {
    const warmth = this.warmthOf(lease.host);
    if (warmth.loadedUntil > Date.now()) return;
    warmth.loading ??= this.load(lease, info).then(
      () => undefined,
      (error: unknown) => error,
    ).finally(() => (warmth.loading = undefined));
    let onAbort: (() => void) | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      onAbort = () => reject(new AiUnavailableError('timeout', 'the model is still loading'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const error = await Promise.race([warmth.loading, gaveUp]);
      if (error) throw error;
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The host answered with this model: it stays loaded for keep_alive from now. */
  noteUsed(host: string): void {
    this.warmthOf(host).loadedUntil = Date.now() + this.keepAliveMs - KEEP_ALIVE_MARGIN_MS;
  }

  /** Something went wrong there: load explicitly before the next answer. */
  noteCold(host: string): void {
    this.warmthOf(host).loadedUntil = 0;
  }

  stop(): void {
    this.shutdown.abort();
  }

  private async load(lease: HostLease, info: ChatModelInfo): Promise<void> {
    const started = Date.now();
    const { model, keepAlive, logger } = this.options;
    const client = lease.client(this.shutdown.signal);
    await client.chat({ model, messages: [], keep_alive: keepAliveParam(keepAlive), options: this.requestOptions(info), stream: false });
    this.noteUsed(lease.host);
    logger.info({ host: lease.host, model, seconds: Math.round((Date.now() - started) / 100) / 10, keepAlive }, 'Ollama model loaded');
  }

  private warmthOf(host: string): Warmth {
    let warmth = this.warmth.get(host);
    if (!warmth) this.warmth.set(host, (warmth = { loadedUntil: 0 }));
    return warmth;
  }
}

/**
 * The tokens one answer may generate: OLLAMA_MAX_ANSWER_TOKENS, but never more than a quarter of the
 * window, so the prompt keeps most of it. Sent as num_predict: without it Ollama lets a model that
 * never writes its stop token (a small model in a loop) go on for 10 × num_ctx tokens
 * (llm/llama_server.go boundedNumPredict), hours on a CPU with the one Ollama slot taken; and the
 * prompt is budgeted to leave exactly this room, because an answer that outgrows the window makes
 * llama-server shift out the middle of the context, the rules and references (--context-shift,
 * llm/llama_server.go appendContextShiftArgs), and the model writes on without them.
 */
export function answerRoom(contextTokens: number, maxAnswerTokens: number): number {
  return Math.max(1, Math.min(maxAnswerTokens, Math.floor(contextTokens / 4)));
}
