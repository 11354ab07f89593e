import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { HandleResult, TicketMessage } from '../../src/core/responder.js';
import { followPostDeleted, followPostState } from '../../src/core/tickets/post-state.js';
import type { Ticket } from '../../src/core/tickets/store.js';
import { FakeOllama, type FakeChatRequest } from '../fakes/ollama.js';
import { testCore } from './helpers.js';

/**
 * A ticket that closes while the bot still has work for it costs the Ollama machine nothing more: its messages
 * queued behind the running answer are never sent to the model, the generation in flight is aborted (the fake
 * records that its client left, as Ollama then stops), an answer waiting for a slot leaves the line, and other
 * tickets get the slot at once. The member's messages stay stored. Real SQLite in a temp dir, the fake Ollama.
 */
const GUILD = '100000000000000001';
const OWNER = '200000000000000001';
/** An answer that takes the fake ~25 s to generate: long enough that nothing below waits for it to end. */
const ENDLESS = 'word '.repeat(400);
let ollama: FakeOllama;
const cores: Core[] = [];

beforeAll(async () => {
  ollama = await FakeOllama.start();
});
afterAll(async () => {
  await ollama.stop();
});
afterEach(async () => {
  // Nothing may still be running for the next test.
  await until(() => ollama.openChats() === 0);
  for (const core of cores.splice(0)) core.db.close();
});

const lastUser = (req: FakeChatRequest) => [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';

function core(): Core {
  // "A …" questions of the first message get the endless answer; every other message a short one.
  ollama.reply = (req) => (lastUser(req).startsWith('A first') ? ENDLESS : `Answer to ${lastUser(req)}`);
  ollama.tokenDelayMs = 60;
  const c = testCore({ OLLAMA_URL: ollama.url, OLLAMA_FIRST_TOKEN_TIMEOUT: '5', TRAINED_ANSWER_THRESHOLD: '1' });
  cores.push(c);
  return c;
}

let threadSeq = 0;
function openTicket(c: Core): Ticket {
  return c.tickets.open({ guildId: GUILD, threadId: String(400000000000000000n + BigInt(++threadSeq)), ownerId: OWNER, subject: 'Help' });
}

function message(ticket: Ticket, content: string): TicketMessage {
  return { guildId: ticket.guildId, threadId: ticket.threadId, authorId: ticket.ownerId, messageId: null, content, fromStaff: false };
}

/**
 * Resolves once `condition` holds. No deadline of its own: the test's timeout is the backstop, and what the old
 * behaviour got wrong is asserted as order and events below (A's request aborted, its client gone, before B's ran).
 */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

const CLOSE_PATHS: [string, (c: Core, t: Ticket) => void][] = [
  ['closed by the bot (/close_ticket, the buttons, a close request, the stale sweep)', (c, t) => void c.closing.close(t.guildId, t.threadId, { closedBy: OWNER, reason: 'done' })],
  ['its post locked by a moderator', (c, t) => void followPostState(c.tickets, { guildId: t.guildId, threadId: t.threadId, locked: true })],
  ['its post deleted', (c, t) => void followPostDeleted(c.tickets, { guildId: t.guildId, threadId: t.threadId })],
  ['its post gone when the sweep came (closed in the database alone)', (c, t) => void c.tickets.close(t.guildId, t.threadId, { closedBy: null, reason: 'inactive' })],
];

describe('a ticket closed while the bot still has work for it', () => {
  it.each(CLOSE_PATHS)('%s: the queued message never reaches the AI, the running request is aborted, another ticket is answered at once', async (_, close) => {
    const c = core();
    const [a, b] = [openTicket(c), openTicket(c)];
    let shownInA = '';
    const aFirst = c.responder.handleMessage(message(a, 'A first: my sync stopped'), { onText: (t) => (shownInA = t) });
    await until(() => shownInA !== '');
    const aSecond = c.responder.handleMessage(message(a, 'A second: and my backups too'));
    let bPlace: number | undefined;
    const bFirst = c.responder.handleMessage(message(b, 'B first: how do I log in'), { onQueued: (position) => (bPlace = position) });
    await until(() => bPlace !== undefined);
    expect(bPlace).toBe(1); // B waits for the one slot A holds

    close(c, a);

    const bResult = await bFirst;
    expect(bResult).toMatchObject({ kind: 'answered', answer: { text: 'Answer to B first: how do I log in' } });
    // B's answer did not wait for A's (~25 s): A's generation was cut short, its client gone, before B's request ran.
    expect(ollama.evaluations.slice(-2).map((e) => e.clientLeft ?? false)).toEqual([true, false]);
    const aResults: HandleResult[] = await Promise.all([aFirst, aSecond]);
    expect(aResults.map((r) => [r.kind, 'reason' in r ? r.reason : undefined])).toEqual([
      ['stored', 'ticket-closed'],
      ['stored', 'ticket-closed'],
    ]);
    // What the Ollama machine did: A's queued message was never sent, A's running generation was aborted.
    expect(ollama.chatRequests().map(lastUser).filter((q) => q.startsWith('A second'))).toEqual([]);
    const aRequest = ollama.evaluations.at(-2)!;
    expect(ollama.chatRequests().at(-2)!.messages.at(-1)!.content).toContain('A first');
    expect(aRequest.clientLeft).toBe(true);
    // Nothing lost: both of the member's messages are stored; the bot's turn keeps what was shown of the stopped answer.
    const turns = c.tickets.turns(a.id);
    expect(turns.filter((t) => t.role === 'user').map((t) => t.content)).toEqual(['A first: my sync stopped', 'A second: and my backups too']);
    const bot = turns.filter((t) => t.role === 'bot');
    expect(bot).toHaveLength(1);
    expect(ENDLESS.startsWith(bot[0]!.content)).toBe(true);
    expect(bot[0]!.content.length).toBeLessThan(ENDLESS.trim().length);
    expect(bot[0]!.source).toMatchObject({ kind: 'ai', complete: false });
    // A close is no AI failure.
    expect(c.counters.get(GUILD, 'ai_errors')).toBe(0);
  });

  it('an answer waiting for a slot behind another ticket leaves the line when its ticket closes: nothing sent, nothing stored for the bot', async () => {
    const c = core();
    const [x, a, b] = [openTicket(c), openTicket(c), openTicket(c)];
    let shownInX = '';
    const xFirst = c.responder.handleMessage(message(x, 'A first: the endless one'), { onText: (t) => (shownInX = t) });
    await until(() => shownInX !== '');
    const places: string[] = [];
    const aWaiting = c.responder.handleMessage(message(a, 'Waiting in A'), { onQueued: (p) => places.push(`A ${p}`) });
    const bWaiting = c.responder.handleMessage(message(b, 'Waiting in B'), { onQueued: (p) => places.push(`B ${p}`) });
    await until(() => places.length === 2);
    expect(places).toEqual(['A 1', 'B 2']);

    c.closing.close(a.guildId, a.threadId, { closedBy: OWNER, reason: 'done' });
    expect(await aWaiting).toMatchObject({ kind: 'stored', reason: 'ticket-closed' });
    c.closing.close(x.guildId, x.threadId, { closedBy: OWNER, reason: 'done' }); // frees the slot: B is next
    expect(await bWaiting).toMatchObject({ kind: 'answered', answer: { text: 'Answer to Waiting in B' } });
    await xFirst;

    expect(ollama.chatRequests().map(lastUser).filter((q) => q === 'Waiting in A')).toEqual([]);
    expect(c.tickets.turns(a.id).map((t) => [t.role, t.content])).toEqual([['user', 'Waiting in A']]);
    expect(c.counters.get(GUILD, 'ai_errors')).toBe(0);
  });

  it('a ticket reopened after the close is answered again as usual', async () => {
    const c = core();
    const a = openTicket(c);
    let shown = '';
    const first = c.responder.handleMessage(message(a, 'A first: endless'), { onText: (t) => (shown = t) });
    await until(() => shown !== '');
    c.closing.close(a.guildId, a.threadId, { closedBy: OWNER, reason: 'done' });
    await first;
    c.tickets.reopen(a.guildId, a.threadId);
    const again = await c.responder.handleMessage(message(a, 'Back again'));
    expect(again).toMatchObject({ kind: 'answered', answer: { text: 'Answer to Back again' } });
  });
});
