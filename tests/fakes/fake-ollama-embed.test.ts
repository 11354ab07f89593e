import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbedding, FakeOllama, MID_STREAM_ERROR } from './ollama.js';
import { fakeTokenCount, inputTooLongError, truncateToTokens } from './ollama-embed.js';

/** Pins the fake's /api/embed context rule against Ollama's server/routes.go EmbedHandler (see tests/fakes/ollama-embed.ts). */
let fake: FakeOllama;

beforeEach(async () => {
  fake = await FakeOllama.start({ models: ['all-minilm', 'nomic-embed-text'] });
});

afterEach(async () => {
  await fake.stop();
});

async function embed(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}/api/embed`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** `n` fake tokens of ordinary words. */
const words = (n: number, word = 'word') => Array.from({ length: n }, (_, i) => `${word}${i % 10}`).join(' ');

describe('FakeOllama /api/embed and the embedding model context', () => {
  it('counts tokens like a word-piece tokenizer: words, long words in pieces, punctuation, CJK characters', () => {
    expect(fakeTokenCount('Reset my password, please!')).toBe(6);
    expect(fakeTokenCount('internationalisation')).toBe(3);
    expect(fakeTokenCount('パスワード')).toBe(5);
    expect(truncateToTokens('one two three four', 2)).toBe('one two');
  });

  it('cuts an over-long input silently by default (truncate absent), as Ollama has since v0.3.0', async () => {
    const long = `${words(500)} ${words(100, 'tail')}`; // all-minilm: 512 tokens, 2 of them BOS/EOS
    const { status, json } = await embed({ model: 'all-minilm', input: ['short text', long] });
    expect(status).toBe(200);
    const embeddings = json.embeddings as number[][];
    expect(embeddings).toHaveLength(2);
    expect(embeddings[1]).toEqual(fakeEmbedding(truncateToTokens(long, 510)));
    expect(embeddings[1]).not.toEqual(fakeEmbedding(long));
    expect(json.prompt_eval_count).toBe(fakeTokenCount('short text') + 2 + 512);
    expect(fakeTokenCount(long)).toBe(600);
  });

  it('fails the whole request with 400 and Ollama\'s error body when truncate is false and one input is too long', async () => {
    const { status, json } = await embed({ model: 'all-minilm', input: ['fine', words(511)], truncate: false });
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'input exceeds maximum context length' }); // the fake's default version, 0.6.5
    expect((await embed({ model: 'all-minilm', input: ['fine', words(510)], truncate: false })).status).toBe(200);
  });

  it('uses each model\'s own context: nomic-embed-text takes 2048 tokens where all-minilm takes 512', async () => {
    const text = words(1000);
    expect((await embed({ model: 'nomic-embed-text', input: [text], truncate: false })).status).toBe(200);
    expect((await embed({ model: 'all-minilm', input: [text], truncate: false })).status).toBe(400);
  });

  it('with embedRefusesOverlong, fails the whole batch for one long input even with truncation on', async () => {
    fake.embedRefusesOverlong = true;
    const { status, json } = await embed({ model: 'all-minilm', input: ['a', 'b', words(700), 'c'] });
    expect(status).toBe(400);
    expect(json).toEqual({ error: inputTooLongError(fake.version) });
    expect((await embed({ model: 'all-minilm', input: ['a', 'b', 'c'] })).status).toBe(200);
  });

  it('answers /api/show with the embedding capability and the context length the embed rule uses', async () => {
    const show = async (model: string) => {
      const res = await fetch(`${fake.url}/api/show`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model }) });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    expect((await show('all-minilm')).json).toMatchObject({ capabilities: ['embedding'], model_info: { 'general.architecture': 'bert', 'bert.context_length': 512 } });
    expect((await show('nomic-embed-text:latest')).json).toMatchObject({ model_info: { 'nomic-bert.context_length': 2048 } });
    expect(await show('mxbai-embed-large')).toEqual({ status: 404, json: { error: "model 'mxbai-embed-large' not found" } });
    fake.models.push('llama3');
    expect((await show('llama3')).json.capabilities).toEqual(['completion']);
  });

  it('refuses inputs beyond embedRefusesBeyondTokens with 400, though /api/show reports the whole context', async () => {
    fake.embedRefusesBeyondTokens = 64;
    expect((await embed({ model: 'all-minilm', input: ['fine', words(63)] })).status).toBe(400);
    expect((await embed({ model: 'all-minilm', input: ['fine', words(62)] })).status).toBe(200);
  });

  it('fails the whole request with 500 and the runner error when the runner fails on one input', async () => {
    fake.embedRunnerFailsOn = (text) => text === 'bad';
    const { status, json } = await embed({ model: 'all-minilm', input: ['good', 'bad'] });
    expect(status).toBe(500);
    expect(json).toEqual({ error: MID_STREAM_ERROR });
  });

  it('words the 400 as the Ollama version in use does', () => {
    expect(inputTooLongError('0.13.3')).toBe('the input length exceeds the context length');
    expect(inputTooLongError('0.6.5')).toBe('input exceeds maximum context length');
  });
});

describe('FakeOllama /api/embed: the embedding model is loaded and unloaded like any model (server/routes.go EmbedHandler → scheduleRunner)', () => {
  it('loads it before the first request, keeps it for keep_alive (default 5 minutes), then the next request loads it again', async () => {
    Object.assign(fake, { embedLoadMs: 200, timeScale: 1, defaultKeepAliveMs: 300 }); // a server started with OLLAMA_KEEP_ALIVE=300ms
    const timed = async (body: Record<string, unknown>) => {
      const started = Date.now();
      expect((await embed({ model: 'all-minilm', input: 'reset my password', ...body })).status).toBe(200);
      return Date.now() - started;
    };
    expect(await timed({})).toBeGreaterThanOrEqual(190);
    expect(fake.loadedModels()).toEqual(['all-minilm:latest']);
    expect(await timed({})).toBeLessThan(150);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.loadedModels()).toEqual([]);
    expect(await timed({ keep_alive: '30m' })).toBeGreaterThanOrEqual(190);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.loadedModels()).toEqual(['all-minilm:latest']);
  });

  it('abandons the load when the client leaves during it (llm/llama_server.go "aborting load")', async () => {
    fake.embedLoadMs = 300;
    const body = JSON.stringify({ model: 'all-minilm', input: 'reset my password' });
    await expect(fetch(`${fake.url}/api/embed`, { method: 'POST', body, signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.loadedModels()).toEqual([]);
  });
});
