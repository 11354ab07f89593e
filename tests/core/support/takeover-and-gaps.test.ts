import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/core/core.js';
import type { TicketMessage } from '../../../src/core/responder.js';
import { FakeOllama } from '../../fakes/ollama.js';
import { testCore } from '../helpers.js';
import { GUILD_A as GUILD } from '../temp-db.js';
import { openTicket, OWNER, STAFF } from './fixtures.js';


let ollama: FakeOllama;
let c: Core;
beforeAll(async () => {
  ollama = await FakeOllama.start();
});
afterAll(async () => {
  await ollama.stop();
});
afterEach(() => c.db.close());

const say = (ticket: { threadId: string }, content: string, fromStaff = false): TicketMessage => ({
  guildId: GUILD,
  threadId: ticket.threadId,
  authorId: fromStaff ? STAFF : OWNER,
  messageId: null,
  content,
  fromStaff,
});

describe('staff takeover in the responder', () => {
  it('stores but does not answer a member in a ticket staff took over, until staff resume the bot', async () => {
    c = testCore({ OLLAMA_URL: ollama.url });
    const ticket = openTicket(c);
    expect((await c.responder.handleMessage(say(ticket, 'First question'))).kind).toBe('answered');
    expect(await c.responder.handleMessage(say(ticket, 'I am on it', true))).toMatchObject({ kind: 'stored', reason: 'staff' });
    c.support.staffWrote(ticket, STAFF);
    expect(c.support.mode(ticket.id).bot).toMatchObject({ kind: 'paused', reason: 'staff-replied', by: STAFF });

    const asked = ollama.chatRequests().length;
    expect(await c.responder.handleMessage(say(ticket, 'Thanks!'))).toMatchObject({ kind: 'stored', reason: 'paused' });
    expect(ollama.chatRequests()).toHaveLength(asked);
    expect(c.tickets.info(GUILD, ticket.threadId)!.counts).toEqual({ user: 2, bot: 1, staff: 1 });

    c.support.takeover.resume(ticket);
    expect(c.support.mode(ticket.id).bot).toEqual({ kind: 'answering' });
    expect((await c.responder.handleMessage(say(ticket, 'One more thing'))).kind).toBe('answered');
  });

  it('/ai_pause and /ai_resume refuse what is already so, and closed tickets', () => {
    c = testCore({ OLLAMA_URL: ollama.url });
    const ticket = openTicket(c);
    expect(() => c.support.takeover.resume(ticket)).toThrow('The bot is already answering in this ticket.');
    c.support.takeover.pause(ticket, STAFF, 1234);
    expect(c.support.mode(ticket.id).bot).toEqual({ kind: 'paused', reason: 'command', by: STAFF, at: 1234 });
    expect(() => c.support.takeover.pause(ticket, STAFF)).toThrow(/already paused/);
    // A staff message while paused by the command keeps who paused it and how.
    c.support.staffWrote(ticket, 'someone-else');
    expect(c.support.mode(ticket.id).bot).toMatchObject({ reason: 'command', by: STAFF });
    const closed = c.tickets.close(GUILD, ticket.threadId, { closedBy: STAFF });
    expect(() => c.support.takeover.resume(closed)).toThrow('This ticket is closed.');
  });

  it('calls staff once per ticket until a staff member writes there', () => {
    c = testCore({ OLLAMA_URL: ollama.url });
    const ticket = openTicket(c);
    const other = openTicket(c);
    expect(c.support.handoffs.request(ticket, 'fallback', 10)).toBe(true);
    expect(c.support.handoffs.request(ticket, 'member', 20)).toBe(false);
    expect(c.support.handoffs.request(other, 'member', 20)).toBe(true);
    expect(c.support.mode(ticket.id).handoff).toEqual({ reason: 'fallback', at: 10 });
    expect(c.support.staffWrote(ticket, STAFF)).toBe(true);
    expect(c.support.mode(ticket.id).handoff).toBeUndefined();
    expect(c.support.staffWrote(ticket, STAFF)).toBe(false);
    expect(c.support.handoffs.request(ticket, 'not-helpful', 30)).toBe(true);
  });

  it('tells the Discord layer when a staff message answers a waiting hand-off (the thread is tagged answered)', async () => {
    c = testCore({ OLLAMA_URL: ollama.url });
    const ticket = openTicket(c);
    expect(await c.responder.handleMessage(say(ticket, 'Looking', true))).toMatchObject({ kind: 'stored', reason: 'staff', handoffAnswered: false });
    c.support.handoffs.request(ticket, 'member');
    expect(await c.responder.handleMessage(say(ticket, 'Here is the fix', true))).toMatchObject({ kind: 'stored', reason: 'staff', handoffAnswered: true });
    expect(await c.responder.handleMessage(say(ticket, 'Anything else?', true))).toMatchObject({ handoffAnswered: false });
  });
});

describe('knowledge gaps recorded by the responder', () => {
  it('notes the best trained score on the member’s turn, and marks it a gap only when no entry came close', async () => {
    c = testCore({ OLLAMA_URL: ollama.url, TRAINED_ANSWER_THRESHOLD: '0.5', TRAINING_CONTEXT_THRESHOLD: '0.3' });
    c.training.add(GUILD, { question: 'How do I reset my password?', answer: 'Use /reset.' });
    const ticket = openTicket(c);
    const trained = await c.responder.handleMessage(say(ticket, 'How do I reset my password?'));
    const unknown = await c.responder.handleMessage(say(ticket, 'Can pigeons fly backwards?'));
    expect(trained.kind === 'answered' && trained.answer.source.kind).toBe('trained');
    expect(unknown.kind === 'answered' && unknown.answer.source.kind).toBe('ai');

    const range = { since: 0, until: Date.now() + 1000 };
    expect(c.support.gaps.top(GUILD, range).map((g) => g.question)).toEqual(['Can pigeons fly backwards?']);
    const row = c.db.prepare("SELECT match_score, unmatched FROM ticket_turns WHERE content = 'How do I reset my password?'").get() as { match_score: number; unmatched: number };
    expect(row.unmatched).toBe(0);
    expect(row.match_score).toBeGreaterThanOrEqual(0.5);
    // Other servers never see this server's gaps.
    expect(c.support.gaps.top('100000000000000002', range)).toEqual([]);
  });
});
