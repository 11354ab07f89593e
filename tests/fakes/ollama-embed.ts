/**
 * What the fake Ollama's POST /api/embed does with an input longer than the embedding model's context,
 * as Ollama's `server/routes.go` EmbedHandler does it (read at ollama/ollama fb30760, Aug 2026, and at
 * the tags named below):
 *
 * - `truncate` absent or true (the default since /api/embed was added in v0.3.0: `truncate := true`
 *   unless the request says false): the input is cut to the context, silently, from the end
 *   (`tokens[:ctxLen]`, then Detokenize), one or two tokens fewer for BOS/EOS (`adjustTokenLimit`).
 * - `truncate: false`: one over-long input fails the whole request with 400 and no embeddings. The
 *   wording is "the input length exceeds the context length" since v0.13.3 (commit e082d60a2, runner
 *   truncation) and "input exceeds maximum context length" from v0.3.0 to v0.13.2.
 * - Even with truncation on, current Ollama answers that same 400 for the whole request when the runner
 *   rejects the input after the handler's retry with a shorter cut (`embedWithRetry`, then
 *   `llm/llama_server.go` normalizeEmbeddingError). The knob `refuseOverlong` stands for that case,
 *   and for servers where the handler's cut does not fit the runner: the reason issue 12 names, "one
 *   over-long knowledge entry fails its whole embedding batch".
 *
 * The context is the model's trained `<arch>.context_length` (GGUF; /api/show `model_info`), capped by
 * `num_ctx` when that is smaller (`min(opts.NumCtx, kvData.ContextLength())`): all-minilm 512 tokens,
 * nomic-embed-text 2048 (issue 12).
 *
 * Tokens are counted by a stand-in for a WordPiece tokenizer (see `fakeTokenCount`), not a real one.
 */

/** Trained context per embedding model (without tag); models not listed get DEFAULT_EMBED_CONTEXT. */
export const EMBED_CONTEXT_TOKENS: Readonly<Record<string, number>> = { 'all-minilm': 512, 'nomic-embed-text': 2048, 'mxbai-embed-large': 512 };
export const DEFAULT_EMBED_CONTEXT = 2048;

/** The BOS ([CLS]) and EOS ([SEP]) tokens BERT-style embedding models add: they count against the context. */
const SPECIAL_TOKENS = 2;

/** Wording of the 400 for an over-long input, by Ollama version (see above). */
export function inputTooLongError(version: string): string {
  return compareVersions(version, '0.13.3') >= 0 ? 'the input length exceeds the context length' : 'input exceeds maximum context length';
}

/**
 * Tokens as a WordPiece tokenizer roughly counts them: a word of up to 8 letters or digits is one
 * token and longer words one per 8 characters begun; every punctuation mark or symbol one; every CJK
 * character one. Real tokenizers split rare words further, so real counts run higher, never lower.
 */
export function fakeTokenCount(text: string): number {
  return tokenSpans(text).length;
}

/** The text cut after its first `limit` tokens (as Ollama's Detokenize of `tokens[:limit]`). */
export function truncateToTokens(text: string, limit: number): string {
  const spans = tokenSpans(text);
  if (spans.length <= limit) return text;
  return limit <= 0 ? '' : text.slice(0, spans[limit - 1]!.end);
}

export type EmbedInputCheck = { ok: true; texts: string[]; tokens: number } | { ok: false; status: 400; error: string };

/**
 * Applies the context rule to a request's inputs: the (possibly cut) texts and their token count for
 * `prompt_eval_count`, or the 400 for the whole request.
 */
export function checkEmbedInputs(
  texts: readonly string[],
  rule: { contextTokens: number; truncate: boolean; refuseOverlong: boolean; version: string },
): EmbedInputCheck {
  const room = rule.contextTokens - SPECIAL_TOKENS;
  const cut: string[] = [];
  let tokens = 0;
  for (const text of texts) {
    const count = fakeTokenCount(text);
    if (count > room && (!rule.truncate || rule.refuseOverlong)) return { ok: false, status: 400, error: inputTooLongError(rule.version) };
    cut.push(count > room ? truncateToTokens(text, room) : text);
    tokens += Math.min(count, room) + SPECIAL_TOKENS;
  }
  return { ok: true, texts: cut, tokens };
}

/** Han, Hiragana, Katakana and Hangul characters: one token each. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_PIECE = 8;

function tokenSpans(text: string): { end: number }[] {
  const spans: { end: number }[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
    let offset = match.index;
    let piece = 0;
    for (const char of match[0]) {
      if (CJK.test(char) && piece > 0) {
        spans.push({ end: offset });
        piece = 0;
      }
      offset += char.length;
      piece++;
      if (CJK.test(char) || piece === WORD_PIECE) {
        spans.push({ end: offset });
        piece = 0;
      }
    }
    if (piece > 0) spans.push({ end: offset });
  }
  return spans;
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
