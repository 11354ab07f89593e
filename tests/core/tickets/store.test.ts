import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { TicketStore, type AnswerSource, type Ticket } from '../../../src/core/tickets/store.js';
import type { Db } from '../../../src/db/database.js';
import { GUILD_A, GUILD_B, openTempDb } from '../temp-db.js';

let db: Db;
let tickets: TicketStore;

beforeEach(() => {
  db = openTempDb();
  tickets = new TicketStore(db);
});
afterEach(() => db.close());

const openTicket = (threadId = 'thread-1', guildId = GUILD_A): Ticket =>
  tickets.open({ guildId, threadId, ownerId: 'member-1', subject: 'My login is broken' }, 1000);

describe('TicketStore tickets', () => {
  it('opens a ticket once per thread and finds it by thread only in its guild', () => {
    const ticket = openTicket();
    expect(ticket).toEqual({
      id: ticket.id,
      guildId: GUILD_A,
      threadId: 'thread-1',
      ownerId: 'member-1',
      subject: 'My login is broken',
      status: 'open',
      openedAt: 1000,
      closedAt: null,
      closedBy: null,
      closeReason: null,
    });
    expect(tickets.open({ guildId: GUILD_A, threadId: 'thread-1', ownerId: 'someone-else', subject: 'Again' }, 2000)).toEqual(ticket);
    expect(tickets.getByThread(GUILD_A, 'thread-1')).toEqual(ticket);
    expect(tickets.getByThread(GUILD_B, 'thread-1')).toBeUndefined();
    expect(tickets.getByThread(GUILD_A, 'other')).toBeUndefined();
  });

  it('keeps an emoji and RTL subject intact', () => {
    expect(tickets.open({ guildId: GUILD_A, threadId: 't', ownerId: 'o', subject: 'لا أستطيع الدخول 😢' }).subject).toBe('لا أستطيع الدخول 😢');
  });

  it('closes with who and why, refuses to close twice, and reopens', () => {
    openTicket();
    const closed = tickets.close(GUILD_A, 'thread-1', { closedBy: 'staff-1', reason: ' Solved ' }, 5000);
    expect(closed).toMatchObject({ status: 'closed', closedAt: 5000, closedBy: 'staff-1', closeReason: 'Solved' });
    expect(() => tickets.close(GUILD_A, 'thread-1', { closedBy: 'staff-1' })).toThrow(new UserError('This ticket is already closed.'));
    const reopened = tickets.reopen(GUILD_A, 'thread-1');
    expect(reopened).toMatchObject({ status: 'open', closedAt: null, closedBy: null, closeReason: null });
    expect(() => tickets.reopen(GUILD_A, 'thread-1')).toThrow(new UserError('This ticket is already open.'));
  });

  it('another guild can neither close nor reopen the ticket', () => {
    openTicket();
    expect(() => tickets.close(GUILD_B, 'thread-1', { closedBy: 'x' })).toThrow(new UserError('This thread is not a ticket.'));
    tickets.close(GUILD_A, 'thread-1', { closedBy: 'staff' });
    expect(() => tickets.reopen(GUILD_B, 'thread-1')).toThrow(new UserError('This thread is not a ticket.'));
    expect(tickets.getByThread(GUILD_A, 'thread-1')?.status).toBe('closed');
  });

  it('counts open tickets per guild', () => {
    openTicket('t1');
    openTicket('t2');
    openTicket('t3', GUILD_B);
    tickets.close(GUILD_A, 't2', { closedBy: 's' });
    expect(tickets.countOpen(GUILD_A)).toBe(1);
    expect(tickets.countOpen(GUILD_B)).toBe(1);
  });
});

describe('TicketStore turns', () => {
  const sources: AnswerSource[] = [
    { kind: 'trained', trainingEntryId: 7, score: 0.93 },
    { kind: 'knowledge', kbEntryIds: [3, 4], score: 0.8 },
    { kind: 'knowledge', kbEntryIds: [], score: 0.75, trainingEntryId: 9 },
    { kind: 'ai', model: 'llama3', trainingEntryIds: [1, 2], kbEntryIds: [5], complete: false },
    { kind: 'fallback', reason: 'timeout' },
  ];

  it.each(sources)('stores and reads back an answer source: %o', (source) => {
    const ticket = openTicket();
    const turn = tickets.addTurn(ticket.id, { role: 'bot', content: 'answer', source }, 10);
    expect(turn).toEqual({ id: turn.id, ticketId: ticket.id, role: 'bot', authorId: null, messageId: null, content: 'answer', source, createdAt: 10 });
    expect(tickets.info(GUILD_A, 'thread-1')?.lastAnswer).toEqual(turn);
  });

  it('returns the stored turn when Discord delivers the same message twice', () => {
    const ticket = openTicket();
    const first = tickets.addTurn(ticket.id, { role: 'user', authorId: 'member-1', messageId: 'm1', content: 'Hello 👋' });
    const again = tickets.addTurn(ticket.id, { role: 'user', authorId: 'member-1', messageId: 'm1', content: 'Hello 👋' });
    expect(again).toEqual(first);
    expect(tickets.info(GUILD_A, 'thread-1')?.counts).toEqual({ user: 1, bot: 0, staff: 0 });
  });

  it('finalises a streamed answer: content, source and message id', () => {
    const ticket = openTicket();
    const turn = tickets.addTurn(ticket.id, { role: 'bot', content: '' });
    const source: AnswerSource = { kind: 'ai', model: 'llama3', trainingEntryIds: [], kbEntryIds: [2], complete: true };
    tickets.updateTurn(turn.id, { content: 'Full answer', source, messageId: 'bot-msg' });
    expect(tickets.recentTurns(ticket.id, 1000)).toEqual([{ ...turn, content: 'Full answer', source, messageId: 'bot-msg' }]);
    tickets.updateTurn(turn.id, { content: 'Edited' });
    expect(tickets.recentTurns(ticket.id, 1000)[0]).toMatchObject({ content: 'Edited', source, messageId: 'bot-msg' });
  });

  it('follows edits and deletions of Discord messages', () => {
    const ticket = openTicket();
    tickets.addTurn(ticket.id, { role: 'user', messageId: 'm1', content: 'typo' });
    tickets.addTurn(ticket.id, { role: 'user', messageId: 'm2', content: 'spam' });
    expect(tickets.editTurnByMessage('m1', 'fixed')).toBe(true);
    expect(tickets.editTurnByMessage('nope', 'x')).toBe(false);
    expect(tickets.deleteTurnByMessage('m2')).toBe(true);
    expect(tickets.deleteTurnByMessage('m2')).toBe(false);
    expect(tickets.recentTurns(ticket.id, 1000).map((t) => t.content)).toEqual(['fixed']);
  });

  it('recentTurns keeps the newest turns within the budget, oldest first', () => {
    const ticket = openTicket();
    for (const content of ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddd']) tickets.addTurn(ticket.id, { role: 'user', content });
    expect(tickets.recentTurns(ticket.id, 25).map((t) => t.content)).toEqual(['cccccccccc', 'dddddddddd']);
    expect(tickets.recentTurns(ticket.id, 40).map((t) => t.content)).toEqual(['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddd']);
  });

  it('recentTurns always includes the newest turn, cut from its start when alone too long', () => {
    const ticket = openTicket();
    tickets.addTurn(ticket.id, { role: 'user', content: 'earlier' });
    tickets.addTurn(ticket.id, { role: 'user', content: `${'x'.repeat(50)} the actual question?` });
    const turns = tickets.recentTurns(ticket.id, 20);
    expect(turns).toHaveLength(1);
    expect(turns[0]!.content).toBe('…he actual question?');
  });

  it('info counts turns by role and gives the last bot answer; another guild gets nothing', () => {
    const ticket = openTicket();
    tickets.addTurn(ticket.id, { role: 'user', content: 'q1' });
    tickets.addTurn(ticket.id, { role: 'bot', content: 'a1', source: { kind: 'fallback', reason: 'unreachable' } });
    tickets.addTurn(ticket.id, { role: 'staff', content: 'on it' });
    const last = tickets.addTurn(ticket.id, { role: 'bot', content: 'a2', source: { kind: 'trained', trainingEntryId: 1, score: 0.9 } });
    tickets.addTurn(ticket.id, { role: 'user', content: 'thanks' });
    expect(tickets.info(GUILD_A, 'thread-1')).toEqual({ ticket, counts: { user: 2, bot: 2, staff: 1 }, lastAnswer: last });
    expect(tickets.info(GUILD_B, 'thread-1')).toBeUndefined();
  });
});
