import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TicketDesk } from '../../../src/core/desk/desk.js';
import { parseQuestions } from '../../../src/core/desk/ticket-types.js';
import { isWithinHours, nextOpening, parseSupportHours } from '../../../src/core/desk/support-hours.js';
import { TicketStore } from '../../../src/core/tickets/store.js';
import type { Db } from '../../../src/db/database.js';
import { expectRefusedUnchanged, GUILD_A, GUILD_B, openTempDb } from '../temp-db.js';

let db: Db;
let tickets: TicketStore;
let desk: TicketDesk;

beforeEach(() => {
  db = openTempDb();
  tickets = new TicketStore(db);
  desk = new TicketDesk(db, tickets);
});
afterEach(() => db.close());

const billing = { name: 'Billing', emoji: '💳', description: 'Payments and invoices', private: true, questions: parseQuestions('Order number* | long: What happened?*') };

describe('ticket types', () => {
  it('creates, lists per server, renames and deletes a type; names are unique regardless of case', () => {
    const created = desk.types.create(GUILD_A, billing);
    expect(created).toMatchObject({ name: 'Billing', emoji: '💳', private: true, staffRoleId: null });
    expect(created.questions).toEqual([
      { label: 'Order number', style: 'short', required: true },
      { label: 'What happened?', style: 'paragraph', required: true },
    ]);
    desk.types.create(GUILD_A, { name: 'Questions' });
    expect(desk.types.list(GUILD_A).map((t) => t.name)).toEqual(['Billing', 'Questions']);
    expect(desk.types.list(GUILD_B)).toEqual([]);
    expect(desk.types.byName(GUILD_A, 'billing')?.id).toBe(created.id);
    expectRefusedUnchanged(() => desk.types.create(GUILD_A, { name: 'BILLING' }), () => desk.types.list(GUILD_A), 'There is already a ticket type “BILLING”.');
    expect(desk.types.edit(GUILD_A, 'billing', { name: 'Payments', private: true }).name).toBe('Payments');
    expect(desk.types.delete(GUILD_A, 'payments').name).toBe('Payments');
    expect(desk.types.list(GUILD_A).map((t) => t.name)).toEqual(['Questions']);
  });

  it('refuses bad input whole: too many questions, long labels, a bad emoji, an unknown type', () => {
    const list = () => desk.types.list(GUILD_A);
    expectRefusedUnchanged(() => desk.types.create(GUILD_A, { name: 'X', questions: parseQuestions('a|b|c|d|e|f') }), list, /at most 5 questions/);
    expectRefusedUnchanged(() => desk.types.create(GUILD_A, { name: 'X', questions: parseQuestions('x'.repeat(46)) }), list, /longer than 45/);
    expectRefusedUnchanged(() => desk.types.create(GUILD_A, { name: 'X', emoji: 'card' }), list, /must be one emoji/);
    expectRefusedUnchanged(() => desk.types.create(GUILD_A, { name: '   ' }), list, /needs a name/);
    desk.types.create(GUILD_A, { name: 'Questions' });
    expectRefusedUnchanged(() => desk.types.edit(GUILD_A, 'Nope', { private: true }), list, 'There is no ticket type “Nope”. This server has: “Questions”.');
  });
});

describe('desk settings and limits', () => {
  it('the rating DM is on by default; turned off it stays off through other changes, per server; a rated ticket is not asked again', () => {
    const ticket = tickets.open({ guildId: GUILD_A, threadId: 't-r', ownerId: 'm', subject: 'Refund' });
    expect(desk.settings.get(GUILD_A).ratingDm).toBe(true);
    expect(desk.surveyDue(GUILD_A, ticket.id)).toBe(true);
    desk.settings.update(GUILD_A, { ratingDm: false });
    desk.settings.update(GUILD_A, { maxOpenPerMember: 5 });
    expect(desk.settings.get(GUILD_A)).toMatchObject({ ratingDm: false, maxOpenPerMember: 5 });
    expect(desk.surveyDue(GUILD_A, ticket.id)).toBe(false);
    expect(desk.settings.get(GUILD_B).ratingDm).toBe(true);
    desk.settings.update(GUILD_A, { ratingDm: true });
    expect(desk.surveyDue(GUILD_A, ticket.id)).toBe(true);
    desk.ratings.rate({ guildId: GUILD_A, ticketId: ticket.id, rating: 5 });
    expect(desk.surveyDue(GUILD_A, ticket.id)).toBe(false);
  });

  it('defaults to 3 open tickets per member and no cooldown; refuses out-of-range values unchanged', () => {
    expect(desk.settings.get(GUILD_A)).toMatchObject({ maxOpenPerMember: 3, cooldownSeconds: 0, privateChannelId: null, supportHours: null });
    expectRefusedUnchanged(() => desk.settings.update(GUILD_A, { maxOpenPerMember: -1 }), () => desk.settings.get(GUILD_A), /from 0 \(no limit\)/);
    expectRefusedUnchanged(
      () => desk.settings.update(GUILD_A, { cooldownSeconds: 60, supportHours: { text: 'mon-fri 9-17', timeZone: 'UTC' } }),
      () => desk.settings.get(GUILD_A),
      /not an opening window/,
    );
    expectRefusedUnchanged(() => desk.settings.update(GUILD_A, { supportHours: { text: 'mon 09:00-17:00', timeZone: 'Mars/Olympus' } }), () => desk.settings.get(GUILD_A), /not a time zone/);
  });

  it('names the member’s open tickets at the limit, and enforces the cooldown', () => {
    const settings = desk.settings.update(GUILD_A, { maxOpenPerMember: 2, cooldownSeconds: 60 });
    tickets.open({ guildId: GUILD_A, threadId: 't1', ownerId: 'm', subject: 'a' }, 1_000);
    expect(desk.limits.check(GUILD_A, 'm', settings, 30_000)).toEqual({ kind: 'cooldown', retryAt: 61_000 });
    expect(desk.limits.check(GUILD_A, 'm', settings, 61_000)).toEqual({ kind: 'ok' });
    tickets.open({ guildId: GUILD_A, threadId: 't2', ownerId: 'm', subject: 'b' }, 100_000);
    expect(desk.limits.check(GUILD_A, 'm', settings, 500_000)).toEqual({ kind: 'too-many', max: 2, openThreadIds: ['t1', 't2'] });
    expect(desk.limits.check(GUILD_A, 'other', settings, 500_000)).toEqual({ kind: 'ok' });
    tickets.close(GUILD_A, 't1', { closedBy: 'm' });
    expect(desk.limits.check(GUILD_A, 'm', settings, 500_000)).toEqual({ kind: 'ok' });
  });
});

describe('claims', () => {
  it('claims, refuses a second claimer naming the first, transfers and releases', () => {
    tickets.open({ guildId: GUILD_A, threadId: 't', ownerId: 'm', subject: 's' });
    expect(desk.claims.claim(GUILD_A, 't', 'staff-1').claimedBy).toBe('staff-1');
    expectRefusedUnchanged(() => desk.claims.claim(GUILD_A, 't', 'staff-2'), () => desk.claims.ticket(GUILD_A, 't'), /<@staff-1> already handles this ticket/);
    expect(desk.claims.transfer(GUILD_A, 't', 'staff-2').claimedBy).toBe('staff-2');
    expect(desk.claims.unclaim(GUILD_A, 't').claimedBy).toBeNull();
    expectRefusedUnchanged(() => desk.claims.unclaim(GUILD_A, 't'), () => desk.claims.ticket(GUILD_A, 't'), 'Nobody has claimed this ticket.');
  });

  it('moves a ticket between types of the same privacy only', () => {
    const questions = desk.types.create(GUILD_A, { name: 'Questions' });
    const bugs = desk.types.create(GUILD_A, { name: 'Bugs' });
    const billingType = desk.types.create(GUILD_A, billing);
    tickets.open({ guildId: GUILD_A, threadId: 't', ownerId: 'm', subject: 's', typeId: questions.id });
    expect(desk.claims.changeType(GUILD_A, 't', bugs).typeId).toBe(bugs.id);
    expectRefusedUnchanged(() => desk.claims.changeType(GUILD_A, 't', billingType), () => desk.claims.ticket(GUILD_A, 't'), /is a private type and this ticket is public/);
  });
});

describe('support hours', () => {
  const hours = parseSupportHours('mon-fri 09:00-17:00', 'Europe/Berlin');
  // Friday 2026-12-04 16:30 UTC = 17:30 in Berlin (UTC+1): closed; back Monday 09:00 Berlin = 08:00 UTC.
  const fridayEvening = Date.UTC(2026, 11, 4, 16, 30);
  it('knows when staff are in, in the server’s time zone', () => {
    expect(isWithinHours(hours, Date.UTC(2026, 11, 4, 15, 59))).toBe(true);
    expect(isWithinHours(hours, fridayEvening)).toBe(false);
    expect(isWithinHours(hours, Date.UTC(2026, 11, 5, 10, 0))).toBe(false); // Saturday
  });
  it('says when staff are next back', () => {
    expect(nextOpening(hours, fridayEvening)).toBe(Date.UTC(2026, 11, 7, 8, 0));
    expect(nextOpening(parseSupportHours('sat 10:30-11:00', 'UTC'), Date.UTC(2026, 11, 5, 10, 0))).toBe(Date.UTC(2026, 11, 5, 10, 30));
  });
});

describe('ratings', () => {
  it('takes one rating per ticket and reports averages per type and staff member, and times per type', () => {
    const q = desk.types.create(GUILD_A, { name: 'Questions' });
    const t1 = tickets.open({ guildId: GUILD_A, threadId: 't1', ownerId: 'm', subject: 's', typeId: q.id }, 1_000);
    const t2 = tickets.open({ guildId: GUILD_A, threadId: 't2', ownerId: 'm', subject: 's' }, 1_000);
    tickets.addTurn(t1.id, { role: 'staff', authorId: 'staff-1', content: 'hi' }, 61_000);
    desk.claims.claim(GUILD_A, 't1', 'staff-1');
    tickets.close(GUILD_A, 't1', { closedBy: 'staff-1' }, 3_601_000);
    tickets.close(GUILD_A, 't2', { closedBy: 'staff-2' }, 7_201_000);
    desk.ratings.rate({ guildId: GUILD_A, ticketId: t1.id, rating: 5, comment: 'Great' });
    desk.ratings.rate({ guildId: GUILD_A, ticketId: t2.id, rating: 2 });
    expect(() => desk.ratings.rate({ guildId: GUILD_A, ticketId: t1.id, rating: 1 })).toThrow('You already rated this ticket. Thank you!');
    expect(() => desk.ratings.rate({ guildId: GUILD_A, ticketId: t2.id, rating: 6 })).toThrow(/1 to 5/);
    expect(desk.ratings.ratingOf(t1.id)).toBe(5);
    expect(desk.ratings.byTypeSince(GUILD_A, 0)).toEqual(expect.arrayContaining([{ key: 'Questions', count: 1, average: 5 }, { key: null, count: 1, average: 2 }]));
    expect(desk.ratings.byStaffSince(GUILD_A, 0)).toEqual(expect.arrayContaining([{ key: 'staff-1', count: 1, average: 5 }, { key: 'staff-2', count: 1, average: 2 }]));
    expect(desk.ratings.timesByType(GUILD_A, 0)).toEqual(
      expect.arrayContaining([
        { typeName: 'Questions', tickets: 1, medianFirstResponseMs: 60_000, medianResolutionMs: 3_600_000 },
        { typeName: null, tickets: 1, medianFirstResponseMs: null, medianResolutionMs: 7_200_000 },
      ]),
    );
    expect(desk.ratings.byTypeSince(GUILD_B, 0)).toEqual([]);
  });

  it('the survey after a close: a one-click rating, then one optional comment; nothing else changes', () => {
    const t = tickets.open({ guildId: GUILD_A, threadId: 't3', ownerId: 'm', subject: 's' }, 1_000);
    expect(() => desk.ratings.addComment(t.id, 'too early')).toThrow('Please rate the help (1 to 5) before adding a comment.');
    expect(desk.ratings.ratingOf(t.id)).toBeUndefined();
    desk.ratings.rate({ guildId: GUILD_A, ticketId: t.id, rating: 4 });
    expect(desk.ratings.commentOf(t.id)).toBeNull();
    expect(() => desk.ratings.addComment(t.id, '   ')).toThrow('The comment is empty; nothing was changed.');
    desk.ratings.addComment(t.id, '  Quick and kind  ');
    expect(desk.ratings.commentOf(t.id)).toBe('Quick and kind');
    expect(() => desk.ratings.addComment(t.id, 'changed my mind')).toThrow('You already commented on this ticket. Thank you!');
    expect(desk.ratings.commentOf(t.id)).toBe('Quick and kind');
    expect(desk.ratings.ratingOf(t.id)).toBe(4);
  });
});

describe('ticket types export and import', () => {
  it('round-trips types to another server; a role of the other server falls back to the staff role', async () => {
    const { exportTicketTypes, importTicketTypes } = await import('../../../src/core/desk/types-transfer.js');
    desk.types.create(GUILD_A, { ...billing, staffRoleId: 'role-a' });
    desk.types.create(GUILD_A, { name: 'Questions' });
    const file = JSON.stringify(exportTicketTypes(desk.types, GUILD_A));
    desk.types.create(GUILD_B, { name: 'questions', description: 'old' });
    expect(importTicketTypes(db, desk.types, GUILD_B, file, { roleExists: () => false })).toEqual({ added: 1, updated: 1 });
    expect(desk.types.list(GUILD_B).map((t) => [t.name, t.private, t.staffRoleId, t.questions.length])).toEqual([
      ['Questions', false, null, 0],
      ['Billing', true, null, 2],
    ]);
  });

  it('refuses a bad file whole, naming the type', async () => {
    const { importTicketTypes } = await import('../../../src/core/desk/types-transfer.js');
    const file = JSON.stringify({ format: 'discord-ai-ticket-bot/ticket-types', version: 1, types: [{ name: 'Fine' }, { name: 'Bad', emoji: 'not an emoji' }] });
    expectRefusedUnchanged(() => importTicketTypes(db, desk.types, GUILD_A, file, { roleExists: () => true }), () => desk.types.list(GUILD_A), /^Type 2 \(“Bad”\): The emoji must be one emoji.*Nothing was imported\.$/);
    expectRefusedUnchanged(() => importTicketTypes(db, desk.types, GUILD_A, '{"format":"x","version":1}', { roleExists: () => true }), () => desk.types.list(GUILD_A), /not a ticket-types export/);
  });
});

describe('close requests', () => {
  it('one pending request per ticket, withdrawn by Keep open, due after the delay, never for a closed ticket', () => {
    const ticket = tickets.open({ guildId: GUILD_A, threadId: 't', ownerId: 'm', subject: 's' });
    desk.closeRequests.request(GUILD_A, 't', 'staff-1', 1_000);
    expect(() => desk.closeRequests.request(GUILD_A, 't', 'staff-2', 2_000)).toThrow('The member has already been asked to confirm closing this ticket.');
    expect(desk.closeRequests.due(1_000 + 59_999, 60_000)).toEqual([]);
    expect(desk.closeRequests.due(1_000 + 60_000, 60_000)).toEqual([{ guildId: GUILD_A, threadId: 't' }]);
    expect(desk.closeRequests.cancel(ticket.id)).toBe(true);
    expect(desk.closeRequests.cancel(ticket.id)).toBe(false);
    expect(desk.closeRequests.due(10_000_000, 60_000)).toEqual([]);
    desk.closeRequests.request(GUILD_A, 't', 'staff-1', 1_000);
    tickets.close(GUILD_A, 't', { closedBy: 'm' });
    expect(desk.closeRequests.due(10_000_000, 60_000)).toEqual([]);
    expect(() => desk.closeRequests.request(GUILD_A, 't', 'staff-1')).toThrow('This ticket is closed.');
  });

  it("is withdrawn by the member's next message in the ticket (not by staff's, nor by one written before it)", () => {
    const ticket = tickets.open({ guildId: GUILD_A, threadId: 't', ownerId: 'm', subject: 's' });
    tickets.addTurn(ticket.id, { role: 'user', authorId: 'm', content: 'it works now' }, 500);
    desk.closeRequests.request(GUILD_A, 't', 'staff-1', 1_000);
    tickets.addTurn(ticket.id, { role: 'staff', authorId: 'staff-1', content: 'anything else?' }, 2_000);
    expect(desk.closeRequests.pending(ticket.id)).toBe(true);
    expect(desk.closeRequests.due(1_000 + 60_000, 60_000)).toEqual([{ guildId: GUILD_A, threadId: 't' }]);

    tickets.addTurn(ticket.id, { role: 'user', authorId: 'm', content: 'actually it fails again' }, 3_000);
    expect(desk.closeRequests.pending(ticket.id)).toBe(false);
    expect(desk.closeRequests.made(ticket.id)).toBe(true); // its buttons still answer it
    expect(desk.closeRequests.due(10_000_000, 60_000)).toEqual([]);
    // Staff may ask again once the new question is answered.
    desk.closeRequests.request(GUILD_A, 't', 'staff-1', 4_000);
    expect(desk.closeRequests.due(4_000 + 60_000, 60_000)).toEqual([{ guildId: GUILD_A, threadId: 't' }]);
  });
});
