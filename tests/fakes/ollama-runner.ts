/**
 * What happens inside the fake Ollama between a chat request and its first token, as Ollama does it.
 * Read at ollama/ollama fb30760 (Aug 2026); the file named beside each rule.
 *
 * Tokens: the fake has no tokenizer. It counts ONE TOKEN PER 4 CHARACTERS (begun) of the rendered
 * prompt, a stated stand-in for real BPE tokenizers (English text averages ~4 characters a token).
 *
 * - Prompt: the messages are rendered with a chat template, `<|role|>\n{content}<|end|>\n` per
 *   message, then `<|assistant|>\n` to start the answer (server/prompt.go renderPrompt).
 * - Context window: `options.num_ctx`, else the server's default (envconfig OLLAMA_CONTEXT_LENGTH:
 *   "4k/32k/256k based on VRAM", so 4096 on a CPU box; 2048 on versions before 0.6), never above the
 *   model's trained context (server/sched.go effectiveContext).
 * - Too long a prompt is cut without an error, in two steps:
 *   1. server/prompt.go chatPrompt: whole messages are dropped from the front until the prompt fits,
 *      except system messages (they are kept, even from the dropped part) and the latest message;
 *   2. llm/llama_server.go completionPromptForRequest: a prompt still too long (the latest message
 *      alone does not fit) keeps its first `num_keep` tokens (api/types.go default 4) and drops tokens
 *      after them, down to numCtx - max((numCtx-numKeep)/2, 1) (contextShiftPromptLimit).
 * - `prompt_eval_count` is the whole prompt after those cuts, cached tokens included
 *   (llm/llama_server.go promptEvalCount: cache_n + prompt_n).
 * - Prefix reuse: Ollama sends `cache_prompt: true` to llama-server (llm/llama_server.go), whose slot
 *   keeps the previous request's prompt and generated tokens; the tokens of the new prompt that
 *   start identically are not evaluated again. With OLLAMA_NUM_PARALLEL=1 there is one slot, so any
 *   other request in between replaces the cache.
 * - Load: a model that is not loaded is loaded first. The load belongs to the request that started
 *   it: when that client disconnects, the load is abandoned (llm/llama_server.go "client connection
 *   closed before llama-server finished loading, aborting load") and the next request pays it again.
 * - A loaded runner is reloaded when a request asks for different runner options, e.g. another
 *   `num_ctx` (server/sched.go needsReload compares the runner options).
 * - keep_alive: a model stays loaded that long after its last request; the request's `keep_alive`
 *   (seconds as a number, or a duration string such as "30m"; a string without a unit, "-1", is a 400:
 *   see keepAliveBindError), else OLLAMA_KEEP_ALIVE, default 5 minutes
 *   (envconfig/config.go KeepAlive); 0 unloads at once, a negative value keeps it forever.
 * - An empty `messages` list only loads (done_reason "load"), or with keep_alive 0 unloads
 *   (done_reason "unload") the model (server/routes.go ChatHandler, docs/faq.md "preload a model").
 * - Thinking: for a model whose capabilities list "thinking", `think` defaults to true
 *   (server/routes.go ChatHandler: `if req.Think == nil { req.Think = &ThinkValue{true} }`) and the
 *   reasoning streams in `message.thinking`; `think: true` for a model without it is a 400
 *   `"<model>" does not support thinking`. Older servers and some models put `<think>…</think>`
 *   into `content` instead, whatever `think` says. `think` is a boolean or a level, "low", "medium",
 *   "high" or "max"; any level means on (api/types.go ThinkValue.Bool), so a level sent to a model
 *   without the capability is the same 400.
 * - gpt-oss (family gptoss with a harmony template, server/routes.go shouldUseHarmony) cannot stop
 *   reasoning: the harmony parser sends its analysis channel to `message.thinking` whatever `think`
 *   says (harmony/harmonyparser.go: Init and AddContent never read the think value), and docs/capabilities/
 *   thinking.mdx: "GPT-OSS requires `think` to be set to "low", "medium", or "high". Passing true/false
 *   is ignored for that model" (also ollama/ollama#11751). The level sets how long it reasons; true
 *   means "medium" (ThinkValue.String), "max" becomes "high" (routes.go ChatHandler), and false or no
 *   `think` leaves the template's default, medium. The fake passes the level to `reply` and `thinking`
 *   as `effort`; how long a model reasons at each level is the test's to script.
 * - Generation length: `options.num_predict`, default -1 (api/types.go DefaultOptions), is bounded by
 *   llm/llama_server.go boundedNumPredict: a negative or larger value becomes 10 × num_ctx
 *   (openEndedGenerationContextMultiplier), so a model that never writes its stop token streams on for
 *   up to ten context windows (81,920 tokens at num_ctx 8192: hours on a CPU). Every generated token
 *   counts, reasoning included: llama-server generates the text and Ollama splits `thinking` from
 *   `content` afterwards (server/routes.go ChatHandler, builtinParser / thinkingState). Reaching the
 *   limit ends the stream normally with done_reason "length" (llm/llama_server.go Completion: stop_type
 *   "limit" → DoneReasonLength; llm/server.go DoneReason.String), not an error.
 * - Context shift while generating: Ollama starts llama-server with `--context-shift` (llm/llama_server.go
 *   appendContextShiftArgs; on for every model family but deepseek2, server/sched.go supportsContextShift),
 *   so when prompt + answer outgrow num_ctx, llama-server keeps the first num_keep tokens and discards
 *   half of the rest (the rules and references) and the model writes on without them. The fake records
 *   it (`generationShifted`); it cannot make its scripted reply forget.
 * - Token repeat: llm/llama_server.go Completion (the SSE loop reading llama-server, lines 1692-1702 at fb30760)
 *   counts tokens whose whitespace-trimmed text equals the previous one's (starting from ""); past
 *   30 repeats (the 32nd identical token in a row, which is not sent) it logs "prediction aborted,
 *   token repeat limit reached" at debug level and returns ctx.Err(): nil, as the request was not
 *   cancelled. No final response is sent, so server/routes.go ChatHandler closes its channel without
 *   a done line or an error, and the 200 NDJSON stream simply ends (streamResponse); with
 *   `stream:false` writeChatResponse answers 200 with the text so far and `done:false`. The fake
 *   applies this to its own tokens (4-character pieces of each chunk, thinking and content alike:
 *   the check reads llama-server's text before Ollama splits the reasoning off).
 * - Chat needs a chat model: a model whose capabilities lack "completion" (an embedding model such
 *   as nomic-embed-text) gets 400 `"<model>" does not support chat`, also for a load with no messages
 *   (server/routes.go ChatHandler: scheduleRunner → errCapabilityCompletion).
 */

export const CHARS_PER_TOKEN = 4;
/** api/types.go DefaultOptions NumKeep. */
export const NUM_KEEP = 4;
/** envconfig OLLAMA_CONTEXT_LENGTH on a machine without a big GPU. */
export const DEFAULT_NUM_CTX = 4096;
/** envconfig/config.go KeepAlive default. */
export const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;
/** llm/llama_server.go openEndedGenerationContextMultiplier. */
export const OPEN_ENDED_GENERATION_CONTEXTS = 10;

/** The tokens a request may generate (llm/llama_server.go boundedNumPredict). */
export function boundedNumPredict(numPredict: unknown, numCtx: number): number {
  const limit = OPEN_ENDED_GENERATION_CONTEXTS * numCtx;
  const asked = typeof numPredict === 'number' && Number.isFinite(numPredict) ? Math.floor(numPredict) : -1;
  return asked < 0 || asked > limit ? limit : asked;
}

/**
 * The chunks a model generates before `limit` tokens: the chunk that reaches it is cut there, and
 * `cut` says the limit ended the answer (done_reason "length"), not the model.
 */
export function withinNumPredict<C extends { thinking?: string; content: string }>(chunks: C[], limit: number): { chunks: C[]; tokens: number; cut: boolean } {
  const kept: C[] = [];
  let tokens = 0;
  for (const chunk of chunks) {
    const text = (chunk.thinking ?? '') + chunk.content;
    const cost = fakeTokens(text);
    if (tokens + cost <= limit) {
      kept.push(chunk);
      tokens += cost;
      continue;
    }
    const chars = (limit - tokens) * CHARS_PER_TOKEN;
    if (chars > 0) kept.push(chunk.thinking ? { ...chunk, thinking: chunk.thinking.slice(0, chars), content: '' } : { ...chunk, content: chunk.content.slice(0, chars) });
    return { chunks: kept, tokens: limit, cut: true };
  }
  return { chunks: kept, tokens, cut: false };
}

/** llm/llama_server.go Completion: `if tokenRepeat > 30` ends the generation. */
export const TOKEN_REPEAT_LIMIT = 30;

/**
 * The chunks streamed before Ollama's token-repeat abort (see the header), and whether it happened:
 * the chunk holding the 32nd identical token in a row keeps only the tokens before it.
 */
export function beforeRepeatLimit<C extends { thinking?: string; content: string }>(chunks: C[]): { chunks: C[]; aborted: boolean } {
  let last = '';
  let repeats = 0;
  for (const [index, chunk] of chunks.entries()) {
    const key = chunk.thinking ? 'thinking' : 'content';
    const text = chunk[key] ?? '';
    for (let at = 0; at < text.length; at += CHARS_PER_TOKEN) {
      const token = text.slice(at, at + CHARS_PER_TOKEN).trim();
      repeats = token === last ? repeats + 1 : 0;
      last = token;
      if (repeats <= TOKEN_REPEAT_LIMIT) continue;
      const kept = chunks.slice(0, index);
      if (at > 0) kept.push({ ...chunk, [key]: text.slice(0, at) });
      return { chunks: kept, aborted: true };
    }
  }
  return { chunks, aborted: false };
}

export interface PromptMessage {
  role: string;
  content: string;
}

export function fakeTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function renderMessage(m: PromptMessage): string {
  return `<|${m.role}|>\n${m.content}<|end|>\n`;
}

export function renderPrompt(messages: PromptMessage[]): string {
  return `${messages.map(renderMessage).join('')}<|assistant|>\n`;
}

export interface FittedPrompt {
  /** What the model really reads (after both cuts). */
  prompt: string;
  /** The messages that survived chatPrompt's cut (the latest one maybe cut again by the runner). */
  messages: PromptMessage[];
  /** Tokens of `prompt`: what prompt_eval_count reports. */
  tokens: number;
  /** Messages dropped by chatPrompt, and whether the runner then cut the remaining prompt. */
  droppedMessages: number;
  shifted: boolean;
}

/** The prompt Ollama builds for a chat request within `numCtx` tokens (see the rules above). */
export function fitPrompt(messages: PromptMessage[], numCtx: number): FittedPrompt {
  const last = messages.length - 1;
  let kept: PromptMessage[] = messages;
  for (let i = 0; i <= last; i++) {
    const candidate = [...messages.slice(0, i).filter((m) => m.role === 'system'), ...messages.slice(i)];
    kept = candidate;
    if (fakeTokens(renderPrompt(candidate)) <= numCtx) break;
  }
  let prompt = renderPrompt(kept);
  let shifted = false;
  if (fakeTokens(prompt) > numCtx - 1) {
    const limit = numCtx - Math.max(Math.floor((numCtx - NUM_KEEP) / 2), 1);
    const keepChars = NUM_KEEP * CHARS_PER_TOKEN;
    prompt = prompt.slice(0, keepChars) + prompt.slice(prompt.length - (limit - NUM_KEEP) * CHARS_PER_TOKEN);
    shifted = true;
  }
  const survivors = shifted ? messagesIn(kept, prompt) : kept;
  return { prompt, messages: survivors, tokens: fakeTokens(prompt), droppedMessages: messages.length - kept.length, shifted };
}

/** After a runner cut: the messages whose text still appears (the cut one keeps its surviving tail). */
function messagesIn(kept: PromptMessage[], prompt: string): PromptMessage[] {
  return kept
    .map((m) => {
      if (prompt.includes(renderMessage(m))) return m;
      const tail = commonSuffix(m.content, prompt.slice(0, prompt.lastIndexOf('<|end|>')));
      return { role: m.role, content: m.content.slice(m.content.length - tail) };
    })
    .filter((m) => m.content !== '');
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

export function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let n = 0;
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

/**
 * Why Ollama refuses a request's `keep_alive` while binding the body, or undefined if it takes it.
 * api/types.go Duration.UnmarshalJSON: a JSON number is seconds (negative: for ever); a string goes to
 * Go's time.ParseDuration, which needs a unit on every number ("5m", "-1s", "1h30m"; only "0" may go
 * without) and otherwise fails with `time: missing unit in duration "-1"`; any other type fails with
 * `Unsupported type`. server/routes.go ChatHandler and EmbedHandler answer a ShouldBindJSON error with
 * 400 {"error": err.Error()} before looking at the model.
 */
export function keepAliveBindError(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === 'number') return undefined;
  if (typeof value !== 'string') return `Unsupported type: '${Array.isArray(value) ? '[]interface {}' : typeof value === 'boolean' ? 'bool' : 'map[string]interface {}'}'`;
  const quoted = JSON.stringify(value);
  if (/^[-+]?0$/.test(value)) return undefined;
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(value)) return `time: missing unit in duration ${quoted}`;
  if (/^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(value)) return undefined;
  return `time: invalid duration ${quoted}`;
}

/** `keep_alive` as Ollama reads it (api/types.go Duration): seconds as a number, or a Go duration string. */
export function keepAliveMs(value: unknown, fallbackMs: number): number {
  if (value === undefined || value === null || value === '') return fallbackMs;
  if (typeof value === 'number') return value < 0 ? Number.POSITIVE_INFINITY : value * 1000;
  // A string is a Go duration (keepAliveBindError turned away any other); "0" is zero and matches no unit below.
  const text = String(value).trim();
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let negative = false;
  for (const part of text.matchAll(/(-?)(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    if (part[1] === '-') negative = true;
    total += Number(part[2]) * units[part[3]!]!;
  }
  return negative ? Number.POSITIVE_INFINITY : total;
}

/** One loaded model (a runner): its context, its slot's cache, and when keep_alive unloads it. */
export class LoadedModel {
  cachedText = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly numCtx: number,
    private readonly onExpire: () => void,
  ) {}

  /** Starts the keep_alive clock once a request is finished (Ollama counts from the last use). */
  expireAfter(ms: number): void {
    clearTimeout(this.timer);
    if (!Number.isFinite(ms)) return;
    if (ms <= 0) return this.onExpire();
    this.timer = setTimeout(this.onExpire, ms);
    this.timer.unref();
  }

  /** A request is using it: no unload meanwhile. */
  hold(): void {
    clearTimeout(this.timer);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

const THINK_LEVELS = ['low', 'medium', 'high', 'max'];

/** api/types.go ThinkValue.Bool: true, or any level. */
export function thinkOn(think: unknown): boolean {
  return think === true || (typeof think === 'string' && THINK_LEVELS.includes(think));
}

/** server/routes.go shouldUseHarmony: the gpt-oss family with a template carrying the harmony tags. */
export function usesHarmony(model: { architecture: string; template: string }): boolean {
  return ['gptoss', 'gpt-oss'].includes(model.architecture) && model.template.includes('<|start|>') && model.template.includes('<|end|>');
}

/** The reasoning level a harmony model is asked for (see the header): a level as is ("max" → "high"), else medium. */
export function reasoningEffort(think: unknown): 'low' | 'medium' | 'high' {
  if (think === 'low' || think === 'high') return think;
  return think === 'max' ? 'high' : 'medium';
}

/** How a thinking model's text goes out: reasoning first, then the answer (see the header). */
export function thinkingParts(
  thinking: string,
  answer: string,
  form: 'field' | 'tags',
  think: boolean,
): { thinking: string; content: string } {
  if (thinking === '') return { thinking: '', content: answer };
  if (form === 'tags') return { thinking: '', content: `<think>\n${thinking}\n</think>\n\n${answer}` };
  return think ? { thinking, content: answer } : { thinking: '', content: answer };
}
