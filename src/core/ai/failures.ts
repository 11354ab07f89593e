/**
 * Why Ollama could not give (all of) an answer; the responder picks its fallback from this.
 * 'answer_limit': the answer's whole num_predict went on reasoning, and no answer was written.
 * 'ended_early': Ollama ended the answer itself, with its HTTP response complete but no done line
 * (its token-repeat limit, see token-repeat.ts): the model misbehaved, Ollama is fine.
 */
export type AiFailureKind = 'down' | 'timeout' | 'busy' | 'model_missing' | 'stream_cut' | 'aborted' | 'answer_limit' | 'ended_early' | 'error';

/** Every failure of the Ollama service, as one type. The message is short, meant for logs, and holds no secrets. */
export class AiUnavailableError extends Error {
  /** For 'ended_early' at Ollama's token-repeat limit: the answer text of the repeated tokens it ended with. */
  readonly repeatedText: string | undefined;

  constructor(
    readonly kind: AiFailureKind,
    message: string,
    options?: { cause?: unknown; repeatedText?: string },
  ) {
    super(message, options);
    this.name = 'AiUnavailableError';
    this.repeatedText = options?.repeatedText;
  }
}

/** Where the failure happened: before the answer started (connecting, status line) or while it streamed. */
export type RequestPhase = 'request' | 'stream';

/** The `ollama` client's error for a non-2xx answer; the class itself is not exported, so match its shape. */
export function responseStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || error.name !== 'ResponseError') return undefined;
  const status = (error as { status_code?: unknown }).status_code;
  return typeof status === 'number' ? status : undefined;
}

/** fetch (undici) reports network trouble as a TypeError whose cause carries the socket error code. */
function networkCode(error: unknown): string | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'network';
}

/**
 * The `ollama` client's message when a stream's HTTP body ends without its `done` line (its
 * AbortableAsyncIterator): Ollama ended the answer itself. A connection that breaks mid-body is
 * fetch's TypeError instead (networkCode).
 */
const MISSING_DONE = 'Did not receive done or success response in stream.';

/** Sorts an error thrown by the `ollama` client (not an abort of ours) into a failure kind. */
export function classifyOllamaError(error: unknown, phase: RequestPhase, host: string): AiUnavailableError {
  if (error instanceof AiUnavailableError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const status = responseStatus(error);
  if (status !== undefined) {
    if (status === 503 || status === 429) return new AiUnavailableError('busy', `Ollama is busy (${status}): ${detail}`, { cause: error });
    if (status === 404) return new AiUnavailableError('model_missing', `Ollama: ${detail}`, { cause: error });
    return new AiUnavailableError('error', `Ollama answered ${status}: ${detail}`, { cause: error });
  }
  const code = networkCode(error);
  if (code !== undefined) {
    if (phase === 'stream') return new AiUnavailableError('stream_cut', `the connection to Ollama broke mid-answer (${code})`, { cause: error });
    return new AiUnavailableError('down', `Ollama is not reachable at ${host} (${code})`, { cause: error });
  }
  if (phase === 'stream' && detail === MISSING_DONE) {
    return new AiUnavailableError('ended_early', 'Ollama ended the answer without its final line', { cause: error });
  }
  // Any other plain Error mid-stream is Ollama's own `{"error": ...}` line (e.g. the model runner crashed).
  const where = phase === 'stream' ? 'mid-answer' : 'before answering';
  return new AiUnavailableError('error', `Ollama failed ${where}: ${detail}`, { cause: error });
}

/** The host for messages: no user:password part, whatever the configured URL holds. */
export function displayHost(host: string): string {
  try {
    const url = new URL(host);
    url.username = '';
    url.password = '';
    return url.origin;
  } catch {
    return '(invalid OLLAMA_URL)';
  }
}
