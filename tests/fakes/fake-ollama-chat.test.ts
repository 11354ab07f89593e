import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ollama } from 'ollama';
import { FakeOllama, SERVER_BUSY_ERROR } from './ollama.js';
import { DEFAULT_NUM_CTX, fakeTokens, NUM_KEEP } from './ollama-runner.js';

/**
 * Pins the fake Ollama's chat behaviours to what Ollama's source says (each rule and its file are
 * listed in tests/fakes/ollama-runner.ts; read at ollama/ollama fb30760). Times are scaled down with
 * `timeScale`; the assertions compare with the modelled durations, never with wall-clock goals.
 */
let fake: FakeOllama;

beforeEach(async () => {
  fake = await FakeOllama.start({ models: ['llama3', 'qwen3'] });
});
afterEach(async () => {
  await fake.stop();
});

type Line = { message?: { content?: string; thinking?: string }; done?: boolean; done_reason?: string; prompt_eval_count?: number; error?: string };

async function chat(body: Record<string, unknown>, signal?: AbortSignal): Promise<{ status: number; lines: Line[]; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${fake.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3', ...body }), signal });
  const text = await res.text();
  return { status: res.status, lines: text.trimEnd().split('\n').map((l) => JSON.parse(l) as Line), ms: Date.now() - started };
}

const hi = [{ role: 'user', content: 'Hi there' }];
const content = (lines: Line[]) => lines.map((l) => l.message?.content ?? '').join('');
const thinking = (lines: Line[]) => lines.map((l) => l.message?.thinking ?? '').join('');

describe('fake Ollama: model load and keep_alive (llm/llama_server.go, server/sched.go, envconfig KeepAlive)', () => {
  it('makes the first request wait for the load, and the next one not', async () => {
    fake.loadMs = 300;
    const cold = await chat({ messages: hi });
    const warm = await chat({ messages: hi });
    expect(cold.ms).toBeGreaterThanOrEqual(290);
    expect(warm.ms).toBeLessThan(200);
    expect(fake.evaluations.map((e) => e.loaded)).toEqual([true, false]);
    expect(fake.loadedModels()).toEqual(['llama3:latest']);
  });

  it('abandons the load when the client disconnects during it, so the next request pays it again', async () => {
    fake.loadMs = 300;
    await expect(chat({ messages: hi }, AbortSignal.timeout(100))).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.loadedModels()).toEqual([]);
    const next = await chat({ messages: hi });
    expect(next.ms).toBeGreaterThanOrEqual(290);
  });

  it('unloads a model keep_alive after its last request (default 5 minutes; 0 at once)', async () => {
    fake.timeScale = 0.001; // 5 min → 300 ms
    await chat({ messages: hi });
    expect(fake.loadedModels()).toEqual(['llama3:latest']);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.loadedModels()).toEqual([]);
    await chat({ messages: hi, keep_alive: '30m' });
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.loadedModels()).toEqual(['llama3:latest']);
    await chat({ messages: hi, keep_alive: 0 });
    expect(fake.loadedModels()).toEqual([]);
  });

  it('refuses a keep_alive string without a unit with 400, as Go\'s time.ParseDuration does; the number -1 and "-1s" keep the model for ever (api/types.go Duration)', async () => {
    const refused = await fetch(`${fake.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3', messages: hi, keep_alive: '-1' }) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'time: missing unit in duration "-1"' });
    const embed = await fetch(`${fake.url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'llama3', input: 'hi', keep_alive: '300' }) });
    expect(embed.status).toBe(400);
    expect(fake.loadedModels()).toEqual([]);
    fake.timeScale = 0.001; // 5 min → 300 ms
    await chat({ messages: hi, keep_alive: -1 });
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.loadedModels()).toEqual(['llama3:latest']);
    await chat({ messages: hi, keep_alive: '-1s' });
    expect(fake.loadedModels()).toEqual(['llama3:latest']);
  });

  it('loads without answering for an empty messages list (done_reason "load"), and reloads for another num_ctx', async () => {
    fake.loadMs = 200;
    const load = await chat({ messages: [], options: { num_ctx: 8192 } });
    expect(load.lines).toHaveLength(1);
    expect(load.lines[0]).toMatchObject({ done: true, done_reason: 'load' });
    expect((await chat({ messages: hi, options: { num_ctx: 8192 } })).ms).toBeLessThan(150);
    expect((await chat({ messages: hi })).ms).toBeGreaterThanOrEqual(190); // default num_ctx: another runner
  });
});

describe('fake Ollama: speed (prompt evaluation, then generation)', () => {
  it('evaluates the prompt at promptTokensPerSecond before the first token, then generates at tokensPerSecond', async () => {
    fake.promptTokensPerSecond = 100;
    fake.tokensPerSecond = 50;
    fake.reply = 'x'.repeat(40); // 10 fake tokens in 10 chunks of 4 characters
    const prompt = [{ role: 'user', content: 'y'.repeat(120) }];
    const res = await chat({ messages: prompt });
    const tokens = fake.evaluations[0]!.tokens;
    expect(tokens).toBeGreaterThan(30);
    // (tokens / 100 per s) evaluation + 9 gaps of (1 token / 50 per s)
    expect(res.ms).toBeGreaterThanOrEqual(tokens * 10 + 9 * 20 - 20);
  });
});

describe('fake Ollama: context window (server/prompt.go chatPrompt, llm/llama_server.go)', () => {
  it(`applies the server default of ${DEFAULT_NUM_CTX} tokens without options.num_ctx and reports prompt_eval_count`, async () => {
    const long = Array.from({ length: 10 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${i} ${'word '.repeat(480)}` }));
    const res = await chat({ messages: [{ role: 'system', content: 'RULES' }, ...long] });
    const last = res.lines.at(-1)!;
    expect(last.prompt_eval_count).toBeLessThanOrEqual(DEFAULT_NUM_CTX);
    expect(fake.evaluations[0]).toMatchObject({ numCtx: DEFAULT_NUM_CTX, tokens: last.prompt_eval_count });
  });

  it('drops the oldest messages but keeps every system message and the latest message', async () => {
    let seen: { role: string; content: string }[] = [];
    fake.reply = (req) => {
      seen = req.seen ?? [];
      return 'ok';
    };
    const messages = [
      { role: 'system', content: 'RULES' },
      { role: 'user', content: `first ${'a'.repeat(2000)}` },
      { role: 'assistant', content: `answer ${'b'.repeat(2000)}` },
      { role: 'system', content: 'REFERENCES' },
      { role: 'user', content: 'latest question' },
    ];
    await chat({ messages, options: { num_ctx: 600 } });
    expect(seen.map((m) => m.content.slice(0, 8))).toEqual(['RULES', 'answer b', 'REFERENC', 'latest q']);
    expect(fake.evaluations[0]!.droppedMessages).toBe(1);
  });

  it('cuts a prompt whose latest message alone is too long from the front, keeping num_keep tokens: the system prompt is lost', async () => {
    let seen: { role: string; content: string }[] = [];
    fake.reply = (req) => {
      seen = req.seen ?? [];
      return 'ok';
    };
    const res = await chat({ messages: [{ role: 'system', content: 'RULES '.repeat(50) }, { role: 'user', content: `${'z'.repeat(4000)} END` }], options: { num_ctx: 512 } });
    const limit = 512 - Math.floor((512 - NUM_KEEP) / 2);
    expect(res.lines.at(-1)!.prompt_eval_count).toBe(limit);
    expect(fake.evaluations[0]!.shifted).toBe(true);
    expect(seen.map((m) => m.role)).toEqual(['user']);
    expect(seen[0]!.content.endsWith(' END')).toBe(true);
  });

  it("re-evaluates only what follows the previous request's prompt and answer (cache_prompt, one slot)", async () => {
    fake.reply = 'The answer.';
    const first = [{ role: 'system', content: 'S'.repeat(2000) }, { role: 'user', content: 'question one' }];
    await chat({ messages: first });
    await chat({ messages: [...first, { role: 'assistant', content: 'The answer.' }, { role: 'user', content: 'question two' }] });
    const [a, b] = fake.evaluations;
    expect(a!.newTokens).toBe(a!.tokens);
    expect(b!.newTokens).toBeLessThanOrEqual(fakeTokens('<|end|>\n<|user|>\nquestion two<|end|>\n<|assistant|>\n') + 1);
    await chat({ messages: [{ role: 'user', content: 'someone else' }] });
    await chat({ messages: [...first, { role: 'assistant', content: 'The answer.' }, { role: 'user', content: 'question three' }] });
    expect(fake.evaluations[3]!.newTokens).toBe(fake.evaluations[3]!.tokens);
  });
});

describe('fake Ollama: queue (OLLAMA_NUM_PARALLEL=1, OLLAMA_MAX_QUEUE; server/sched.go ErrMaxQueue)', () => {
  it('503s a chat that finds maxQueue others waiting for the model load (the one loading it does not count)', async () => {
    fake.loadMs = 200;
    fake.maxQueue = 1;
    const a = chat({ messages: hi }); // takes the load
    await new Promise((r) => setTimeout(r, 50));
    const [b, c] = await Promise.all([chat({ messages: hi }), chat({ messages: hi })]);
    expect([(await a).status, ...[b.status, c.status].sort()]).toEqual([200, 200, 503]);
    expect([b, c].find((r) => r.status === 503)!.lines[0]).toEqual({ error: SERVER_BUSY_ERROR });
  });

  it('queues any number of chats for a loaded model, answering one at a time by default: no 503', async () => {
    fake.maxQueue = 1;
    await chat({ messages: hi }); // loads the model
    fake.firstTokenDelayMs = 100;
    const started = Date.now();
    const results = await Promise.all([1, 2, 3, 4].map(() => chat({ messages: hi })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 95);
  });
});

describe('fake Ollama: how long an answer may run (llm/llama_server.go boundedNumPredict, Completion done_reason)', () => {
  type Done = Line & { eval_count?: number };
  const last = (lines: Line[]) => lines.at(-1) as Done;

  it('stops at options.num_predict tokens with done_reason "length", a normal end (status 200, no error line)', async () => {
    fake.reply = 'word '.repeat(200); // 1000 characters: 250 fake tokens
    const res = await chat({ messages: hi, options: { num_predict: 50 } });
    expect(res.status).toBe(200);
    expect(content(res.lines)).toBe('word '.repeat(200).slice(0, 50 * 4));
    expect(last(res.lines)).toMatchObject({ done: true, done_reason: 'length', eval_count: 50 });
    const whole = await chat({ messages: hi, options: { num_predict: 500 } });
    expect(last(whole.lines)).toMatchObject({ done: true, done_reason: 'stop', eval_count: 250 });
  });

  it('counts the reasoning of a thinking model: a long trace can use up num_predict before any content', async () => {
    fake.thinking = 'I should consider this carefully. '.repeat(20); // 680 characters: 170 tokens
    fake.reply = 'The answer.';
    const res = await chat({ model: 'qwen3', messages: hi, options: { num_predict: 100 } });
    expect(thinking(res.lines)).toHaveLength(100 * 4);
    expect(content(res.lines)).toBe('');
    expect(last(res.lines)).toMatchObject({ done_reason: 'length' });
  });

  it('without num_predict (default -1) lets a model that never stops write ten context windows', async () => {
    fake.reply = 'again and '.repeat(2000); // 20,000 characters: 5,000 tokens
    const res = await chat({ messages: hi, options: { num_ctx: 256 } });
    expect(content(res.lines)).toHaveLength(10 * 256 * 4);
    expect(last(res.lines)).toMatchObject({ done_reason: 'length', eval_count: 2560 });
    expect(fake.evaluations.at(-1)).toMatchObject({ numPredict: 2560, doneReason: 'length', generationShifted: true });
  });

  it('marks the context shift only when prompt and answer outgrow num_ctx', async () => {
    fake.reply = 'word '.repeat(80); // 100 tokens, none the same as the one before (see the token-repeat abort)
    await chat({ messages: hi, options: { num_ctx: 1024 } });
    expect(fake.evaluations.at(-1)).toMatchObject({ numPredict: 10_240, doneReason: 'stop' });
    expect(fake.evaluations.at(-1)!.generationShifted).toBeUndefined();
  });
});

describe('fake Ollama: thinking (server/routes.go ChatHandler)', () => {
  it('streams a thinking model’s reasoning in message.thinking unless the request says think:false', async () => {
    fake.thinking = 'Let me think.';
    fake.reply = 'Answer.';
    const on = await chat({ model: 'qwen3', messages: hi });
    expect(thinking(on.lines)).toBe('Let me think.');
    expect(content(on.lines)).toBe('Answer.');
    const off = await chat({ model: 'qwen3', messages: hi, think: false });
    expect(thinking(off.lines)).toBe('');
    expect(content(off.lines)).toBe('Answer.');
  });

  it('puts <think>…</think> into content on older servers, whatever think says', async () => {
    fake.thinking = 'Hmm.';
    fake.reply = 'Answer.';
    fake.thinkingForm = 'tags';
    const res = await chat({ model: 'qwen3', messages: hi, think: false });
    expect(content(res.lines)).toBe('<think>\nHmm.\n</think>\n\nAnswer.');
  });

  it('lets gpt-oss (harmony) reason into message.thinking whatever think says, at the level think names', async () => {
    fake.models.push('gpt-oss:20b');
    const efforts: unknown[] = [];
    fake.thinking = (req) => (efforts.push(req.effort), `Reasoning at ${req.effort}.`);
    fake.reply = 'Answer.';
    fake.thinkingForm = 'tags'; // the harmony parser decides the form, not the server's age
    const off = await chat({ model: 'gpt-oss:20b', messages: hi, think: false });
    expect([thinking(off.lines), content(off.lines)]).toEqual(['Reasoning at medium.', 'Answer.']);
    await chat({ model: 'gpt-oss:20b', messages: hi, think: 'low' });
    await chat({ model: 'gpt-oss:20b', messages: hi, think: true });
    await chat({ model: 'gpt-oss:20b', messages: hi, think: 'max' });
    expect(efforts).toEqual(['medium', 'low', 'medium', 'high']);
    const show = (await (await fetch(`${fake.url}/api/show`, { method: 'POST', body: JSON.stringify({ model: 'gpt-oss:20b' }) })).json()) as { capabilities: string[]; details: { family: string }; template: string };
    expect(show.capabilities).toContain('thinking');
    expect(show.details.family).toBe('gptoss');
    expect(show.template).toMatch(/<\|start\|>.*<\|end\|>/);
  });

  it('takes a level as thinking on: think "low" to a model without the capability is the same 400 as think:true', async () => {
    const res = await chat({ messages: hi, think: 'low' });
    expect(res.status).toBe(400);
    expect(res.lines[0]).toEqual({ error: '"llama3" does not support thinking' });
  });

  it('refuses think:true for a model without the thinking capability, which /api/show lists', async () => {
    const res = await chat({ messages: hi, think: true });
    expect(res.status).toBe(400);
    expect(res.lines[0]).toEqual({ error: '"llama3" does not support thinking' });
    const show = async (model: string) =>
      (await (await fetch(`${fake.url}/api/show`, { method: 'POST', body: JSON.stringify({ model }) })).json()) as { capabilities: string[]; model_info: Record<string, unknown> };
    expect((await show('qwen3')).capabilities).toEqual(['completion', 'thinking']);
    expect((await show('llama3')).model_info).toMatchObject({ 'general.architecture': 'llama', 'llama.context_length': 8192 });
  });
});

describe('fake Ollama: when the answer began (instrumentation the bench times the first token with)', () => {
  it('records when the first content chunk was written: after the first-token wait, not at the request, and not for thinking', async () => {
    fake.firstTokenDelayMs = 200;
    fake.tokenDelayMs = 100;
    fake.chunkSize = 3;
    fake.thinking = 'Let me see.';
    fake.reply = 'Answer.';
    const asked = performance.now();
    const res = await chat({ model: 'qwen3', messages: hi });
    expect(content(res.lines)).toBe('Answer.');
    const at = fake.evaluations.at(-1)!.firstContentAt!;
    // 200 ms wait, then four thinking chunks ('Let', ' me', ' se', 'e.') 100 ms apart before the first content one.
    expect(at - asked).toBeGreaterThanOrEqual(190 + 4 * 95);
    expect(performance.now() - at).toBeGreaterThanOrEqual(2 * 95); // two more content chunks followed
  });

  it('records nothing for a request that failed before any content', async () => {
    fake.mode = 'busy503';
    await chat({ messages: hi });
    fake.mode = 'cut';
    fake.reply = 'x';
    const res = await chat({ messages: hi, stream: false }).catch(() => undefined);
    expect(res?.status ?? 0).not.toBe(200);
    expect(fake.evaluations.at(-1)?.firstContentAt).toBeUndefined();
  });
});

describe('fake Ollama: the token-repeat abort (llm/llama_server.go Completion, "token repeat limit reached")', () => {
  it('ends a 200 stream with no done line and no error after 31 identical tokens; the 32nd is not sent', async () => {
    fake.reply = `Fix it: ${'===='.repeat(60)} and done.`; // 60 identical fake tokens after two others
    const res = await chat({ messages: hi });
    expect(res.status).toBe(200);
    expect(content(res.lines)).toBe(`Fix it: ${'===='.repeat(31)}`);
    expect(res.lines.some((l) => l.done || l.error)).toBe(false);
    expect(fake.evaluations.at(-1)).toMatchObject({ repeatAborted: true });
    expect(fake.evaluations.at(-1)!.doneReason).toBeUndefined();
  });

  it('compares tokens without their whitespace and lets 31 identical ones through', async () => {
    fake.reply = `${'no  '.repeat(10)}${' no '.repeat(21)}end.`; // 31 tokens that trim to "no", then another
    const res = await chat({ messages: hi });
    expect(res.lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop' });
    fake.reply = `${'no  '.repeat(10)}${' no '.repeat(22)}end.`;
    expect(content((await chat({ messages: hi })).lines)).toBe(`${'no  '.repeat(10)}${' no '.repeat(21)}`);
  });

  it('counts reasoning tokens too, and answers stream:false with the text so far and done:false', async () => {
    fake.thinking = 'hmm '.repeat(40);
    fake.reply = 'Never reached.';
    const streamed = await chat({ model: 'qwen3', messages: hi });
    expect([thinking(streamed.lines), content(streamed.lines)]).toEqual(['hmm '.repeat(31), '']);
    fake.thinking = '';
    fake.reply = `ok: ${'aaaa'.repeat(40)}`;
    const whole = await chat({ messages: hi, stream: false });
    expect(whole.status).toBe(200);
    expect(whole.lines[0]).toMatchObject({ done: false, message: { content: `ok: ${'aaaa'.repeat(31)}` } });
    expect(whole.lines[0]!.done_reason).toBeUndefined();
  });

  it('is read by the ollama npm client as "Did not receive done or success response in stream." after the text, unlike a broken connection', async () => {
    const client = new Ollama({ host: fake.url });
    const read = async () => {
      let text = '';
      try {
        for await (const part of await client.chat({ model: 'llama3', messages: hi, stream: true })) text += part.message.content;
      } catch (error) {
        return { text, error: error as Error };
      }
      return { text, error: undefined };
    };
    fake.reply = `Step 1: ${'----'.repeat(40)}`;
    const repeated = await read();
    expect(repeated.text).toBe(`Step 1: ${'----'.repeat(31)}`);
    expect(repeated.error).toMatchObject({ name: 'Error', message: 'Did not receive done or success response in stream.' });
    fake.mode = 'cut';
    fake.reply = 'A normal answer that the connection loses halfway.';
    const cut = await read();
    expect(cut.error).toBeInstanceOf(TypeError); // undici: "terminated", the socket error as its cause
  });
});

describe('fake Ollama: a client that leaves (server/routes.go ChatHandler, llm/llama_server.go Completion, server/sched.go)', () => {
  it('stops generating when the client leaves mid-answer (clientLeft), and the request waiting behind it is served at once', async () => {
    fake.reply = 'word '.repeat(200);
    fake.tokenDelayMs = 50; // 250 chunks: over 12 s to the end
    const leaving = new AbortController();
    const first = fetch(`${fake.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3', messages: hi }), signal: leaving.signal });
    const res = await first;
    const reader = res.body!.getReader();
    await reader.read(); // the answer has begun
    const waiting = chat({ messages: [{ role: 'user', content: 'Next one' }] });
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.evaluations).toHaveLength(1); // one at a time: the second waits
    fake.reply = 'Short.';
    leaving.abort();
    const next = await waiting;
    expect(content(next.lines)).toBe('Short.');
    expect(next.ms).toBeLessThan(5000);
    expect(fake.evaluations.map((e) => e.clientLeft)).toEqual([true, undefined]);
    expect(fake.openChats()).toBe(0);
  });

  it('never evaluates a request whose client left while it waited for its turn', async () => {
    fake.reply = 'word '.repeat(20);
    fake.tokenDelayMs = 30;
    const running = chat({ messages: hi });
    await new Promise((r) => setTimeout(r, 50));
    await expect(chat({ messages: [{ role: 'user', content: 'Gone' }] }, AbortSignal.timeout(100))).rejects.toThrow();
    await running;
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.evaluations).toHaveLength(1);
    expect(fake.evaluations[0]!.clientLeft).toBeUndefined();
  });
});
