/**
 * Requests to Discord whose outcome is unknown: their connection dropped, or Discord kept answering 5xx. Either way
 * Discord may or may not have done the work, so such a request is retried (`retryWhileOutcomeUnknown`), on terms that
 * make a repeat harmless, and each retry is logged (`logUnknownOutcomeRetries`).
 *
 * Errors that mean the connection under a request failed, not that Discord refused it. The usual one: Discord closed
 * an idle keep-alive connection while the bot was busy (a long synchronous import), and the next request written onto
 * it fails with undici's `SocketError: other side closed`, code `UND_ERR_SOCKET` (nodejs/undici lib/core/errors.js;
 * lib/dispatcher/client-h1.js, the socket's 'end' listener; nodejs/undici#2320, #3492). discord.js retries a failed
 * request by itself only for `AbortError` (its own 15 s timeout) and `ECONNRESET`, up to `rest.retries` (3)
 * (discordjs/discord.js packages/rest/src/lib/utils/utils.ts `shouldRetry`, handlers/Shared.ts `makeNetworkRequest`),
 * so UND_ERR_SOCKET reaches us, and so does an ECONNRESET once its retries are spent. The others here fail before the
 * request was sent (refused, connect timeout, broken pipe).
 *
 * The same error comes when the connection broke *after* Discord did the work and only its answer was lost: the bot
 * cannot tell the two apart, so whatever it retries must be safe to repeat (a message: `nonce` with `enforceNonce`,
 * channel-send.ts; a first interaction answer: 40060, reply.ts).
 */
const DROPPED_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

export function isDroppedConnection(error: unknown): boolean {
  for (const e of errorAndCauses(error)) if (droppedCode(e) !== undefined || (e instanceof Error && e.message === 'other side closed')) return true;
  return false;
}

/** The error and the causes it wraps (undici puts the socket's error under discord.js's), three deep at most. */
function* errorAndCauses(error: unknown): Generator<unknown> {
  for (let e = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) yield e;
}

/** The error's own code when it is one of a dropped connection. */
function droppedCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && DROPPED_CONNECTION_CODES.has(code) ? code : undefined;
}

/**
 * A 5xx that outlasted discord.js's own retries. @discordjs/rest (2.6.3, the version we ship) sends a request that got
 * a 5xx again up to `rest.retries` times (3 by default), at once, with no pause in between, and then throws its
 * `HTTPError` carrying the `status` (discordjs/discord.js packages/rest/src/lib/handlers/Shared.ts `handleErrors`;
 * `DefaultRestOptions.retries` in utils/constants.ts): a Discord hiccup longer than those few milliseconds reaches us.
 * Like a dropped connection it leaves the outcome unknown (Discord may have done the work and failed afterwards), so
 * it is retried on the same terms, only later. A 4xx is Discord's refusal (discord.js throws DiscordAPIError for it,
 * and waits out a 429 by itself): never retried here.
 */
function serverErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 500 && status < 600 ? status : undefined;
}

/**
 * True when a request may be repeated in the hope it works: its connection dropped, or Discord kept answering 5xx.
 * Lookups made before a retry (did the lost attempt arrive?) rethrow these, so that the retry covers them too.
 */
export function isWorthRetrying(error: unknown): boolean {
  return isDroppedConnection(error) || serverErrorStatus(error) !== undefined;
}

/**
 * Waits before each retry: short, as a fresh connection is usually fine at once; the last one long enough to ride out
 * a brief Discord outage that discord.js's immediate retries (above) could not.
 */
const RETRY_DELAYS_MS = [200, 800, 2000] as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where a bot's retries are logged: warn, with what was sent and the attempt, never its content. */
export type RetryLog = (fields: { kind: string; attempt: number; of: number; delayMs: number; code: string | undefined; status?: number }, message: string) => void;

/** The log of each client's retries (set once at start-up); a call without a client, or an unknown one, logs nothing. */
const retryLogs = new WeakMap<object, RetryLog>();

/**
 * Logs every retry made for `client` (a dropped connection, or a 5xx). They are retried silently otherwise, yet
 * several in a row say something (the bot's event loop blocked past Discord's keep-alive timeout, a flaky network, a
 * Discord outage) that staff should be able to see. Only the kind of request, the attempt and the error code or HTTP
 * status go in: never the message text, the URL or the error's text, which for interaction webhooks would carry the
 * token.
 */
export function logUnknownOutcomeRetries(client: object, log: RetryLog): void {
  retryLogs.set(client, log);
}

export interface RetryPolicy {
  /** What is being sent, for the log ("channel message", "interaction reply", "forum post", …). */
  kind?: string;
  /** The bot's client: its retry log (logUnknownOutcomeRetries) gets one line per retry. */
  client?: object;
  /** False when a retry after `delayMs` would come too late (an interaction token about to expire). */
  mayWait?: (delayMs: number) => boolean;
  /**
   * True when the error of a retry (never of the first attempt) means an earlier attempt had in fact arrived (a
   * callback's 40060): the call then counts as done and resolves with undefined.
   */
  earlierAttemptArrived?: (error: unknown) => boolean;
}

/**
 * Runs `send`, again after a short wait when its connection dropped or Discord answered 5xx (`isWorthRetrying`), at
 * most `RETRY_DELAYS_MS.length` more times. Only for requests that are safe to repeat (see above); any other error is
 * thrown at once. The one retry loop for Discord requests: each retry is logged (logUnknownOutcomeRetries) and waits as above.
 */
export function retryWhileOutcomeUnknown<T>(send: () => Promise<T>, policy?: Omit<RetryPolicy, 'earlierAttemptArrived'>): Promise<T>;
export function retryWhileOutcomeUnknown<T>(send: () => Promise<T>, policy: RetryPolicy): Promise<T | undefined>;
export async function retryWhileOutcomeUnknown<T>(send: () => Promise<T>, policy: RetryPolicy = {}): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt > 0 && policy.earlierAttemptArrived?.(error)) return undefined;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isWorthRetrying(error) || policy.mayWait?.(delay) === false) throw error;
      logRetry(policy, error, attempt + 2, delay);
      await sleep(delay);
    }
  }
}

function logRetry(policy: RetryPolicy, error: unknown, attempt: number, delayMs: number): void {
  const log = policy.client && retryLogs.get(policy.client);
  if (!log) return;
  const kind = policy.kind ?? 'request';
  const of = RETRY_DELAYS_MS.length + 1;
  const status = serverErrorStatus(error);
  const fields = { kind, attempt, of, delayMs, code: connectionErrorCode(error), ...(status !== undefined ? { status } : {}) };
  const what = status !== undefined ? `Discord answered ${status}` : 'Connection to Discord dropped';
  log(fields, `${what} while sending a ${kind}; retrying in ${delayMs} ms (attempt ${attempt} of ${of})`);
}

/** The dropped connection's code (UND_ERR_SOCKET, ECONNRESET, …), from the error or its causes. */
function connectionErrorCode(error: unknown): string | undefined {
  for (const e of errorAndCauses(error)) {
    const code = droppedCode(e);
    if (code !== undefined) return code;
  }
  return undefined;
}
