import { describe, expect, it } from 'vitest';
import { useBotWorldStarter, type BotWorld } from './harness.js';
import { botMessages, postTicket } from './support-helpers.js';

/**
 * OLLAMA_MODEL set to an embedding model (the two settings sit side by side in .env): it is pulled, so
 * everything looked fine, but Ollama refuses every chat with it, 400 `"nomic-embed-text" does not support
 * chat` (the fake as Ollama's ChatHandler; tests/fakes/fake-ollama-capabilities.test.ts). Staff must be
 * told what is wrong and how to fix it; members still get the plain "no AI answer" message.
 */
const startWorld = useBotWorldStarter();

async function ollamaField(world: BotWorld): Promise<string> {
  const reply = await (await world.command('status')).waitForResponse();
  return reply.embeds[0]!.fields!.find((f) => f.name === 'Ollama')?.value ?? '(no Ollama field)';
}

describe('OLLAMA_MODEL is a model that cannot chat', () => {
  it('/status says the model cannot chat and what to set instead, not that all is well', async () => {
    const w = await startWorld({ OLLAMA_MODEL: 'nomic-embed-text' });
    w.ollama.models.push('nomic-embed-text');
    await w.setup();
    const field = await ollamaField(w);
    expect(field).not.toContain('✅ Model `nomic-embed-text`');
    expect(field).toContain('❌ Model `nomic-embed-text` cannot chat (it is an embedding model): set OLLAMA_MODEL to a chat model');
  });

  it('a member’s ticket still gets the plain message that no AI answer is possible, and the bot keeps working', async () => {
    const w = await startWorld({ OLLAMA_MODEL: 'nomic-embed-text' });
    w.ollama.models.push('nomic-embed-text');
    await w.setup();
    const threadId = postTicket(w, 'Refund', 'I want a refund');
    const reply = await w.fake.waitFor(() => botMessages(w, threadId).find((m) => !m.content.includes('▌') && m.content.length > 0), 8000, 'a reply');
    expect(reply.content).not.toMatch(/You asked/);
    expect(w.ollama.chatRequests()).toEqual([]); // nothing was answered by the embedding model
    expect((await ollamaField(w))).toContain('cannot chat');
  });

  it('a chat model is reported as before', async () => {
    const w = await startWorld();
    await w.setup();
    expect(await ollamaField(w)).toContain('✅ Model `llama3` is pulled');
  });
});
