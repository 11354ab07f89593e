import { Ollama } from 'ollama';
import type { Logger } from '../../log.js';
import { AiUnavailableError, classifyOllamaError, displayHost } from './failures.js';

/** One Ollama host as the pool last saw it, for /status and the start-up log. */
export interface HostStatus {
  /** The URL without any user:password part. */
  host: string;
  reachable: boolean;
  version?: string;
  /** Pulled models (canonical names, "llama3:latest"); undefined before the first successful check. */
  models?: string[];
  /** Requests (answers and embeddings) in flight on it now. */
  active: number;
  /** Why it is skipped; absent while it is healthy. */
  error?: string;
  checkedAt: number;
}

/** A host lent for one request: its client, and how the request went (release it exactly once). */
export interface HostLease {
  readonly host: string;
  /** A client whose requests end when `signal` aborts (one per request: see OllamaService). */
  client(signal: AbortSignal): Ollama;
  /** No outcome: it answered. An AiUnavailableError: what went wrong, so the pool can route around it. */
  release(failure?: AiUnavailableError): void;
}

export interface HostPoolOptions {
  /** OLLAMA_URL: one or more hosts. */
  urls: readonly string[];
  logger: Logger;
  /** A check (version and model list) never waits longer. */
  checkTimeoutMs?: number;
  /** A host that failed is checked again after this long, in the background. */
  recheckMs?: number;
}

const DEFAULT_CHECK_TIMEOUT_MS = 3_000;
const DEFAULT_RECHECK_MS = 10_000;
/** A host that answered 503 (its queue is full) is passed over for this long while another can take the request. */
const BUSY_PENALTY_MS = 2_000;

interface Host {
  url: string;
  display: string;
  healthy: boolean;
  /** Never checked nor used yet: worth a try. */
  unknown: boolean;
  version?: string;
  models?: Set<string>;
  active: number;
  lastUsed: number;
  busyUntil: number;
  error?: string;
  checkedAt: number;
  recheckAt: number;
  checking?: Promise<void>;
}

/**
 * The Ollama hosts of OLLAMA_URL. Each request goes to the least busy healthy host that has the model
 * (fewest requests in flight, then the one unused longest). A host that cannot be reached, drops a
 * stream or fails its health check is skipped until a health check (`/api/version` and `/api/tags`, in the background every
 * `recheckMs`) passes again; a host that says it lacks the model is skipped for that model until a
 * check lists it. When no host qualifies, the pool checks the skipped ones at once before giving up,
 * so a single host that is back is used by the very next request.
 */
export class HostPool {
  private readonly hosts: Host[];
  private readonly checkTimeoutMs: number;
  private readonly recheckMs: number;

  constructor(private readonly options: HostPoolOptions) {
    if (options.urls.length === 0) throw new RangeError('at least one Ollama host is needed');
    this.checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    this.recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
    this.hosts = options.urls.map((url) => ({
      url,
      display: displayHost(url),
      healthy: true,
      unknown: true,
      active: 0,
      lastUsed: 0,
      busyUntil: 0,
      checkedAt: 0,
      recheckAt: 0,
    }));
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Every host as last seen, in OLLAMA_URL order. */
  statuses(): HostStatus[] {
    return this.hosts.map((h) => ({
      host: h.display,
      reachable: h.healthy && !h.unknown,
      ...(h.version ? { version: h.version } : {}),
      ...(h.models ? { models: [...h.models] } : {}),
      active: h.active,
      ...(h.error ? { error: h.error } : {}),
      checkedAt: h.checkedAt,
    }));
  }

  /** Checks every host now (in parallel); never throws. */
  async checkAll(): Promise<HostStatus[]> {
    await Promise.all(this.hosts.map((h) => this.check(h)));
    return this.statuses();
  }

  /**
   * Lends the best host for `model` for a request the caller runs itself (releasing the lease with
   * how it went). Throws AiUnavailableError: `down` when no host can be reached, `model_missing`
   * when the reachable ones all lack the model.
   */
  async acquire(model: string): Promise<HostLease> {
    return this.choose(model, new Set());
  }

  /** Lends every healthy host that has `model` (to load it everywhere at start); [] when none has it. */
  async acquireEach(model: string): Promise<HostLease[]> {
    const unchecked = this.hosts.filter((h) => h.unknown);
    if (unchecked.length > 0) await Promise.all(unchecked.map((h) => this.check(h)));
    return this.hosts.filter((h) => h.healthy && hasModel(h, model)).map((h) => this.lend(h, model));
  }

  /**
   * Starts a request (`start`: up to its first response) on the best host for `model`; when that
   * host cannot be reached or lacks the model, on the next best, so a host that just went down costs
   * no answer. With no host left: `down` when none can be reached, `model_missing` when the reachable
   * ones lack the model. Other failures are thrown as AiUnavailableErrors (the lease released with
   * them); a success returns the lease to release when the request is over. When `signal` aborts, `abortFailure` says why (a
   * timeout counts against the host; a cancel does not) and the error is thrown as it came.
   */
  async open<T>(
    model: string,
    signal: AbortSignal,
    start: (client: Ollama, lease: HostLease) => Promise<T>,
    abortFailure: () => AiUnavailableError | undefined = () => undefined,
  ): Promise<{ lease: HostLease; result: T }> {
    const tried = new Set<Host>();
    for (;;) {
      const lease = await this.choose(model, tried);
      try {
        return { lease, result: await start(lease.client(signal), lease) };
      } catch (error) {
        if (signal.aborted) {
          lease.release(abortFailure());
          throw error;
        }
        const failure = classifyOllamaError(error, 'request', lease.host);
        lease.release(failure);
        // Not reachable, or without the model: nothing was asked of it yet, so another host can take it.
        if (failure.kind !== 'down' && failure.kind !== 'model_missing') throw failure;
        if (!this.hosts.some((h) => !tried.has(h) && h.healthy && hasModel(h, model))) throw tried.size > 1 ? this.noHostFor(model) : failure;
      }
    }
  }

  /**
   * Lends the host to use, leaving out `tried` (and adding it there); checks the skipped hosts at
   * once when none qualifies. The pick and the lending happen without a pause between them, so
   * requests arriving together spread over the hosts.
   */
  private async choose(model: string, tried: Set<Host>): Promise<HostLease> {
    // Until a host was checked once, nobody knows its models (the start-up check usually did it).
    // One host needs no choosing: its request goes straight to it, without a check's round trips.
    const unchecked = this.hosts.length > 1 ? this.hosts.filter((h) => h.unknown) : [];
    if (unchecked.length > 0) await Promise.all(unchecked.map((h) => this.check(h)));
    this.recheckDueHosts();
    let host = this.pick(model, tried);
    if (!host && tried.size === 0) {
      await Promise.all(this.hosts.filter((h) => !h.healthy || !hasModel(h, model)).map((h) => this.check(h)));
      host = this.pick(model, tried);
    }
    if (!host) throw this.noHostFor(model);
    tried.add(host);
    return this.lend(host, model);
  }

  private pick(model: string, tried: ReadonlySet<Host>): Host | undefined {
    const now = Date.now();
    const usable = this.hosts.filter((h) => !tried.has(h) && h.healthy && hasModel(h, model));
    const rank = (h: Host) => [h.busyUntil > now ? 1 : 0, h.active, h.lastUsed] as const;
    return usable.sort((a, b) => compareTuples(rank(a), rank(b)))[0];
  }

  private lend(host: Host, model: string): HostLease {
    host.active++;
    host.lastUsed = Date.now();
    let released = false;
    return {
      host: host.display,
      client: (signal) => new Ollama({ host: host.url, fetch: (input, init) => fetch(input, { ...init, signal }) }),
      release: (failure) => {
        if (released) return;
        released = true;
        host.active--;
        this.noteOutcome(host, model, failure);
      },
    };
  }

  private noteOutcome(host: Host, model: string, failure: AiUnavailableError | undefined): void {
    if (!failure) {
      if (!host.healthy && this.hosts.length > 1) this.options.logger.info({ host: host.display }, 'Ollama host answers again');
      Object.assign(host, { healthy: true, unknown: false, error: undefined });
      host.models?.add(canonicalModelName(model));
      return;
    }
    // A request's own deadline says nothing of the host (it answers, only slowly): only its health check's does.
    if (failure.kind === 'down' || failure.kind === 'stream_cut') this.markDown(host, failure.message);
    else if (failure.kind === 'model_missing') host.models?.delete(canonicalModelName(model));
    else if (failure.kind === 'busy') host.busyUntil = Date.now() + BUSY_PENALTY_MS;
  }

  private markDown(host: Host, error: string): void {
    if (host.healthy && this.hosts.length > 1) this.options.logger.warn({ host: host.display, reason: error }, 'Ollama host skipped until its health check passes');
    Object.assign(host, { healthy: false, unknown: false, error, recheckAt: Date.now() + this.recheckMs });
  }

  /** Background checks of skipped hosts whose wait is over; requests do not wait for them. */
  private recheckDueHosts(): void {
    const now = Date.now();
    for (const host of this.hosts) if (!host.healthy && host.recheckAt <= now) void this.check(host);
  }

  /** One check per host at a time: callers arriving meanwhile share it. */
  private check(host: Host): Promise<void> {
    host.checking ??= this.runCheck(host).finally(() => (host.checking = undefined));
    return host.checking;
  }

  private async runCheck(host: Host): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.checkTimeoutMs);
    const client = new Ollama({ host: host.url, fetch: (input, init) => fetch(input, { ...init, signal: controller.signal }) });
    try {
      const [{ version }, { models }] = await Promise.all([client.version(), client.list()]);
      const wasDown = !host.healthy;
      host.models = new Set(models.flatMap((m) => [canonicalModelName(m.name), canonicalModelName(m.model)]));
      Object.assign(host, { healthy: true, unknown: false, version, error: undefined });
      if (wasDown && this.hosts.length > 1) this.options.logger.info({ host: host.display }, 'Ollama host passed its health check; it takes requests again');
    } catch (error) {
      const failure = controller.signal.aborted
        ? new AiUnavailableError('timeout', `Ollama at ${host.display} did not answer its health check within ${this.checkTimeoutMs} ms`)
        : classifyOllamaError(error, 'request', host.display);
      this.markDown(host, failure.message);
    } finally {
      clearTimeout(timer);
      host.checkedAt = Date.now();
    }
  }

  private noHostFor(model: string): AiUnavailableError {
    const reachable = this.hosts.filter((h) => h.healthy);
    if (reachable.length === 0) {
      const reasons = this.hosts.map((h) => h.error ?? `Ollama is not reachable at ${h.display}`);
      return new AiUnavailableError('down', this.hosts.length === 1 ? reasons[0]! : `no Ollama host is reachable (${reasons.join('; ')})`);
    }
    const where = reachable.map((h) => h.display).join(', ');
    return new AiUnavailableError('model_missing', `model "${model}" not found on ${where}; run: ollama pull ${model}`);
  }
}

function hasModel(host: Host, model: string): boolean {
  return host.models === undefined || host.models.has(canonicalModelName(model));
}

function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Ollama treats `llama3` and `llama3:latest` as one model, case-insensitively. */
export function canonicalModelName(name: string | undefined): string {
  const lower = (name ?? '').trim().toLowerCase();
  return lower.includes(':') ? lower : `${lower}:latest`;
}
