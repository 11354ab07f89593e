/**
 * The deadlines of one answer, fitted to a slow machine: a first-token deadline (Ollama's queue, the
 * model load and prompt evaluation all happen before the first token), then a stall deadline that
 * restarts with every token, and an optional limit for the whole answer. An answer that keeps
 * streaming is never cut unless the admin set that limit. Remembers which deadline fired, because
 * the error the HTTP stack throws does not say.
 */
export type WatchVerdict = 'first_token' | 'stall' | 'answer' | 'aborted';

export interface WatchLimits {
  firstTokenMs: number;
  stallMs: number;
  /** 0: none. */
  answerMs: number;
}

export class AnswerWatch {
  readonly signal: AbortSignal;
  firedBecause: WatchVerdict | undefined;
  readonly firstTokenBy: number;
  private readonly controller = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private stallTimer: NodeJS.Timeout | undefined;
  private firstTokenTimer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.fire('aborted');

  constructor(
    readonly limits: WatchLimits,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    this.firstTokenBy = Date.now() + limits.firstTokenMs;
    this.firstTokenTimer = setTimeout(() => this.fire('first_token'), limits.firstTokenMs);
    if (limits.answerMs > 0) this.timers.push(setTimeout(() => this.fire('answer'), limits.answerMs));
    if (callerSignal?.aborted) this.fire('aborted');
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Time left before the first-token deadline. */
  firstTokenMsLeft(): number {
    return this.firstTokenTimer ? Math.max(0, this.firstTokenBy - Date.now()) : 0;
  }

  /** A token arrived: the first-token deadline is met, and the stall clock starts again. */
  tokenArrived(): void {
    clearTimeout(this.firstTokenTimer);
    this.firstTokenTimer = undefined;
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => this.fire('stall'), this.limits.stallMs);
  }

  /** Stops every clock and aborts the HTTP request if it is still open (a no-op once it completed). */
  dispose(): void {
    for (const timer of [...this.timers, this.stallTimer, this.firstTokenTimer]) clearTimeout(timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.controller.abort();
  }

  /** What happened, in words for the log. */
  describe(): string {
    const s = (ms: number) => `${Math.round(ms / 100) / 10} s`;
    switch (this.firedBecause) {
      case 'first_token':
        return `Ollama sent no first token within ${s(this.limits.firstTokenMs)} (OLLAMA_FIRST_TOKEN_TIMEOUT)`;
      case 'stall':
        return `Ollama sent nothing for ${s(this.limits.stallMs)} mid-answer (OLLAMA_STALL_TIMEOUT)`;
      case 'answer':
        return `the answer took longer than ${s(this.limits.answerMs)} (OLLAMA_ANSWER_TIMEOUT)`;
      default:
        return 'the request was cancelled';
    }
  }

  private fire(reason: WatchVerdict): void {
    if (this.firedBecause || this.signal.aborted) return;
    this.firedBecause = reason;
    this.controller.abort();
  }
}
