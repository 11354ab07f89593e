import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaService, type ChatMessage } from '../../../src/core/ai/ollama.js';
import { FakeOllama } from '../../fakes/ollama.js';
import { silentLogger } from '../../../src/log.js';

/**
 * Issue 12 points 2, 4 and 5 at the Ollama service: a real Ollama on a slow machine (the faithful
 * fake, see tests/fakes/ollama-runner.ts) loads the model, evaluates slowly, answers one at a time
 * and may be a thinking model.
 */
let fake: FakeOllama;
const question: ChatMessage[] = [{ role: 'user', content: 'How do I reset my password?' }];

beforeEach(async () => {
  fake = await FakeOllama.start({ models: ['llama3', 'qwen3', 'nomic-embed-text'] });
});
afterEach(async () => {
  await fake.stop();
});

function service(overrides: Partial<ConstructorParameters<typeof OllamaService>[0]> = {}): OllamaService {
  return new OllamaService({ host: fake.url, model: 'llama3', firstTokenTimeoutMs: 3000, maxConcurrent: 1, logger: silentLogger(), ...overrides });
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

describe('timeouts that fit a slow machine (point 2)', () => {
  it('does not cut an answer that keeps streaming past the first-token deadline', async () => {
    fake.reply = 'a'.repeat(48);
    fake.chunkSize = 4;
    fake.tokenDelayMs = 250; // ~3 s of steady streaming
    expect(await collect(service({ firstTokenTimeoutMs: 1500, stallTimeoutMs: 1000 }).chat(question))).toBe(fake.reply);
  });

  it('gives up on a stalled stream after the stall deadline, keeping what came', async () => {
    fake.reply = 'abcdefgh';
    fake.chunkSize = 4;
    fake.tokenDelayMs = 1000;
    const ai = service({ stallTimeoutMs: 200 });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of ai.chat(question)) seen.push(chunk);
      })(),
    ).rejects.toMatchObject({ kind: 'timeout', message: expect.stringContaining('OLLAMA_STALL_TIMEOUT') });
    expect(seen).toEqual(['abcd']);
  });

  it('never abandons a model load by its own deadline: the answer falls back, the load finishes, the next answer is quick', async () => {
    fake.loadMs = 800;
    const ai = service({ firstTokenTimeoutMs: 300 });
    await expect(collect(ai.chat(question))).rejects.toMatchObject({ kind: 'timeout' });
    await expect.poll(() => fake.loadedModels(), { timeout: 2000 }).toEqual(['llama3:latest']);
    expect(await collect(ai.chat(question))).toBe('You asked: How do I reset my password?');
    expect(fake.evaluations.filter((e) => e.loaded)).toHaveLength(0); // the chat itself never had to load
  });

  it('loads the model at start-up with the same num_ctx and keep_alive as the answers, so the first answer pays no load', async () => {
    fake.loadMs = 400;
    const ai = service({ numCtx: 4096, keepAlive: '45m' });
    expect(await ai.warmUp()).toBe(true);
    expect(fake.loadRequests()).toEqual([expect.objectContaining({ model: 'llama3', messages: [], keep_alive: '45m', options: { num_ctx: 4096 } })]);
    const started = Date.now();
    await collect(ai.chat(question));
    expect(Date.now() - started).toBeLessThan(300);
    expect(fake.chatRequests()[0]).toMatchObject({ keep_alive: '45m', options: { num_ctx: 4096 } });
  });

  it('with OLLAMA_KEEP_ALIVE=-1 (keep loaded for ever) the load, an answer and an embed are accepted: -1 goes as the number Ollama reads', async () => {
    // Ollama passes a keep_alive string to Go's time.ParseDuration, which refuses "-1" (no unit) with 400;
    // only the number -1 means for ever (api/types.go Duration.UnmarshalJSON; the fake's keepAliveBindError).
    const ai = service({ keepAlive: '-1', embedModel: 'nomic-embed-text' });
    expect(await ai.warmUp()).toBe(true);
    expect(await collect(ai.chat(question))).toBe('You asked: How do I reset my password?');
    const [vector] = await ai.embed(['How do I reset my password?']);
    expect(vector?.length).toBeGreaterThan(0);
    const sent = fake.requests.filter((r) => r.path === '/api/chat' || r.path === '/api/embed').map((r) => (r.body as { keep_alive?: unknown }).keep_alive);
    expect(sent).toEqual([-1, -1, -1]);
  });

  it('sends options.num_ctx (OLLAMA_NUM_CTX), num_predict (OLLAMA_MAX_ANSWER_TOKENS) and temperature with every answer', async () => {
    await collect(service({ numCtx: 8192, maxAnswerTokens: 700, temperature: 0.2 }).chat(question));
    expect(fake.chatRequests()[0]!.options).toEqual({ num_ctx: 8192, num_predict: 700, temperature: 0.2 });
  });
});

describe('concurrency (point 4)', () => {
  it('retries a 503 with back-off within the first-token deadline instead of failing at once', async () => {
    fake.mode = 'busy503';
    setTimeout(() => (fake.mode = 'ok'), 400);
    expect(await collect(service({ firstTokenTimeoutMs: 5000 }).chat(question))).toBe('You asked: How do I reset my password?');
    expect(fake.requests.filter((r) => r.path === '/api/chat').length).toBeGreaterThan(1);
  });
});

describe('thinking models (point 5)', () => {
  it('sends think:false to a model whose /api/show lists the thinking capability, and not to others', async () => {
    fake.thinking = 'The member wants a password reset; the references say /reset.';
    fake.reply = 'Use /reset.';
    expect(await collect(service({ model: 'qwen3' }).chat(question))).toBe('Use /reset.');
    await collect(service().chat(question));
    expect(fake.chatRequests().map((r) => r.think)).toEqual([false, undefined]);
  });

  it('sends think "low" to gpt-oss, which ignores false (harmony): its reasoning never reaches the answer text', async () => {
    fake.models.push('gpt-oss:20b');
    fake.thinking = (req) => `Reasoning at ${req.effort}.`;
    fake.reply = 'Use /reset.';
    expect(await collect(service({ model: 'gpt-oss:20b' }).chat(question))).toBe('Use /reset.');
    expect(fake.chatRequests().map((r) => r.think)).toEqual(['low']);
  });
});
