import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBotWorld } from '../e2e/harness.js';
import { botMessages } from '../e2e/support-helpers.js';

const TICKETS = 200;

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
// Registered before the world's hooks, so that they watch its start and (after hooks run in reverse) its stop.
beforeAll(() => {
  process.on('unhandledRejection', onRejection);
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
});

const w = useBotWorld({ OLLAMA_MAX_CONCURRENT: '1', OLLAMA_FIRST_TOKEN_TIMEOUT: '30' });
beforeAll(() => {
  w.ollama.parallelism = 1;
  w.ollama.chunkSize = 100;
  w.ollama.firstTokenDelayMs = 5;
});

describe('6.3 a burst of 200 tickets while Ollama serves one answer at a time', () => {
  it('stores and answers every message, in arrival order per ticket, none dropped, and tells queued members the bot is working on it', async () => {
    const members = Array.from({ length: TICKETS }, (_, i) => w.fake.addMember(w.guildId, { username: `member${i}` }).id);
    // Posted in one go (no await in between), as a burst arrives.
    const threads = members.map((userId, i) => {
      const thread = w.fake.createForumPostAsUser({ forumId: w.forumId, userId, title: `Question ${i}`, content: `My problem number ${i}` }).thread.id;
      // Every twentieth member adds a second message at once: it must be answered after the first.
      if (i % 20 === 0) w.fake.postAsUser({ channelId: thread, userId, content: `Follow-up ${i}` });
      return thread;
    });

    const answersOf = (i: number) => [`You asked: Question ${i}\n\nMy problem number ${i}`, ...(i % 20 === 0 ? [`You asked: Follow-up ${i}`] : [])];
    const shown = (thread: string) => botMessages(w, thread).map((m) => m.content);
    const done = () => threads.every((t, i) => shown(t).length === answersOf(i).length && !shown(t).some((c) => c.includes('▌') || c.startsWith('⏳')));
    await w.fake.waitFor(done, 60_000, 'every message answered');

    for (const [i, thread] of threads.entries()) {
      // As the member sees it: each answer once, in the order the messages were sent.
      expect(shown(thread), `ticket ${i}`).toEqual(answersOf(i));
      const info = w.core.tickets.info(w.guildId, thread)!;
      const n = answersOf(i).length;
      expect(info.counts, `ticket ${i}`).toEqual({ user: n, bot: n, staff: 0 });
    }
    // Ollama was asked about the first messages in the order the posts arrived.
    const asked = w.ollama.chatRequests().map((r) => r.messages.at(-1)!.content).filter((c) => c.startsWith('Question'));
    expect(asked).toEqual(threads.map((_, i) => `Question ${i}\n\nMy problem number ${i}`));

    // Everyone but the first had to wait, and saw that the bot was on it: a queue notice, or typing.
    const sawProgress = threads.filter((t) => {
      const noticed = w.fake.requests.some((r) => r.method === 'POST' && r.path === `/channels/${t}/messages` && JSON.stringify(r.body).includes('Working on your question'));
      return noticed || w.fake.typing.some((e) => e.channelId === t);
    });
    expect(sawProgress.length).toBe(TICKETS);
    expect(rejections).toEqual([]);
  }, 90_000);
});
