import { afterEach, describe, expect, it } from 'vitest';
import { AI_UNAVAILABLE_NOTE, CUT_OFF_NOTE, FALLBACK_TEXT } from '../../src/core/responder.js';
import { WRITING_MARK } from '../../src/discord/tickets/streaming-reply.js';
import type { MessageView } from '../fakes/discord/index.js';
import { useBotWorld } from '../e2e/harness.js';
import { botMessages, postTicket } from '../e2e/support-helpers.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FakeOllama } from '../fakes/ollama.js';
import { createScene, startBotProcess } from './helpers.js';

/** OLLAMA_FIRST_TOKEN_TIMEOUT, and OLLAMA_ANSWER_TIMEOUT (a limit admins may set; off by default). */
const RESPONSE_TIMEOUT_S = 1;
/** What issue 6 promises: a sensible message within the timeout + 2 s. */
const DEADLINE_MS = (RESPONSE_TIMEOUT_S + 2) * 1000;

const w = useBotWorld({ OLLAMA_FIRST_TOKEN_TIMEOUT: String(RESPONSE_TIMEOUT_S), OLLAMA_ANSWER_TIMEOUT: String(RESPONSE_TIMEOUT_S) });
/** Ollama back up, healthy and quick, echoing the question. */
async function resetOllama(): Promise<void> {
  await w.ollama.restart();
  Object.assign(w.ollama, { mode: 'ok', firstTokenDelayMs: 0, tokenDelayMs: 0, chunkSize: 4, models: ['llama3'] });
  w.ollama.reply = (req) => `You asked: ${[...req.messages].reverse().find((m) => m.role === 'user')?.content ?? ''}`;
}
afterEach(resetOllama);

const lastBotText = (threadId: string) => botMessages(w, threadId).at(-1)?.content ?? '';

/** Waits for the bot's message in the thread that satisfies `done`, and how long it took from `since`. */
async function botAnswer(threadId: string, done: (m: MessageView) => boolean, since: number, timeoutMs = DEADLINE_MS + 2000) {
  const message = await w.fake.waitFor(() => botMessages(w, threadId).find(done), timeoutMs, 'the bot’s answer');
  return { message, elapsedMs: Date.now() - since };
}

async function statusOllamaField(): Promise<string> {
  const reply = await (await w.command('status')).waitForResponse();
  return reply.embeds[0]!.fields!.find((f) => f.name === 'Ollama')!.value;
}

describe('6.1 Ollama down at start, down mid-answer, back again', () => {
  it('the real bot starts with Ollama down, says so in its log and in tickets, and uses the AI once Ollama is up, without a restart', async () => {
    const fake = await FakeDiscord.start();
    const ollama = await FakeOllama.start();
    await ollama.stop();
    try {
      const scene = createScene(fake);
      const bot = await startBotProcess({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, OLLAMA_URL: ollama.url, DISCORD_GUILD_ID: scene.guildId });
      await bot.waitForLine(/Ollama is not reachable at .*answers come from training and knowledge bases/);
      const run = async (name: string, options: Record<string, string> = {}) =>
        (await fake.invokeSlashCommand({ guildId: scene.guildId, channelId: scene.generalId, userId: scene.adminId, name, options })).waitForResponse({ timeoutMs: 10_000 });
      await run('setup', { forum: scene.forumId, staff_role: scene.staffRoleId });
      expect(JSON.stringify((await run('status')).embeds)).toContain('Not reachable');

      const { thread } = fake.createForumPostAsUser({ forumId: scene.forumId, userId: scene.memberId, title: 'Help', content: 'Something nobody trained' });
      await fake.waitForMessage(thread.id, (m) => m.author.bot && m.content === FALLBACK_TEXT, 5000);

      await ollama.restart();
      ollama.reply = 'The AI is back.';
      fake.postAsUser({ channelId: thread.id, userId: scene.memberId, content: 'Still there?' });
      await fake.waitForMessage(thread.id, (m) => m.author.bot && m.content === 'The AI is back.', 5000);
      expect(JSON.stringify((await run('status')).embeds)).toMatch(/Reachable \(version/);

      bot.child.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
    } finally {
      await Promise.all([fake.stop(), ollama.stop()]);
    }
  }, 30_000);

  it('answers from knowledge bases while Ollama is down (saying so), marks a cut answer, and uses the AI again once it is back, without a restart', async () => {
    const kb = w.core.knowledge.create(w.guildId, { name: 'Billing' });
    w.core.knowledge.addEntry(w.guildId, kb.id, { title: 'Refund policy', content: 'Refunds are issued within 14 days of purchase from the store page.' });

    // Down from the start of this scenario.
    await w.ollama.stop();
    expect(await statusOllamaField()).toContain('Not reachable');
    const since = Date.now();
    const thread = postTicket(w, 'Refund', 'How do I get a refund for my purchase?');
    const { message: fromKb, elapsedMs } = await botAnswer(thread, (m) => m.content.startsWith(AI_UNAVAILABLE_NOTE), since);
    expect(fromKb.content).toContain('Refunds are issued within 14 days');
    expect(elapsedMs).toBeLessThan(DEADLINE_MS);

    // Back: the next message gets an AI answer, no restart.
    await w.ollama.restart();
    w.fake.postAsUser({ channelId: thread, userId: w.memberId, content: 'Thanks, and can I pay by card?' });
    await botAnswer(thread, (m) => m.content === 'You asked: Thanks, and can I pay by card?', Date.now());
    expect(await statusOllamaField()).toMatch(/Reachable[\s\S]*is pulled/);

    // Down mid-answer: what was written stays, marked as cut.
    w.ollama.reply = 'First you open the store page, then you pick the order, then you press the refund button and wait.';
    w.ollama.tokenDelayMs = 60;
    const midSince = Date.now();
    w.fake.postAsUser({ channelId: thread, userId: w.memberId, content: 'Walk me through it step by step' });
    await w.fake.waitFor(() => lastBotText(thread).startsWith('First you open'), 3000, 'the answer to start streaming');
    await w.ollama.stop();
    const { message: cut, elapsedMs: cutMs } = await botAnswer(thread, (m) => m.content.includes(CUT_OFF_NOTE), midSince);
    expect(cut.content.startsWith('First you open')).toBe(true);
    expect(cut.content).not.toContain(WRITING_MARK);
    expect(cutMs).toBeLessThan(DEADLINE_MS + 1000);
    expect(await statusOllamaField()).toContain('Not reachable');

    // And back once more.
    await w.ollama.restart();
    w.ollama.tokenDelayMs = 0;
    w.ollama.reply = 'Happy to help again.';
    w.fake.postAsUser({ channelId: thread, userId: w.memberId, content: 'Is the AI back?' });
    await botAnswer(thread, (m) => m.content === 'Happy to help again.', Date.now());
    const stored = w.core.tickets.info(w.guildId, thread)!;
    expect(stored.lastAnswer?.source).toMatchObject({ kind: 'ai', complete: true });
  });
});

/** Each failure of issue 6.2, set up on the fake Ollama. */
const FAILURES: { name: string; setup: () => void; partial: boolean }[] = [
  { name: 'slow: first token after OLLAMA_FIRST_TOKEN_TIMEOUT', setup: () => void (w.ollama.firstTokenDelayMs = RESPONSE_TIMEOUT_S * 1000 + 2000), partial: false },
  { name: 'slow: the answer takes longer than OLLAMA_ANSWER_TIMEOUT', setup: () => Object.assign(w.ollama, { tokenDelayMs: 150, reply: 'Part one of a long answer that keeps going for a good while.' }), partial: true },
  { name: 'hanging', setup: () => void (w.ollama.mode = 'hang'), partial: false },
  { name: '503 busy', setup: () => void (w.ollama.mode = 'busy503'), partial: false },
  { name: '404 model missing', setup: () => void (w.ollama.models = ['mistral']), partial: false },
  { name: 'stream cut mid-answer', setup: () => Object.assign(w.ollama, { mode: 'cut', tokenDelayMs: 30, reply: 'Part one of a long answer that is cut off.' }), partial: true },
  { name: 'error line mid-answer', setup: () => Object.assign(w.ollama, { mode: 'errorLine', tokenDelayMs: 30, reply: 'Part one of a long answer that fails.' }), partial: true },
];

describe('6.2 Ollama slow, hanging, busy, missing its model, or cut mid-answer', () => {
  for (const failure of FAILURES) {
    it(`${failure.name}: the member gets a sensible message within the timeout + 2 s, and the next message is answered normally`, async () => {
      failure.setup();
      const since = Date.now();
      const thread = postTicket(w, `Trouble ${failure.name}`.slice(0, 100), 'My game keeps crashing on startup');
      const isFinal = (m: MessageView) => (failure.partial ? m.content.endsWith(CUT_OFF_NOTE) : m.content === FALLBACK_TEXT);
      const { message, elapsedMs } = await botAnswer(thread, isFinal, since);
      expect(elapsedMs).toBeLessThanOrEqual(DEADLINE_MS);
      expect(message.content).not.toContain(WRITING_MARK);
      if (failure.partial) expect(message.content.startsWith('Part one')).toBe(true);
      const stored = w.core.tickets.info(w.guildId, thread)!.lastAnswer!;
      expect(stored.content).toBe(message.content);
      if (failure.partial) expect(stored.source).toMatchObject({ kind: 'ai', complete: false });
      // Nothing left behind at Ollama once the bot gave up.
      await w.fake.waitFor(() => w.ollama.openChats() === 0, 2000, 'no open chat request');

      await resetOllama();
      w.ollama.reply = 'It works now.';
      w.fake.postAsUser({ channelId: thread, userId: w.memberId, content: 'Any news?' });
      const next = await botAnswer(thread, (m) => m.content === 'It works now.', Date.now());
      expect(next.elapsedMs).toBeLessThan(DEADLINE_MS);
      expect(botMessages(w, thread).filter((m) => m.content.includes(WRITING_MARK))).toEqual([]);
    });
  }
});
