import { afterEach, describe, expect, it } from 'vitest';
import { useBotWorldStarter, type BotWorld } from '../e2e/harness.js';
import { botMessages, postTicket } from '../e2e/support-helpers.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FakeOllama } from '../fakes/ollama.js';
import { createScene, startBotProcess } from './helpers.js';

/** OLLAMA_URL with several hosts (fake Ollama servers of their own), as staff and members see it. */
let hosts: FakeOllama[] = [];

afterEach(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  hosts = [];
});
// After the hook above: its worlds are stopped first, then their Ollama hosts.
const startWorld = useBotWorldStarter();

async function ollamaField(world: BotWorld): Promise<string> {
  const reply = await (await world.command('status')).waitForResponse();
  return reply.embeds[0]!.fields!.find((f) => f.name === 'Ollama')!.value;
}

const port = (fake: FakeOllama) => new URL(fake.url).port;

describe('several Ollama hosts', () => {
  it('/status shows every host: ready with its load, without the model, skipped because it is down', async () => {
    hosts = await Promise.all([FakeOllama.start(), FakeOllama.start({ models: ['mistral'] }), FakeOllama.start()]);
    const [ready, noModel, down] = hosts as [FakeOllama, FakeOllama, FakeOllama];
    await down.stop();
    const w = await startWorld({ OLLAMA_URL: hosts.map((h) => h.url).join(',') });
    await w.setup();
    const field = await ollamaField(w);
    expect(field).toContain('✅ Reachable (version 0.6.5)');
    expect(field).toContain(`✅ http://127.0.0.1:${port(ready)} (version 0.6.5): has \`llama3\`, 0 requests in progress`);
    expect(field).toContain(`⚠️ http://127.0.0.1:${port(noModel)} (version 0.6.5): no \`llama3\` (pull there)`);
    expect(field).toMatch(new RegExp(`❌ http://127\\.0\\.0\\.1:${port(down)}: skipped until its health check passes \\(Ollama is not reachable`));
  });

  it('answers a ticket with the AI while the first host is down, from the other one', async () => {
    hosts = await Promise.all([FakeOllama.start(), FakeOllama.start()]);
    const [down, up] = hosts as [FakeOllama, FakeOllama];
    await down.stop();
    const w = await startWorld({ OLLAMA_URL: `${down.url},${up.url}` });
    await w.setup();
    const thread = postTicket(w, 'Printer', 'My printer prints blank pages');
    const answer = await w.fake.waitFor(() => botMessages(w, thread).find((m) => m.content.startsWith('You asked:')), 5000, 'the AI answer');
    expect(answer.content).toContain('My printer prints blank pages');
    expect(up.chatRequests()).toHaveLength(1);
  });

  it('the bot process logs each host that is skipped at start', async () => {
    const fake = await FakeDiscord.start();
    hosts = await Promise.all([FakeOllama.start(), FakeOllama.start()]);
    const [up, down] = hosts as [FakeOllama, FakeOllama];
    await down.stop();
    const scene = createScene(fake);
    const bot = await startBotProcess({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, OLLAMA_URL: `${up.url},${down.url}`, DISCORD_GUILD_ID: scene.guildId });
    try {
      expect(await bot.waitForLine(/Ollama host .* is skipped/)).toContain(`Ollama host http://127.0.0.1:${port(down)} is skipped until its health check passes`);
      expect(await bot.waitForLine(/Ollama host .* is ready/)).toContain(`Ollama host http://127.0.0.1:${port(up)} is ready`);
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exited;
      await fake.stop();
    }
  }, 30_000);
});
