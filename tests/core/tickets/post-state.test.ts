import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/core/core.js';
import { DELETED_IN_DISCORD_REASON, followPostDeleted, followPostState, LOCKED_IN_DISCORD_REASON } from '../../../src/core/tickets/post-state.js';
import { testCore } from '../helpers.js';

let core: Core;
afterEach(() => core.db.close());

describe('a ticket follows its post in Discord', () => {
  it('a locked post closes the open ticket, nobody named; an unlocked one changes nothing; a closed ticket is left alone', () => {
    core = testCore();
    const open = (threadId: string) => core.tickets.open({ guildId: 'g1', threadId, ownerId: 'u1', subject: threadId });
    open('t1');
    open('t2');
    expect(followPostState(core.tickets, { guildId: 'g1', threadId: 't2', locked: false })).toBeUndefined();
    expect(followPostState(core.tickets, { guildId: 'g1', threadId: 't1', locked: true })).toMatchObject({ status: 'closed', closedBy: null, closeReason: LOCKED_IN_DISCORD_REASON });
    expect(followPostState(core.tickets, { guildId: 'g1', threadId: 't1', locked: true })).toBeUndefined(); // no second close
    expect(followPostState(core.tickets, { guildId: 'g2', threadId: 't2', locked: true })).toBeUndefined(); // another server's id
    expect(core.tickets.getByThread('g1', 't2')?.status).toBe('open');
  });

  it('a deleted post closes the open ticket, nobody named, its conversation kept; the member may open another within a limit of 1', () => {
    core = testCore();
    const ticket = core.tickets.open({ guildId: 'g1', threadId: 't1', ownerId: 'u1', subject: 'Refund' });
    core.tickets.addTurn(ticket.id, { role: 'user', authorId: 'u1', content: 'I want a refund', messageId: 'm1' });
    const limitOne = { ...core.desk.settings.get('g1'), maxOpenPerMember: 1 };
    expect(core.desk.limits.check('g1', 'u1', limitOne).kind).toBe('too-many');
    expect(followPostDeleted(core.tickets, { guildId: 'g2', threadId: 't1' })).toBeUndefined(); // another server's id
    expect(followPostDeleted(core.tickets, { guildId: 'g1', threadId: 't1' })).toMatchObject({ status: 'closed', closedBy: null, closeReason: DELETED_IN_DISCORD_REASON });
    expect(followPostDeleted(core.tickets, { guildId: 'g1', threadId: 't1' })).toBeUndefined(); // no second close
    expect(followPostDeleted(core.tickets, { guildId: 'g1', threadId: 'never-a-ticket' })).toBeUndefined();
    expect(core.tickets.turns(ticket.id).map((t) => t.content)).toEqual(['I want a refund']);
    expect(core.desk.limits.check('g1', 'u1', limitOne).kind).toBe('ok');
  });

  it('openThreads lists the open tickets of the given servers only, oldest first', () => {
    core = testCore();
    for (const [guildId, threadId] of [['g1', 'a'], ['g2', 'b'], ['g1', 'c']] as const) core.tickets.open({ guildId, threadId, ownerId: 'u', subject: 's' });
    core.tickets.close('g1', 'c', { closedBy: 'staff' });
    expect(core.tickets.openThreads(['g1'])).toEqual([{ guildId: 'g1', threadId: 'a' }]);
    expect(core.tickets.openThreads(['g1', 'g2']).map((t) => t.threadId)).toEqual(['a', 'b']);
    expect(core.tickets.openThreads([])).toEqual([]);
  });
});
