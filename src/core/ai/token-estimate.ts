/**
 * A tokenizer-free estimate of how many tokens a model will see in a text, meant to err high: the
 * bot does not ship the models' tokenizers, and a text it thinks fits must really fit.
 *
 * Per word (a run of letters or digits): one token per 4 characters begun (common English words are
 * one token in every tokenizer we target; rare words and identifiers split into pieces of ~3-4
 * characters). Every punctuation mark or symbol: one token. Every CJK character: one token.
 */
const PIECE_CHARS = 4;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const TOKEN_RUNS = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

export function estimateTokens(text: string): number {
  return cutAfterTokens(text, Number.POSITIVE_INFINITY).tokens;
}

/**
 * The text cut at a word boundary so that at most `limit` estimated tokens remain (a word longer
 * than what is left is cut inside), and whether anything was cut.
 */
export function capToTokens(text: string, limit: number): { text: string; capped: boolean } {
  const { end } = cutAfterTokens(text, limit);
  if (end >= text.length) return { text, capped: false };
  return { text: text.slice(0, end).trimEnd(), capped: true };
}

/** Walks the text run by run; `end` is where the first `limit` tokens stop. */
function cutAfterTokens(text: string, limit: number): { tokens: number; end: number } {
  let tokens = 0;
  for (const run of text.matchAll(TOKEN_RUNS)) {
    const cost = runCost(run[0]);
    if (tokens + cost > limit) return { tokens, end: run.index + partialRunLength(run[0], limit - tokens) };
    tokens += cost;
  }
  return { tokens, end: text.length };
}

function runCost(run: string): number {
  return walkRun(run, Number.POSITIVE_INFINITY).cost;
}

/** How many UTF-16 units of `run` fit in `budget` tokens (whole code points only). */
function partialRunLength(run: string, budget: number): number {
  return walkRun(run, budget).length;
}

/** The run's cost, or its longest prefix within `budget` and that prefix's length; one pass. */
function walkRun(run: string, budget: number): { cost: number; length: number } {
  let whole = 0; // tokens of the CJK characters and the pieces before them
  let pending = 0; // letters since the last CJK character
  let length = 0;
  for (const char of run) {
    const cjk = CJK.test(char);
    const next = cjk ? whole + Math.ceil(pending / PIECE_CHARS) + 1 : whole + Math.ceil((pending + 1) / PIECE_CHARS);
    if (next > budget) return { cost: whole + Math.ceil(pending / PIECE_CHARS), length };
    if (cjk) {
      whole = next;
      pending = 0;
    } else {
      pending++;
    }
    length += char.length;
  }
  return { cost: whole + Math.ceil(pending / PIECE_CHARS), length };
}
