import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/core/core.js';
import { testCore } from '../helpers.js';
import { GUILD_A, GUILD_B } from '../temp-db.js';
import { openTicket, OWNER } from './fixtures.js';

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2025, 4, 1, 9, 0, 0);

let c: Core;
afterEach(() => c.db.close());

const ticket = (guildId = GUILD_A) => openTicket(c, guildId, T0);
const ids = (list: { threadId: string }[]) => list.map((t) => t.threadId);

describe('stale tickets on an injected clock', () => {
  it('reminds once after STALE_TICKET_HOURS of member silence after an answer, then is due to close after as long again', () => {
    c = testCore({ STALE_TICKET_HOURS: '48' });
    const t = ticket();
    c.tickets.addTurn(t.id, { role: 'user', content: 'Help?' }, T0);
    c.tickets.addTurn(t.id, { role: 'bot', content: 'Try this.', source: { kind: 'fallback', reason: 'down' } }, T0 + 1000);
    const stale = c.support.stale;

    expect(stale.due(T0 + 1000 + 48 * HOUR - 1)).toEqual({ remind: [], close: [] });
    const due = stale.due(T0 + 1000 + 48 * HOUR);
    expect(ids(due.remind)).toEqual([t.threadId]);
    expect(due.remind[0]).toMatchObject({ guildId: GUILD_A, ownerId: OWNER, answeredAt: T0 + 1000 });
    stale.markReminded(due.remind[0]!, T0 + 50 * HOUR);

    // Reminded: nothing until as long again after the reminder, then the close.
    expect(stale.due(T0 + 97 * HOUR)).toEqual({ remind: [], close: [] });
    expect(ids(stale.due(T0 + 98 * HOUR).close)).toEqual([t.threadId]);
  });

  it('leaves alone tickets waiting on the bot or staff: a member spoke last, or staff were called', () => {
    c = testCore({ STALE_TICKET_HOURS: '1' });
    const memberLast = ticket();
    c.tickets.addTurn(memberLast.id, { role: 'user', content: 'Hello?' }, T0);
    const handedOff = ticket();
    c.tickets.addTurn(handedOff.id, { role: 'user', content: 'Hello?' }, T0);
    c.tickets.addTurn(handedOff.id, { role: 'bot', content: 'Answer', source: { kind: 'trained', trainingEntryId: 1, score: 0.9 } }, T0);
    c.support.handoffs.request(handedOff, 'member', T0);
    const staffLast = ticket();
    c.tickets.addTurn(staffLast.id, { role: 'user', content: 'Hello?' }, T0);
    c.tickets.addTurn(staffLast.id, { role: 'staff', content: 'On it' }, T0);
    const closed = ticket();
    c.tickets.addTurn(closed.id, { role: 'bot', content: 'Answer', source: { kind: 'fallback', reason: 'down' } }, T0);
    c.tickets.close(GUILD_A, closed.threadId, { closedBy: OWNER }, T0);

    expect(ids(c.support.stale.due(T0 + 10 * HOUR).remind)).toEqual([staffLast.threadId]);
    // Once staff answer the hand-off, the member's silence counts again.
    c.tickets.addTurn(handedOff.id, { role: 'staff', content: 'Done' }, T0 + HOUR);
    c.support.staffWrote(handedOff, 'staff');
    expect(ids(c.support.stale.due(T0 + 10 * HOUR).remind).sort()).toEqual([handedOff.threadId, staffLast.threadId].sort());
  });

  it('a turn after the reminder starts a new silence, whatever the clocks say', () => {
    c = testCore({ STALE_TICKET_HOURS: '2' });
    const t = ticket();
    c.tickets.addTurn(t.id, { role: 'user', content: 'Q' }, T0);
    c.tickets.addTurn(t.id, { role: 'bot', content: 'A', source: { kind: 'fallback', reason: 'down' } }, T0);
    const [reminded] = c.support.stale.due(T0 + 3 * HOUR).remind;
    c.support.stale.markReminded(reminded!, T0 + 3 * HOUR);
    c.tickets.addTurn(t.id, { role: 'user', content: 'Still there' }, T0 + 4 * HOUR);
    expect(c.support.stale.due(T0 + 20 * HOUR)).toEqual({ remind: [], close: [] });
    c.tickets.addTurn(t.id, { role: 'staff', content: 'Fixed?' }, T0 + 4 * HOUR);
    const due = c.support.stale.due(T0 + 20 * HOUR);
    expect(ids(due.remind)).toEqual([t.threadId]);
    expect(due.close).toEqual([]);
  });

  it('finds due tickets in every server, each with its own guild, and STALE_TICKET_HOURS=0 turns it off', () => {
    c = testCore({ STALE_TICKET_HOURS: '1' });
    for (const guildId of [GUILD_A, GUILD_B]) {
      const t = ticket(guildId);
      c.tickets.addTurn(t.id, { role: 'staff', content: 'Anything else?' }, T0);
    }
    expect(c.support.stale.due(T0 + 2 * HOUR).remind.map((t) => t.guildId).sort()).toEqual([GUILD_A, GUILD_B]);
    c.db.close();

    c = testCore({ STALE_TICKET_HOURS: '0' });
    const t = ticket();
    c.tickets.addTurn(t.id, { role: 'staff', content: 'Anything else?' }, T0);
    expect(c.support.stale.enabled).toBe(false);
    expect(c.support.stale.due(T0 + 1000 * HOUR)).toEqual({ remind: [], close: [] });
  });
});
