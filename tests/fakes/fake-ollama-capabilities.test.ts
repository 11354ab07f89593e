import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeOllama } from './ollama.js';

/**
 * A chat needs a chat model (server/routes.go ChatHandler: scheduleRunner checks the "completion"
 * capability, read at ollama/ollama fb30760): an embedding model set as the chat model is refused with
 * 400, also for the load the bot sends first, and the real `ollama` client throws a ResponseError.
 */
let fake: FakeOllama;
beforeEach(async () => {
  fake = await FakeOllama.start({ models: ['llama3', 'nomic-embed-text'] });
});
afterEach(async () => {
  await fake.stop();
});

describe('fake Ollama: chat with a model that cannot chat', () => {
  it('an embedding model: 400 "does not support chat" for a chat and for a load, nothing loaded; /api/show lists only "embedding"', async () => {
    const client = new Ollama({ host: fake.url });
    const refused = { name: 'ResponseError', status_code: 400, error: '"nomic-embed-text" does not support chat' };
    await expect(client.chat({ model: 'nomic-embed-text', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject(refused);
    await expect(client.chat({ model: 'nomic-embed-text', messages: [], stream: false })).rejects.toMatchObject(refused);
    expect(fake.loadedModels()).toEqual([]);
    expect((await client.show({ model: 'nomic-embed-text' })).capabilities).toEqual(['embedding']);
    // A chat model is unaffected, and the embedding model still embeds.
    expect((await client.chat({ model: 'llama3', messages: [{ role: 'user', content: 'Hi' }] })).message.content).toBe('You asked: Hi');
    expect((await client.embed({ model: 'nomic-embed-text', input: 'Hi' })).embeddings).toHaveLength(1);
  });

  it('unloading (no messages, an explicit keep_alive 0) comes before the capability check and loads nothing, as in ChatHandler', async () => {
    for (const model of ['nomic-embed-text', 'llama3']) {
      const res = await fetch(`${fake.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model, messages: [], keep_alive: 0 }) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { done_reason: string }).done_reason).toBe('unload');
    }
    expect(fake.loadedModels()).toEqual([]);
  });
});
