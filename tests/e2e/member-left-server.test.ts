import { describe, expect, it } from 'vitest';
import { INACTIVE_REASON } from '../../src/core/support/stale-tickets.js';
import { sweepStaleTickets } from '../../src/discord/support/stale-sweeper.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';
import { answerWithButtons, contextOf, openAnsweredTicket, setUpForPrivateTickets, TRAINED_ENV } from './support-helpers.js';

/**
 * A member with an open ticket leaves the server (or is kicked). The bot does not request the privileged Server
 * Members intent, so Discord does not tell it (no GUILD_MEMBER_REMOVE); it finds out when it would address the member.
 * What staff expect: the ticket stays theirs and closes as inactive on the usual schedule; the bot does not ping
 * someone who is gone with "do you still need help?" but tells staff the member left; and no rating DM is tried
 * (Discord refuses a DM to someone who shares no server with the bot, 403 50007).
 */
const HOUR = 60 * 60 * 1000;
const start = useBotWorldStarter();

async function world(): Promise<BotWorld> {
  const w = await start({ ...TRAINED_ENV, STALE_TICKET_HOURS: '48' });
  await w.setup();
  return w;
}

/** Every attempt to reach the member by DM since `since`: opening the DM channel is the first step of any. */
const dmAttemptsSince = (w: BotWorld, since: number) => w.fake.requests.filter((r) => r.at >= since && r.method === 'POST' && r.path === '/users/@me/channels');


describe('a member leaves the server with a ticket open', () => {
  it('the stale sweep does not ping them: staff see a note that they left, and the ticket closes as inactive on schedule with no rating DM', async () => {
    const w = await world();
    const { threadId, answeredAt } = await openAnsweredTicket(w, 'Lag', 'The game lags in the evening');
    const leftAt = Date.now();
    w.fake.removeMember(w.guildId, w.memberId);
    const ctx = contextOf(w);

    expect(await sweepStaleTickets(ctx, answeredAt + 49 * HOUR)).toEqual({ reminded: 1, closed: 0 });
    const note = await w.fake.waitForMessage(threadId, (m) => m.author.bot && /left the server/.test(m.content));
    expect(note.content).toContain(`<@${w.memberId}>`);
    expect(note.content).toContain('closes automatically in 48 hours');
    expect(note.mentionsPinged).toEqual({ everyone: false, users: [], roles: [] });
    expect(w.fake.messages(threadId).filter((m) => m.mentionsPinged.users.includes(w.memberId))).toEqual([]);
    // Once only, however often the sweep runs.
    expect(await sweepStaleTickets(ctx, answeredAt + 60 * HOUR)).toEqual({ reminded: 0, closed: 0 });

    expect(await sweepStaleTickets(ctx, answeredAt + 98 * HOUR)).toEqual({ reminded: 0, closed: 1 });
    expect(w.core.tickets.getByThread(w.guildId, threadId)).toMatchObject({ status: 'closed', closeReason: INACTIVE_REASON });
    await w.fake.waitFor(() => w.fake.channel(threadId).locked, 3000, 'the post closed');
    expect(dmAttemptsSince(w, leftAt)).toEqual([]);
  });

  it('staff closing the ticket (/close_ticket) of a member who left: closed as usual, no rating DM tried', async () => {
    const w = await world();
    const { threadId } = await openAnsweredTicket(w, 'Refund', 'I want my money back');
    const leftAt = Date.now();
    w.fake.removeMember(w.guildId, w.memberId);

    const reply = await (await w.command('close_ticket', { reason: 'Member left' }, { userId: w.staffId, channelId: threadId })).waitForResponse();
    expect(reply.content ?? '').not.toMatch(/error|could not/i);
    await w.fake.waitFor(() => w.fake.channel(threadId).locked, 3000, 'the post closed');
    expect(w.core.tickets.getByThread(w.guildId, threadId)!.status).toBe('closed');
    // The survey's turn comes right after the close: the bot either tries the DM or asks Discord whether the member is still there.
    const memberLookup = (r: { method: string; path: string }) => r.method === 'GET' && r.path === `/guilds/${w.guildId}/members/${w.memberId}`;
    await w.fake.waitFor(() => dmAttemptsSince(w, leftAt).length > 0 || w.fake.requests.some((r) => r.at >= leftAt && memberLookup(r) && r.status === 404), 3000, 'the survey step');
    expect(dmAttemptsSince(w, leftAt)).toEqual([]);
  });

  it('a member still in the server is reminded (and pinged) as before', async () => {
    const w = await world();
    const { threadId, answeredAt } = await openAnsweredTicket(w, 'Audio', 'No sound in voice chat');
    expect(await sweepStaleTickets(contextOf(w), answeredAt + 49 * HOUR)).toEqual({ reminded: 1, closed: 0 });
    const reminder = await w.fake.waitForMessage(threadId, (m) => m.content.startsWith('👋'));
    expect(reminder.mentionsPinged.users).toEqual([w.memberId]);
  });

  it('a private ticket: the member who left is out of its thread; staff still read it there, with the note and no ping', async () => {
    const w = await world();
    const { privateChannelId } = await setUpForPrivateTickets(w);
    const run = async (name: string, options: Record<string, unknown>, as: { channelId?: string } = {}) => (await w.command(name, options as never, as)).waitForResponse();
    await run('ticket_settings', { private_channel: privateChannelId });
    await run('ticket_type create', { name: 'Billing', emoji: '💳', private: true, questions: 'What happened?*' });
    await run('ticket_panel', {}, { channelId: w.generalId });
    const panel = w.fake.messages(w.generalId).find((m) => m.author.bot && m.embeds.length > 0)!;
    const button = (panel.components as { components: { custom_id: string; label: string }[] }[]).flatMap((r) => r.components).find((b) => b.label === 'Billing')!;
    const modal = await (await w.fake.clickButton({ messageId: panel.id, customId: button.custom_id, userId: w.memberId })).waitForResponse();
    const submitted = await (await w.fake.submitModal({ customId: String(modal.modal!.custom_id), fields: { q0: 'I was charged twice' }, userId: w.memberId, channelId: w.generalId })).waitForResponse();
    const threadId = /<#(\d+)>/.exec(submitted.content)![1]!;
    await answerWithButtons(w, threadId);
    const answeredAt = w.core.tickets.info(w.guildId, threadId)!.lastAnswer!.createdAt;
    expect(w.fake.threadMembers(threadId)).toContain(w.memberId);

    w.fake.removeMember(w.guildId, w.memberId);
    expect(w.fake.threadMembers(threadId)).not.toContain(w.memberId);
    expect(await sweepStaleTickets(contextOf(w), answeredAt + 49 * HOUR)).toEqual({ reminded: 1, closed: 0 });
    const note = await w.fake.waitForMessage(threadId, (m) => m.author.bot && /left the server/.test(m.content));
    expect(note.mentionsPinged).toEqual({ everyone: false, users: [], roles: [] });
    expect(w.fake.readMessagesAsUser(threadId, w.staffId).map((m) => m.id)).toContain(note.id);
  });
});
