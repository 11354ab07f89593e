import { describe, expect, it } from 'vitest';
import { queuedNotice } from '../../src/discord/tickets/answer-in-thread.js';
import type { FakeChatRequest } from '../fakes/ollama.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';
import { botMessages, buttonIds, postTicket } from './support-helpers.js';

/**
 * On the machine an admin really has, Ollama runs on a CPU, one answer at a time (OLLAMA_MAX_CONCURRENT=1, Ollama's
 * OLLAMA_NUM_PARALLEL=1). A ticket closed while the bot still has work for it must give that slot up: its member's
 * message waiting behind the running answer is never sent to the model, the running generation is aborted, and the
 * next ticket's answer starts at once. Before, both ran to the end with nothing shown, and every other ticket waited.
 */
const startWorld = useBotWorldStarter();

/** An answer that takes the fake Ollama ~50 s: nothing below waits for its end. */
const ENDLESS = 'Open Settings, then Privacy, then sync. '.repeat(50);
const lastUser = (req: FakeChatRequest) => [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';

/** Ticket A streams an endless answer, its member's second message waits behind it, ticket B waits for the one slot. */
async function aClosingScene(bw: BotWorld) {
  bw.ollama.reply = (req) => (lastUser(req).includes('A first') ? ENDLESS : `Answer to ${lastUser(req)}`);
  bw.ollama.tokenDelayMs = 100; // 4 characters a chunk
  const a = postTicket(bw, 'Sync', 'A first: my sync stopped');
  await bw.fake.waitFor(() => botMessages(bw, a).some((m) => m.content.endsWith('▌')), 5000, "A's answer being written");
  bw.fake.postAsUser({ channelId: a, userId: bw.memberId, content: 'A second: and my backups too' });
  const ticketA = bw.core.tickets.getByThread(bw.guildId, a)!;
  await bw.fake.waitFor(() => bw.core.tickets.turns(ticketA.id).some((t) => t.content.startsWith('A second')), 3000, "A's second message stored");
  const other = bw.fake.addMember(bw.guildId, { username: 'other-member' });
  const b = postTicket(bw, 'Login', 'B first: how do I log in', other.id);
  await bw.fake.waitFor(() => botMessages(bw, b).some((m) => m.content.startsWith(queuedNotice(1))), 5000, 'B told it is next in line');
  return { a, b, ticketA };
}

/** What the members see once A closed, and what the Ollama machine did. */
async function expectAClosedAndBAnswered(bw: BotWorld, scene: Awaited<ReturnType<typeof aClosingScene>>) {
  const { a, b, ticketA } = scene;
  // B's answer starts at once: before, it waited for A's whole answer (~50 s here).
  await bw.fake.waitFor(() => botMessages(bw, b).find((m) => m.content.startsWith('Answer to Login')), 5000, "B's answer begun once A closed");
  const answerB = await bw.fake.waitFor(() => botMessages(bw, b).find((m) => m.content === 'Answer to Login\n\nB first: how do I log in'), 5000, "B's whole answer");
  await bw.fake.waitFor(() => buttonIds(botMessages(bw, b).at(-1)!).some((id) => id.startsWith('ans:')), 3000, "B's answer buttons");
  // B's answer is shown, nothing runs on Ollama and no ticket's lane holds a message (queued or answering): a request
  // for A's queued message cannot come any more, so its absence below is final.
  await bw.fake.waitFor(() => bw.ollama.openChats() === 0 && bw.core.responder.inFlight() === 0, 5000, 'nothing left running or queued');

  // The Ollama machine: two generations, A's first aborted (its client left), B's to the end; A's second never asked.
  expect(bw.ollama.chatRequests().map(lastUser).filter((q) => q.includes('A second'))).toEqual([]);
  expect(bw.ollama.chatRequests().map((r) => lastUser(r).slice(0, 12))).toEqual(['Sync\n\nA firs', 'Login\n\nB fir']);
  expect(bw.ollama.evaluations.map((e) => e.clientLeft ?? false)).toEqual([true, false]);
  // Member A: the answer so far stays without its writing mark; nothing answers the second message.
  const shownInA = botMessages(bw, a);
  expect(shownInA.filter((m) => m.content.includes('▌'))).toEqual([]);
  expect(shownInA.some((m) => m.content.includes('A second'))).toBe(false);
  expect(ENDLESS.startsWith(shownInA[0]!.content)).toBe(true);
  // Member B: only the answer (the queue notice became it).
  expect(botMessages(bw, b).map((m) => m.content)).toEqual([answerB.content]);
  // Nothing lost: both of A's messages are stored.
  const stored = bw.core.tickets.turns(ticketA.id).filter((t) => t.role === 'user').map((t) => t.content);
  expect(stored).toEqual(['Sync\n\nA first: my sync stopped', 'A second: and my backups too']);
}

describe('a ticket closed while its member’s next message waits behind the AI’s answer, another ticket waiting for the slot', () => {
  it('closed by staff with /close_ticket: A’s queued message never reaches Ollama, A’s generation is aborted, B is answered at once', async () => {
    const bw = await startWorld();
    await bw.setup();
    const scene = await aClosingScene(bw);
    await (await bw.command('close_ticket', { reason: 'Solved in DMs' }, { userId: bw.staffId, channelId: scene.a })).waitForResponse();
    await expectAClosedAndBAnswered(bw, scene);
    expect(botMessages(bw, scene.a).at(-1)!.content).toContain('Ticket closed by');
  });

  it('locked by a moderator in Discord: the same, and nothing more is posted in the locked post', async () => {
    const bw = await startWorld();
    await bw.setup();
    const scene = await aClosingScene(bw);
    const before = botMessages(bw, scene.a).length;
    bw.fake.editThreadAsUser({ threadId: scene.a, userId: bw.adminId, locked: true });
    await expectAClosedAndBAnswered(bw, scene);
    expect(botMessages(bw, scene.a)).toHaveLength(before);
  });

  it('closed by a path that does not stop the live answer itself (the core alone): the answer still loses its writing mark', async () => {
    // Every close path in discord/ stops the live answer first (liveAnswers.stopAll); this one only closes the ticket,
    // as a future path (a dashboard, a sweep) might: the responder's cancelled lane alone must stop the reply.
    const bw = await startWorld();
    await bw.setup();
    const scene = await aClosingScene(bw);
    bw.core.tickets.close(bw.guildId, scene.a, { closedBy: null, reason: 'closed elsewhere' });
    await bw.fake.waitFor(() => bw.ollama.openChats() === 0 && botMessages(bw, scene.b).some((m) => m.content.startsWith('Answer to Login')), 5000, "A's generation aborted, B answered");
    await bw.fake.waitFor(() => !botMessages(bw, scene.a).some((m) => m.content.includes('▌')), 5000, "A's writing mark taken off");
    expect(ENDLESS.startsWith(botMessages(bw, scene.a)[0]!.content)).toBe(true);
  });
});
