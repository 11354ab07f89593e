import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiUnavailableError, OllamaService } from '../../../src/core/ai/ollama.js';
import { silentLogger } from '../../../src/log.js';
import { FakeOllama } from '../../fakes/ollama.js';

/** OLLAMA_MODEL set to a model Ollama will not chat with (tests/fakes/fake-ollama-capabilities.test.ts). */
let fake: FakeOllama;
beforeEach(async () => {
  fake = await FakeOllama.start({ models: ['llama3', 'nomic-embed-text', 'mystery'], version: '0.9.1' });
});
afterEach(async () => {
  await fake.stop();
});

const service = (model: string) => new OllamaService({ host: fake.url, model, firstTokenTimeoutMs: 3000, maxConcurrent: 1, logger: silentLogger() });

describe('health: a pulled model that cannot chat', () => {
  it('an embedding model: pulled, but health says it cannot chat and what to set; an answer fails plainly', async () => {
    const ai = service('nomic-embed-text');
    const health = await ai.health();
    expect(health).toMatchObject({ reachable: true, modelPulled: true, modelCannotChat: 'it is an embedding model' });
    expect(health.error).toBe('model "nomic-embed-text" cannot chat (it is an embedding model): set OLLAMA_MODEL to a chat model, e.g. llama3');
    const answer = ai.chat([{ role: 'user', content: 'Hi' }]);
    await expect(answer.next()).rejects.toBeInstanceOf(AiUnavailableError);
    ai.stop();
  });

  it('a model whose capabilities list neither: "Ollama lists no chat capability"; a chat model: nothing said', async () => {
    fake.capabilities.mystery = ['vision'];
    expect((await service('mystery').health()).modelCannotChat).toBe('Ollama lists no chat capability for it');
    const chat = await service('llama3').health();
    expect(chat.modelCannotChat).toBeUndefined();
    expect(chat.error).toBeUndefined();
  });

  it('a server too old to list capabilities is trusted to chat', async () => {
    fake.capabilities.mystery = [];
    expect((await service('mystery').health()).modelCannotChat).toBeUndefined();
  });
});
