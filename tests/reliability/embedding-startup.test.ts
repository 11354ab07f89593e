import { describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FakeOllama } from '../fakes/ollama.js';
import { createScene, startBotProcess } from './helpers.js';

/** The real bot process checks OLLAMA_EMBED_MODEL at start (through /api/show) and says what is wrong in its log. */
describe('start-up check of the embedding model', () => {
  it('logs the pull command for a model that is not pulled, that a chat model cannot embed, and a ready model with its context', async () => {
    const fake = await FakeDiscord.start();
    const ollama = await FakeOllama.start({ models: ['llama3', 'all-minilm'] });
    const scene = createScene(fake);
    const env = { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, OLLAMA_URL: ollama.url, DISCORD_GUILD_ID: scene.guildId };
    const bots = await Promise.all(['nomic-embed-text', 'llama3', 'all-minilm'].map((model) => startBotProcess({ ...env, OLLAMA_EMBED_MODEL: model })));
    try {
      const [missing, chat, ready] = bots as [(typeof bots)[0], (typeof bots)[0], (typeof bots)[0]];
      expect(await missing.waitForLine(/Embedding model:/)).toContain('model "nomic-embed-text" is not pulled; run: ollama pull nomic-embed-text');
      expect(await chat.waitForLine(/Embedding model:/)).toContain('"llama3" is not an embedding model');
      expect(await ready.waitForLine(/Embedding model .* is ready/)).toContain('Embedding model all-minilm is ready (texts fitted to 512 tokens; long knowledge entries embedded in parts)');
    } finally {
      for (const bot of bots) bot.child.kill('SIGTERM');
      await Promise.all(bots.map((bot) => bot.exited));
      await Promise.all([fake.stop(), ollama.stop()]);
    }
  }, 40_000);
});
