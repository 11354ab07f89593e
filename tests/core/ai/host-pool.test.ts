import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { OllamaService } from '../../../src/core/ai/ollama.js';
import { silentLogger } from '../../../src/log.js';
import { FakeOllama } from '../../fakes/ollama.js';

/** Several Ollama hosts in OLLAMA_URL, through two (or three) fake Ollama servers. */
let a: FakeOllama;
let b: FakeOllama;

beforeEach(async () => {
  [a, b] = await Promise.all([FakeOllama.start(), FakeOllama.start()]);
});

afterEach(async () => {
  await Promise.all([a.stop(), b.stop()]);
});

function service(urls: string[] = [a.url, b.url], options: { maxConcurrent?: number; embedModel?: string } = {}): OllamaService {
  return new OllamaService({ host: urls, model: 'llama3', firstTokenTimeoutMs: 5_000, maxConcurrent: options.maxConcurrent ?? 1, logger: silentLogger(), hostRecheckMs: 100, ...options });
}

async function answer(ai: OllamaService, question = 'Hello?'): Promise<string> {
  let text = '';
  for await (const part of ai.chat([{ role: 'user', content: question }])) text += part;
  return text;
}

const chats = (fake: FakeOllama) => fake.chatRequests().length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OLLAMA_URL with several hosts', () => {
  it('reads a comma-separated list of hosts, and names a bad one', () => {
    const ok = parseConfig({ OLLAMA_URL: 'http://gpu1:11434, http://gpu2:11434/ ,http://gpu1:11434' });
    expect(ok.ok && ok.config.OLLAMA_URL).toEqual(['http://gpu1:11434', 'http://gpu2:11434']);
    const bad = parseConfig({ OLLAMA_URL: 'http://gpu1:11434,gpu2:11434' });
    expect(bad.ok ? [] : bad.problems).toEqual([
      'OLLAMA_URL="http://gpu1:11434,gpu2:11434" must be http:// or https:// URLs separated by commas; "gpu2:11434" is not one',
    ]);
  });

  it('sends answers asked at once to different hosts: each to the least busy one', async () => {
    a.firstTokenDelayMs = b.firstTokenDelayMs = 150;
    const ai = service();
    const answers = await Promise.all([answer(ai, 'one'), answer(ai, 'two')]);
    expect(answers).toEqual(['You asked: one', 'You asked: two']);
    expect([chats(a), chats(b)]).toEqual([1, 1]);
  });

  it('while one host is busy with a long answer, the next answers go to the other one', async () => {
    a.tokenDelayMs = 100;
    a.reply = 'A long answer that takes its time to stream out.';
    const ai = service([a.url, b.url], { maxConcurrent: 2 });
    const long = answer(ai, 'long one');
    await sleep(50);
    expect(await answer(ai, 'quick one')).toBe('You asked: quick one');
    expect(await answer(ai, 'quick two')).toBe('You asked: quick two');
    await long;
    expect(a.chatRequests().map((r) => r.messages.at(-1)?.content)).toEqual(['long one']);
    expect(b.chatRequests().map((r) => r.messages.at(-1)?.content)).toEqual(['quick one', 'quick two']);
  });

  it('sends answers only to a host that has the model', async () => {
    a.models = ['mistral'];
    const ai = service();
    for (const q of ['one', 'two', 'three']) expect(await answer(ai, q)).toBe(`You asked: ${q}`);
    expect([chats(a), chats(b)]).toEqual([0, 3]);
    const health = await ai.health();
    expect(health).toMatchObject({ reachable: true, modelPulled: true });
    expect(health.hosts!.map((h) => h.models)).toEqual([['mistral:latest'], ['llama3:latest']]);
  });

  it('loses no answer when a host goes down, skips it until its health check passes, then uses it again', async () => {
    const ai = service();
    await a.stop();
    for (const q of ['one', 'two', 'three']) expect(await answer(ai, q)).toBe(`You asked: ${q}`);
    expect(chats(b)).toBe(3);
    expect((await ai.health()).hosts!.map((h) => h.reachable)).toEqual([false, true]);

    await a.restart();
    await sleep(150); // past hostRecheckMs: the next request starts a health check of the skipped host
    await answer(ai, 'wake up');
    await sleep(50);
    await Promise.all([answer(ai, 'four'), answer(ai, 'five')]);
    expect(chats(a)).toBeGreaterThanOrEqual(1);
    expect(ai.pool.statuses().map((h) => h.reachable)).toEqual([true, true]);
  });

  it('fails as down, naming every host, only when no host can be reached', async () => {
    await Promise.all([a.stop(), b.stop()]);
    const failure = await answer(service()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'down' });
    expect(String((failure as Error).message)).toContain(new URL(a.url).port);
    expect(String((failure as Error).message)).toContain(new URL(b.url).port);
  });

  it('fails as model_missing when the reachable hosts all lack the model', async () => {
    a.models = ['mistral'];
    b.models = ['mistral'];
    await expect(answer(service())).rejects.toMatchObject({ kind: 'model_missing' });
  });

  it('loads the model at start on every host that has it, so no host\'s first member waits for the load', async () => {
    const c = await FakeOllama.start({ models: ['mistral'] });
    try {
      const ai = service([a.url, b.url, c.url]);
      expect(await ai.warmUp()).toBe(true);
      expect([a.loadedModels(), b.loadedModels(), c.loadedModels()]).toEqual([['llama3:latest'], ['llama3:latest'], []]);
    } finally {
      await c.stop();
    }
  });

  it('embeds on a host that has the embedding model', async () => {
    b.models = ['llama3', 'nomic-embed-text'];
    const ai = service([a.url, b.url], { embedModel: 'nomic-embed-text' });
    const vectors = await ai.embed(['reset my password', 'where is my order']);
    expect(vectors.every((v) => v !== undefined)).toBe(true);
    expect(a.requests.filter((r) => r.path === '/api/embed')).toEqual([]);
    expect(b.requests.filter((r) => r.path === '/api/embed')).toHaveLength(1);
  });
});
