/**
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

/** Waits before each retry of a request whose connection dropped: short, as a fresh connection is usually fine at once. */
const DROPPED_RETRY_DELAYS_MS = [200, 800, 2000] as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where a bot's retries are logged: warn, with what was sent and the attempt, never its content. */
export type RetryLog = (fields: { kind: string; attempt: number; of: number; delayMs: number; code: string | undefined }, message: string) => void;

/** The log of each client's retries (set once at start-up); a call without a client, or an unknown one, logs nothing. */
const retryLogs = new WeakMap<object, RetryLog>();

/**
 * Logs every retry of a dropped connection made for `client`. Drops are retried silently otherwise, yet several in a
 * row say something (the bot's event loop blocked past Discord's keep-alive timeout, a flaky network) that staff
 * should be able to see. Only the kind of request, the attempt and the error code go in: never the message text, the
 * URL or the error's text, which for interaction webhooks would carry the token.
 */
export function logDroppedRetries(client: object, log: RetryLog): void {
  retryLogs.set(client, log);
}

export interface RetryPolicy {
  /** What is being sent, for the log ("channel message", "interaction reply", "forum post", …). */
  kind?: string;
  /** The bot's client: its retry log (logDroppedRetries) gets one line per retry. */
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
 * Runs `send`, again after a short wait when its connection dropped, at most `DROPPED_RETRY_DELAYS_MS.length` more
 * times. Only for requests that are safe to repeat (see above); any other error is thrown at once.
 */
export function retryDropped<T>(send: () => Promise<T>, policy?: Omit<RetryPolicy, 'earlierAttemptArrived'>): Promise<T>;
export function retryDropped<T>(send: () => Promise<T>, policy: RetryPolicy): Promise<T | undefined>;
export async function retryDropped<T>(send: () => Promise<T>, policy: RetryPolicy = {}): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt > 0 && policy.earlierAttemptArrived?.(error)) return undefined;
      const delay = DROPPED_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isDroppedConnection(error) || policy.mayWait?.(delay) === false) throw error;
      logRetry(policy, error, attempt + 2, delay);
      await sleep(delay);
    }
  }
}

function logRetry(policy: RetryPolicy, error: unknown, attempt: number, delayMs: number): void {
  const log = policy.client && retryLogs.get(policy.client);
  if (!log) return;
  const kind = policy.kind ?? 'request';
  const of = DROPPED_RETRY_DELAYS_MS.length + 1;
  log({ kind, attempt, of, delayMs, code: connectionErrorCode(error) }, `Connection to Discord dropped while sending a ${kind}; retrying in ${delayMs} ms (attempt ${attempt} of ${of})`);
}

/** The dropped connection's code (UND_ERR_SOCKET, ECONNRESET, …), from the error or its causes. */
function connectionErrorCode(error: unknown): string | undefined {
  for (const e of errorAndCauses(error)) {
    const code = droppedCode(e);
    if (code !== undefined) return code;
  }
  return undefined;
}
