/**
 * Ollama ends a generation whose model repeats itself: in llm/llama_server.go Completion (the loop
 * reading llama-server's stream; ollama/ollama fb30760, lines 1692-1702) a token whose
 * whitespace-trimmed text equals the previous one's counts as a repeat, and past 30 repeats it stops
 * reading and returns no error and no final response. The client sees the stream end without its
 * done line, as for a lost connection but with the HTTP body complete, so the `ollama` client throws
 * "Did not receive done or success response in stream." instead of a network error.
 */
export const OLLAMA_TOKEN_REPEAT_LIMIT = 30;

/** Follows the streamed tokens (one per NDJSON line) as Ollama counts them, to tell its repeat limit when the stream ends. */
export class TokenRepeatWatch {
  private last = '';
  private repeats = 0;
  private runText = '';

  /** One streamed part: `token` all its text (reasoning included, as Ollama counts), `shown` the answer text in it. */
  see(token: string, shown: string): void {
    const key = token.trim();
    if (key === this.last) {
      this.repeats++;
      this.runText += shown;
    } else {
      this.last = key;
      this.repeats = 0;
      this.runText = shown;
    }
  }

  /** The answer text of the identical tokens the stream ended on, when there were as many as Ollama allows (it ended there); else undefined. */
  endedAtLimit(): string | undefined {
    return this.repeats >= OLLAMA_TOKEN_REPEAT_LIMIT ? this.runText : undefined;
  }
}
