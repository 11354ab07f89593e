import { afterEach, describe, expect, it } from 'vitest';
import { WRITING_MARK } from '../../src/discord/tickets/streaming-reply.js';
import { useBotWorld } from '../e2e/harness.js';
import { botMessages, postTicket } from '../e2e/support-helpers.js';

const w = useBotWorld({ OLLAMA_FIRST_TOKEN_TIMEOUT: '20' });
afterEach(() => {
  w.fake.limits.mode = 'lenient';
  Object.assign(w.ollama, { tokenDelayMs: 0, chunkSize: 4 });
  w.ollama.reply = (req) => `You asked: ${req.messages.at(-1)!.content}`;
});

const botTexts = (threadId: string) => botMessages(w, threadId).map((m) => m.content);
const LONG_ANSWER = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}: check the setting number ${i + 1} and save it.`).join('\n');

const LAUNCHER_TROUBLE = 'The launcher will not start';

/** Resolves once the bot has made no request to the fake for 300 ms (an answer's follow-up requests are done). */
async function quiet(): Promise<void> {
  for (let count = -1; count !== w.fake.requests.length; ) {
    count = w.fake.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Message sends and edits the fake answered for this thread: [status, method]. */
const messageRequests = (threadId: string) =>
  w.fake.requests.filter((r) => r.path.startsWith(`/channels/${threadId}/messages`) && r.method !== 'GET').map((r) => ({ status: r.status, method: r.method, at: r.at }));

describe('6.4 Discord answers 429 or 5xx on sends and edits; the gateway drops', () => {
  it('429 on sends and edits: the streamed answer still arrives whole (discord.js waits out the limit)', async () => {
    w.ollama.reply = LONG_ANSWER;
    w.ollama.chunkSize = 40;
    w.ollama.tokenDelayMs = 80;
    w.fake.faults.rateLimitNext({ route: 'messages', count: 3, retryAfterMs: 800 });
    const thread = postTicket(w, 'Rate limited', LAUNCHER_TROUBLE);
    await w.fake.waitFor(() => botTexts(thread).join('\n') === LONG_ANSWER, 15_000, 'the whole answer');
    const requests = messageRequests(thread);
    expect(requests.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(botTexts(thread).some((t) => t.includes(WRITING_MARK))).toBe(false);
  });

  it('with Discord’s real message limits, streaming edits stay within them: no 429 at all', async () => {
    w.fake.limits.mode = 'realistic';
    w.ollama.reply = LONG_ANSWER;
    w.ollama.chunkSize = 20;
    w.ollama.tokenDelayMs = 160; // about 5 s of writing
    const started = Date.now();
    const thread = postTicket(w, 'Long answer', LAUNCHER_TROUBLE);
    await w.fake.waitFor(() => botTexts(thread).join('\n') === LONG_ANSWER, 20_000, 'the whole answer');
    const requests = messageRequests(thread);
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
    const edits = requests.filter((r) => r.method === 'PATCH');
    // About one edit a second at most, whatever the number of chunks (there were ~30).
    expect(edits.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
    expect(edits.length).toBeGreaterThanOrEqual(2);
  });

  it('5xx on sends and edits, even past discord.js’s own three retries: the answer still arrives whole', async () => {
    // A trained answer is one send: four 502s in a row exhaust discord.js's retries for it.
    await (await w.command('train', { question: 'Where do I download the launcher?', answer: 'From the #downloads channel.' })).waitForResponse();
    w.core.training.add(w.guildId, { question: 'How do I reset my password?', answer: 'Use /reset.' });
    w.core.training.add(w.guildId, { question: 'Which ports does the server use?', answer: 'Port 25565.' });
    const trained = postTicket(w, 'Mouse', 'my mouse is broken');
    await w.fake.waitFor(() => botTexts(trained).length === 1, 5000, 'the first answer');
    await quiet();
    w.fake.faults.failNext({ status: 502, route: 'messages', count: 4 });
    w.fake.postAsUser({ channelId: trained, userId: w.memberId, content: 'Where do I download the launcher?' });
    await w.fake.waitFor(() => botTexts(trained).includes('From the #downloads channel.'), 10_000, 'the trained answer');
    expect(messageRequests(trained).filter((r) => r.status === 502).length).toBe(4);

    // A streamed answer: sends and edits fail along the way.
    w.ollama.reply = LONG_ANSWER;
    w.ollama.chunkSize = 40;
    w.ollama.tokenDelayMs = 50;
    await quiet();
    w.fake.faults.failNext({ status: 500, route: 'messages', count: 6 });
    const streamed = postTicket(w, 'Server error', LAUNCHER_TROUBLE);
    await w.fake.waitFor(() => botTexts(streamed).join('\n') === LONG_ANSWER, 15_000, 'the whole answer');
    expect(messageRequests(streamed).filter((r) => r.status === 500).length).toBe(6);
    expect(botTexts(streamed).some((t) => t.includes(WRITING_MARK))).toBe(false);
  });

  it('a dropped gateway connection is resumed, and messages posted meanwhile and afterwards are answered', async () => {
    w.ollama.reply = (req) => `You asked: ${req.messages.at(-1)!.content}`;
    const thread = postTicket(w, 'Before the drop', 'before');
    await w.fake.waitFor(() => botTexts(thread).includes('You asked: Before the drop\n\nbefore'), 5000);
    const connectionsBefore = w.fake.gatewayLog.connections.length;
    w.fake.faults.dropGatewayConnections();
    w.fake.postAsUser({ channelId: thread, userId: w.memberId, content: 'while it was down' });
    await w.fake.waitFor(() => w.fake.gatewayLog.connections.length > connectionsBefore, 10_000, 'a new gateway connection');
    expect(w.fake.gatewayLog.connections.at(-1)!.path).toMatch(/^\/resume/);
    w.fake.postAsUser({ channelId: thread, userId: w.memberId, content: 'after it came back' });
    await w.fake.waitFor(() => botTexts(thread).includes('You asked: after it came back'), 10_000, 'the answer after the resume');
    expect(botTexts(thread)).toEqual(['You asked: Before the drop\n\nbefore', 'You asked: while it was down', 'You asked: after it came back']);
  });
});
