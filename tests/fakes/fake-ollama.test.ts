import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeOllama, SERVER_BUSY_ERROR, modelNotFoundError } from './ollama.js';

/** The stand-in is only worth having if it answers as Ollama does; these pin the wire format. */
let fake: FakeOllama;

beforeEach(async () => {
  fake = await FakeOllama.start();
});

afterEach(async () => {
  await fake.stop();
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

const chat = { model: 'llama3', messages: [{ role: 'user', content: 'Hi there' }] };

describe('FakeOllama wire format', () => {
  it('streams chat as NDJSON lines ending in a done line with nanosecond durations', async () => {
    fake.reply = 'Hello, member!';
    const res = await post('/api/chat', chat);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = lines.at(-1)!;
    for (const line of lines.slice(0, -1)) {
      expect(line).toMatchObject({ model: 'llama3', message: { role: 'assistant' }, done: false });
      expect(Number.isNaN(Date.parse(String(line.created_at)))).toBe(false);
    }
    expect(lines.slice(0, -1).map((l) => (l.message as { content: string }).content).join('')).toBe('Hello, member!');
    expect(last).toMatchObject({ done: true, done_reason: 'stop', message: { role: 'assistant', content: '' } });
    for (const key of ['total_duration', 'load_duration', 'prompt_eval_count', 'eval_count', 'eval_duration']) {
      expect(Number.isInteger(last[key]), key).toBe(true);
    }
  });

  it('answers stream:false with one JSON object', async () => {
    fake.reply = 'All in one.';
    const res = await post('/api/chat', { ...chat, stream: false });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ message: { role: 'assistant', content: 'All in one.' }, done: true, done_reason: 'stop' });
  });

  it("uses Ollama's statuses and wording for a missing model and a full queue", async () => {
    const missing = await post('/api/chat', { ...chat, model: 'mistral' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: modelNotFoundError('mistral') });
    fake.mode = 'busy503';
    const busy = await post('/api/chat', chat);
    expect(busy.status).toBe(503);
    expect(await busy.json()).toEqual({ error: SERVER_BUSY_ERROR });
  });

  it('lists pulled models with their tag, and the models that served a request', async () => {
    const tags = (await (await fetch(`${fake.url}/api/tags`)).json()) as { models: Record<string, unknown>[] };
    expect(tags.models).toHaveLength(1);
    expect(tags.models[0]).toMatchObject({ name: 'llama3:latest', model: 'llama3:latest', details: { format: 'gguf' } });
    expect(tags.models[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await (await fetch(`${fake.url}/api/ps`)).json()).toEqual({ models: [] });
    await (await post('/api/chat', chat)).text();
    const ps = (await (await fetch(`${fake.url}/api/ps`)).json()) as { models: { name: string }[] };
    expect(ps.models.map((m) => m.name)).toEqual(['llama3:latest']);
  });

  it('embeds a single string input as one vector', async () => {
    const res = await post('/api/embed', { model: 'llama3', input: 'hello' });
    const body = (await res.json()) as { model: string; embeddings: number[][] };
    expect(body.model).toBe('llama3');
    expect(body.embeddings).toHaveLength(1);
  });

  it('serves at most `parallelism` chats at once; the others wait their turn', async () => {
    fake.parallelism = 1;
    fake.tokenDelayMs = 30;
    fake.reply = 'abcdefgh';
    const finished: number[] = [];
    await Promise.all(
      [1, 2].map(async (i) => {
        await (await post('/api/chat', { ...chat, messages: [{ role: 'user', content: `q${i}` }] })).text();
        finished.push(i);
      }),
    );
    expect(finished).toEqual([1, 2]);
    expect(fake.openChats()).toBe(0);
  });

  it('refuses connections after stop() and accepts them on the same port after restart()', async () => {
    const url = fake.url;
    await fake.stop();
    await expect(fetch(`${url}/api/version`)).rejects.toThrow();
    await fake.restart();
    expect(fake.url).toBe(url);
    expect(await (await fetch(`${url}/api/version`)).json()).toEqual({ version: fake.version });
  });
});
