import { createHash } from 'node:crypto';

/** Which requests a test rule applies to: message sends/edits/deletes (channel and interaction webhooks), or any REST call. */
export type RouteSelector = 'messages' | 'any' | RegExp;

export interface RateLimitRule {
  route?: RouteSelector;
  /** How many 429 answers to give (retries during the wait get 429 too, without counting). */
  count: number;
  retryAfterMs: number;
  global?: boolean;
}

export interface FailRule {
  /**
   * 5xx: Discord had trouble. 403 with `code`: Discord refused, e.g. 50001 Missing Access, which is what
   * registering guild commands gets when the bot was invited without the `applications.commands` scope
   * (`interactions/application-commands.mdx`, Registering a Command; as reported in discordjs/guide#1481 and
   * Rapptz/discord.py#7841: `PUT /applications/{app}/guilds/{guild}/commands` → 403 `{"message": "Missing Access", "code": 50001}`).
   */
  status: 403 | 500 | 502 | 503 | 504;
  code?: number;
  count: number;
  route?: RouteSelector;
}

/** 'lenient': 50 requests per second per bucket; 'realistic': Discord's known message buckets (5 per 5 s per channel) and the 50/s global limit. */
export type RateLimitMode = 'lenient' | 'realistic';

export interface RequestInfo {
  method: string;
  path: string;
  /** Route template with ids replaced, e.g. `/channels/:id/messages`. */
  template: string;
  /** The top-level resource id (channel, guild, webhook+token) Discord keys buckets on. */
  majorId: string;
}

/**
 * The connection a request came on is closed without an answer. Node's HTTP server, like Discord's edge, closes a
 * keep-alive connection that stayed idle (`server.keepAliveTimeout`, 5 s by default in Node); a client whose event
 * loop was busy past that (a long synchronous transaction) then writes its next request onto the closed connection and
 * undici fails it with `SocketError: other side closed`, code `UND_ERR_SOCKET` (nodejs/undici lib/dispatcher/client-h1.js,
 * the socket's 'end' listener; a Discord bot hitting it: nodejs/undici#2320; the idle-socket race: nodejs/undici#3492).
 * discord.js retries a failed request by itself only for `AbortError` and `ECONNRESET` (discordjs/discord.js
 * packages/rest/src/lib/utils/utils.ts `shouldRetry`, used by handlers/Shared.ts `makeNetworkRequest`), so this one
 * reaches the bot. The request is read in full first, so the close is a clean FIN ("other side closed"), not a reset.
 */
export interface DropRule {
  count: number;
  route?: RouteSelector;
  method?: string;
  /**
   * What the dropped connection loses. 'request' (the default): Discord never saw the request, as above. 'response':
   * Discord did what was asked (created the message, took the callback) and the connection closed before its answer
   * reached the bot, so the bot sees the same `other side closed` and cannot tell the two apart. That is why a retry
   * must be safe to repeat: Create Message's `nonce` with `enforce_nonce` (message-nonces.ts), a callback's 40060.
   * Any HTTP exchange can break between the server's work and its answer: RFC 9110 §9.2.2 (Idempotent Methods) lets a
   * client resend automatically only requests that are idempotent, since the first one may have taken effect.
   */
  lose?: 'request' | 'response';
}

export interface Interception {
  /** Close the connection without answering (see DropRule): before the route runs, or after it ran. */
  drop?: 'request' | 'response';
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

interface Bucket {
  count: number;
  resetAt: number;
  limit: number;
  windowMs: number;
}

const REALISTIC: { method: string; template: RegExp; limit: number; windowMs: number }[] = [
  { method: 'POST', template: /^\/channels\/:id\/messages$/, limit: 5, windowMs: 5000 },
  { method: 'PATCH', template: /^\/channels\/:id\/messages\/:id$/, limit: 5, windowMs: 5000 },
  { method: 'DELETE', template: /^\/channels\/:id\/messages\/:id$/, limit: 5, windowMs: 1000 },
  { method: 'POST', template: /^\/channels\/:id\/typing$/, limit: 5, windowMs: 5000 },
  { method: 'PATCH', template: /^\/webhooks\/:id\/:token\/messages\/:id$/, limit: 5, windowMs: 5000 },
  { method: 'POST', template: /^\/webhooks\/:id\/:token$/, limit: 5, windowMs: 5000 },
];

function matches(selector: RouteSelector | undefined, req: RequestInfo): boolean {
  if (selector === undefined || selector === 'any') return true;
  if (selector === 'messages') {
    return /^\/channels\/\d+\/messages(\/|$)/.test(req.path) || /^\/webhooks\/\d+\/[^/]+(\/messages\/|$)/.test(req.path);
  }
  return selector.test(req.path);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const bucketHash = (key: string) => createHash('sha1').update(key).digest('hex').slice(0, 32);

/** Rate-limit buckets with X-RateLimit-* headers, plus the test knobs that force 429s and 5xx answers. */
export class RateLimits {
  mode: RateLimitMode = 'lenient';
  private readonly rateRules: RateLimitRule[] = [];
  private readonly failRules: FailRule[] = [];
  private readonly dropRules: DropRule[] = [];
  private readonly blockedUntil = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();
  private globalLog: number[] = [];
  /** Every 429 and forced 5xx answered, and every connection dropped (status 0), for assertions. */
  readonly answered: { status: number; path: string; method: string; at: number }[] = [];

  rateLimitNext(rule: RateLimitRule): void {
    this.rateRules.push({ ...rule });
  }

  failNext(rule: FailRule): void {
    this.failRules.push({ ...rule });
  }

  dropNext(rule: DropRule): void {
    this.dropRules.push({ ...rule, method: rule.method?.toUpperCase() });
  }

  private bucketKey(req: RequestInfo): string {
    return `${req.method} ${req.template} ${req.majorId}`;
  }

  private bucketFor(req: RequestInfo, now: number): Bucket {
    const key = this.bucketKey(req);
    let b = this.buckets.get(key);
    if (!b || now >= b.resetAt) {
      const rule = this.mode === 'realistic' ? REALISTIC.find((r) => r.method === req.method && r.template.test(req.template)) : undefined;
      const limit = rule?.limit ?? 50;
      const windowMs = rule?.windowMs ?? 1000;
      b = { count: 0, resetAt: now + windowMs, limit, windowMs };
      this.buckets.set(key, b);
    }
    return b;
  }

  private headers(req: RequestInfo, b: Bucket, now: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(b.limit),
      'x-ratelimit-remaining': String(Math.max(0, b.limit - b.count)),
      'x-ratelimit-reset': seconds(b.resetAt),
      'x-ratelimit-reset-after': seconds(Math.max(0, b.resetAt - now)),
      'x-ratelimit-bucket': bucketHash(`${req.method} ${req.template}`),
    };
  }

  private tooMany(req: RequestInfo, retryMs: number, global: boolean, bucket: Bucket | undefined, now: number): Interception {
    this.answered.push({ status: 429, path: req.path, method: req.method, at: now });
    const headers: Record<string, string> = {
      // Discord's header is whole seconds (rounded up); the body has the precise value.
      'retry-after': String(Math.max(1, Math.ceil(retryMs / 1000))),
      'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global ? { 'x-ratelimit-global': 'true' } : bucket ? { ...this.headers(req, bucket, now), 'x-ratelimit-remaining': '0' } : {}),
    };
    return { status: 429, headers, body: { message: 'You are being rate limited.', retry_after: Number(seconds(retryMs)), global } };
  }

  /** Decides whether this request is answered with a 429 or forced 5xx before reaching its route. */
  intercept(req: RequestInfo): Interception | undefined {
    const now = Date.now();
    const isCallback = /^\/interactions\//.test(req.path);
    const globalUntil = this.blockedUntil.get('global') ?? 0;
    if (globalUntil > now && !isCallback) return this.tooMany(req, globalUntil - now, true, undefined, now);
    const key = this.bucketKey(req);
    const until = this.blockedUntil.get(key) ?? 0;
    if (until > now) return this.tooMany(req, until - now, false, this.bucketFor(req, now), now);

    const rule = this.rateRules.find((r) => r.count > 0 && matches(r.route, req));
    if (rule) {
      rule.count -= 1;
      this.blockedUntil.set(rule.global ? 'global' : key, now + rule.retryAfterMs);
      return this.tooMany(req, rule.retryAfterMs, rule.global ?? false, this.bucketFor(req, now), now);
    }
    const drop = this.dropRules.find((r) => r.count > 0 && (r.method === undefined || r.method === req.method) && matches(r.route, req));
    if (drop) {
      drop.count -= 1;
      this.answered.push({ status: 0, path: req.path, method: req.method, at: now });
      return { drop: drop.lose ?? 'request', status: 0, headers: {}, body: undefined };
    }
    const fail = this.failRules.find((r) => r.count > 0 && matches(r.route, req));
    if (fail) {
      fail.count -= 1;
      this.answered.push({ status: fail.status, path: req.path, method: req.method, at: now });
      if (fail.status === 403) {
        const code = fail.code ?? 50001;
        return { status: 403, headers: {}, body: { message: code === 50001 ? 'Missing Access' : 'Missing Permissions', code } };
      }
      const text = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[fail.status];
      return { status: fail.status, headers: {}, body: { message: `${fail.status}: ${text}`, code: 0 } };
    }
    if (this.mode === 'realistic' && !isCallback) {
      this.globalLog = this.globalLog.filter((t) => t > now - 1000);
      if (this.globalLog.length >= 50) {
        const retry = this.globalLog[0]! + 1000 - now;
        this.blockedUntil.set('global', now + retry);
        return this.tooMany(req, retry, true, undefined, now);
      }
      this.globalLog.push(now);
    }
    const bucket = this.bucketFor(req, now);
    if (bucket.count >= bucket.limit) return this.tooMany(req, bucket.resetAt - now, false, bucket, now);
    bucket.count += 1;
    return undefined;
  }

  /** X-RateLimit-* headers for a request that went through. */
  successHeaders(req: RequestInfo): Record<string, string> {
    const now = Date.now();
    return this.headers(req, this.bucketFor(req, now), now);
  }
}
