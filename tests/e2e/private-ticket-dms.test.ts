import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../fakes/discord/index.js';
import { useBotWorld } from './harness.js';
import { CLOSE_REQUEST_REASON } from '../../src/core/desk/close-requests.js';
import { sweepStaleTickets } from '../../src/discord/support/stale-sweeper.js';
import { AnswerOrder } from '../../src/discord/tickets/answer-order.js';
import { LiveAnswers } from '../../src/discord/tickets/live-answers.js';
import { openTicket, press, quietFor, setUpForPrivateTickets, TRAINED_ENV } from './support-helpers.js';

/**
 * Issue 16, point 3: a private ticket's transcript goes to the staff log channel, or to its member by DM when
 * they ask, never into a channel; a member whose DMs are closed is told so, and nothing is posted.
 */
const w = useBotWorld({ ...TRAINED_ENV, STALE_TICKET_HOURS: '48' }, { setup: false });
let logChannelId: string;
let panel: MessageView;

const run = async (name: string, options: Record<string, unknown> = {}, as: { userId?: string; channelId?: string } = {}) => (await w.command(name, options as never, as)).waitForResponse();

beforeAll(async () => {
  const channels = await setUpForPrivateTickets(w);
  logChannelId = channels.logChannelId;
  await run('ticket_settings', { private_channel: channels.privateChannelId });
  await run('ticket_type create', { name: 'Billing', emoji: '💳', private: true, questions: 'Order number* | long: What happened?*' });
  await run('ticket_panel', {}, { channelId: w.generalId });
  panel = w.fake.messages(w.generalId).find((m) => m.author.bot && m.embeds.length > 0)!;
});

async function openBilling(userId: string, what: string): Promise<string> {
  const button = (panel.components as { components: { custom_id: string }[] }[])[0]!.components[0]!;
  const modal = await (await w.fake.clickButton({ messageId: panel.id, customId: button.custom_id, userId })).waitForResponse();
  const submit = await w.fake.submitModal({ customId: String(modal.modal!.custom_id), fields: { q0: 'A-1', q1: what }, userId, channelId: w.generalId });
  return /<#(\d+)>/.exec((await submit.waitForResponse()).content)![1]!;
}

/** Every message anyone can read in the server's channels (not threads), attachments included. */
const channelTexts = () => [w.generalId, logChannelId].flatMap((id) => w.fake.messages(id)).map((m) => m.content + m.attachments.map((a) => a.data.toString('utf8')).join(''));

describe('private ticket transcript by DM', () => {
  it('the close message offers it; the member asks from any channel and gets it by DM, with an ephemeral confirmation', async () => {
    const member = w.fake.addMember(w.guildId, { username: 'payer' }).id;
    const threadId = await openBilling(member, 'I was charged twice for order A-1');
    const closing = await run('close_ticket', { reason: 'Refunded' }, { userId: w.staffId, channelId: threadId });
    expect(closing.content).toContain(`Run \`/ticket_transcript\` with \`ticket:\` <#${threadId}>`);
    await w.fake.waitFor(() => w.fake.channel(threadId).archived && w.fake.channel(threadId).locked, 3000, 'closed');
    await w.fake.waitForMessage(logChannelId, (m) => m.content.includes(`<#${threadId}>`));
    const generalBefore = w.fake.messages(w.generalId).length;

    const reply = await run('ticket_transcript', { ticket: threadId }, { userId: member, channelId: w.generalId });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/^📬 I sent you the transcript of ticket #\d+ by direct message\.$/);
    const dms = w.fake.directMessagesTo(member).filter((m) => m.attachments.length > 0); // the survey DM came on close
    expect(dms).toHaveLength(1);
    expect(dms[0]!.content).toContain(`<#${threadId}>`);
    expect(dms[0]!.attachments[0]!.data.toString('utf8')).toContain('charged twice');
    expect(reply.files).toHaveLength(0); // nothing in the channel, even ephemeral
    expect(w.fake.messages(w.generalId)).toHaveLength(generalBefore);
  });

  it('a member with DMs closed is told how to open them, and the transcript reaches no channel', async () => {
    const member = w.fake.addMember(w.guildId, { username: 'private-person' }).id;
    const threadId = await openBilling(member, 'My card ending 4242 was declined');
    await run('close_ticket', {}, { userId: w.staffId, channelId: threadId });
    await w.fake.waitFor(() => w.fake.channel(threadId).locked, 3000, 'closed');
    w.fake.setDmsOpen(member, false);

    const reply = await run('ticket_transcript', { ticket: threadId }, { userId: member, channelId: w.generalId });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('your DMs are closed to this server');
    expect(reply.content).toContain('Allow direct messages from server members');
    expect(reply.files).toHaveLength(0);
    expect(w.fake.directMessagesTo(member)).toEqual([]);
    expect(channelTexts().filter((t) => t.includes('4242') && !t.includes(`<#${threadId}>`))).toEqual([]);
  });

  it('a member cannot get someone else’s transcript; staff still get any transcript in the channel, ephemeral', async () => {
    const owner = w.fake.addMember(w.guildId, { username: 'owner2' }).id;
    const nosy = w.fake.addMember(w.guildId, { username: 'nosy' }).id;
    const threadId = await openBilling(owner, 'Refund for order A-1 please');

    const refused = await run('ticket_transcript', { ticket: threadId }, { userId: nosy, channelId: w.generalId });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('You can get the transcript of your own tickets');
    expect(refused.files).toHaveLength(0);
    expect(w.fake.directMessagesTo(nosy)).toEqual([]);

    const staff = await run('ticket_transcript', { ticket: threadId }, { userId: w.staffId, channelId: w.generalId });
    expect(staff.ephemeral).toBe(true);
    expect(staff.files[0]!.data.toString('utf8')).toContain('Refund for order A-1');
    expect(w.fake.directMessagesTo(w.staffId)).toEqual([]);
  });
});

/** The survey DM a member got: its message and the custom ids of its buttons. */
async function surveyOf(member: string) {
  const dm = await w.fake.waitFor(() => w.fake.directMessagesTo(member).find((m) => m.content.includes('How did we do?')), 3000, 'the survey DM');
  const ids = (dm.components as { components: { custom_id: string; label: string }[] }[]).flatMap((r) => r.components);
  return { dm, ids };
}

describe('survey by DM after every close', () => {
  it('/close_ticket: the member rates with one click in a DM, adds a comment once, and /ticket_stats shows it per type and staff member', async () => {
    const member = w.fake.addMember(w.guildId, { username: 'survey-1' }).id;
    const threadId = await openBilling(member, 'Refund of order A-1');
    await run('close_ticket', { reason: 'Refunded' }, { userId: w.staffId, channelId: threadId });
    const { dm, ids } = await surveyOf(member);
    expect(dm.content).toContain('is closed. How did we do?');
    expect(ids.map((b) => b.label)).toEqual(['1', '2', '3', '4', '5']);
    expect(w.fake.directMessagesTo(member).filter((m) => m.content.includes('How did we do?'))).toHaveLength(1); // asked once

    await (await w.fake.clickDmButton({ messageId: dm.id, customId: ids[3]!.custom_id, userId: member })).waitForAck();
    const rated = w.fake.directMessagesTo(member).find((m) => m.id === dm.id)!;
    expect(rated.content).toMatch(/^⭐ Thank you! You rated the help on \*\*.+\*\* 4\/5\.$/);
    const ticketId = w.core.tickets.getByThread(w.guildId, threadId)!.id;
    expect(w.core.desk.ratings.ratingOf(ticketId)).toBe(4);

    const commentId = (rated.components as { components: { custom_id: string }[] }[])[0]!.components[0]!.custom_id;
    const form = await (await w.fake.clickDmButton({ messageId: dm.id, customId: commentId, userId: member })).waitForModal();
    expect(form.title).toBe('Anything to add?');
    await (await w.fake.submitModal({ customId: String(form.custom_id), fields: { comment: 'Fast refund' }, userId: member })).waitForAck();
    await w.fake.waitFor(() => w.fake.directMessagesTo(member).some((m) => m.content === '💬 Thank you, the staff will read your comment.'), 3000, 'thanks');
    expect(w.core.desk.ratings.commentOf(ticketId)).toBe('Fast refund');

    // One rating per ticket: the old buttons refuse a second one, and nothing changes.
    await (await w.fake.clickDmButton({ messageId: dm.id, customId: commentId, userId: member })).waitForAck();
    await w.fake.waitFor(() => w.fake.directMessagesTo(member).some((m) => m.content === 'You already commented on this ticket. Thank you!'), 3000, 'refusal');
    expect(w.core.desk.ratings.commentOf(ticketId)).toBe('Fast refund');

    const stats = JSON.stringify((await run('ticket_stats', { period: 'all' }, { userId: w.staffId })).embeds[1]);
    expect(stats).toContain('**Billing**: 4.0/5 ⭐ (1 rating)');
    expect(stats).toContain(`<@${w.staffId}>: 4.0/5 ⭐ (1 rating)`);
  });

  it('the Solved button on a forum ticket asks the member too; once rated, the rating buttons are gone', async () => {
    const member = w.fake.addMember(w.guildId, { username: 'survey-2' }).id;
    const { threadId, answer } = await openTicket(w, 'Login', 'How do I log in?', member);
    await press(w, answer, 'ok', member);
    await w.fake.waitFor(() => w.core.tickets.getByThread(w.guildId, threadId)?.status === 'closed', 3000, 'closed');
    const { dm, ids } = await surveyOf(member);
    await (await w.fake.clickDmButton({ messageId: dm.id, customId: ids[1]!.custom_id, userId: member })).waitForAck();
    expect(w.core.desk.ratings.ratingOf(w.core.tickets.getByThread(w.guildId, threadId)!.id)).toBe(2);
    const again = w.fake.directMessagesTo(member).find((m) => m.id === dm.id)!;
    expect(again.content).toContain('2/5');
    // The rating buttons are gone once used: the member cannot rate again (the core refuses a second rating too).
    expect(JSON.stringify(again.components)).not.toContain('tsv:');
  });

  it('the stale sweep closing an unanswered close request asks the member; a member with DMs closed is skipped quietly', async () => {
    const asked = w.fake.addMember(w.guildId, { username: 'survey-3' }).id;
    const silent = w.fake.addMember(w.guildId, { username: 'survey-4' }).id;
    const first = await openBilling(asked, 'Invoice address');
    const second = await openBilling(silent, 'Invoice copy');
    w.fake.setDmsOpen(silent, false);
    await run('ticket_close_request', {}, { userId: w.staffId, channelId: first });
    await run('ticket_close_request', {}, { userId: w.staffId, channelId: second });
    const ctx = { core: w.core, client: w.bot.client, answerOrder: new AnswerOrder(), liveAnswers: new LiveAnswers() };
    await sweepStaleTickets(ctx, Date.now() + 49 * 3_600_000);
    for (const threadId of [first, second]) expect(w.core.tickets.getByThread(w.guildId, threadId)).toMatchObject({ status: 'closed', closeReason: CLOSE_REQUEST_REASON });
    await surveyOf(asked);
    expect(w.fake.directMessagesTo(silent)).toEqual([]);
    // Closed DMs cost the member nothing: the ticket is closed in Discord as any other.
    await w.fake.waitFor(() => w.fake.channel(second).archived && w.fake.channel(second).locked, 3000, 'closed in Discord');
  });

  it('/ticket_settings rating_dm:false: a close sends the member no DM at all; rating_dm:true asks again, as by default', async () => {
    const before = await run('ticket_settings');
    expect(JSON.stringify(before.embeds)).toContain('Rating by DM after a close: on');
    const off = await run('ticket_settings', { rating_dm: false });
    expect(off.ephemeral).toBe(true);
    expect(JSON.stringify(off.embeds)).toContain('Rating by DM after a close: off');

    // /close_ticket: the survey would come right after the transcript reaches the log channel.
    const quiet = w.fake.addMember(w.guildId, { username: 'survey-5' }).id;
    const quietTicket = (await openTicket(w, 'Password', 'How do I reset my password?', quiet)).threadId;
    const logged = w.fake.messages(logChannelId).length;
    await run('close_ticket', { reason: 'Answered' }, { userId: w.staffId, channelId: quietTicket });
    await w.fake.waitFor(() => w.fake.messages(logChannelId).length > logged, 3000, 'the transcript in the log channel');
    await quietFor(300);
    // The stale sweep: awaited to its end, survey step included.
    const swept = w.fake.addMember(w.guildId, { username: 'survey-6' }).id;
    const sweptTicket = await openBilling(swept, 'Invoice again');
    await run('ticket_close_request', {}, { userId: w.staffId, channelId: sweptTicket });
    await sweepStaleTickets({ core: w.core, client: w.bot.client, answerOrder: new AnswerOrder(), liveAnswers: new LiveAnswers() }, Date.now() + 49 * 3_600_000);
    expect(w.core.tickets.getByThread(w.guildId, sweptTicket)?.status).toBe('closed');
    expect(w.fake.directMessagesTo(quiet)).toEqual([]);
    expect(w.fake.directMessagesTo(swept)).toEqual([]);

    const on = await run('ticket_settings', { rating_dm: true });
    expect(JSON.stringify(on.embeds)).toContain('Rating by DM after a close: on');
    const asked = w.fake.addMember(w.guildId, { username: 'survey-7' }).id;
    const askedTicket = (await openTicket(w, 'Password again', 'How do I reset my password?', asked)).threadId;
    await run('close_ticket', { reason: 'Answered' }, { userId: w.staffId, channelId: askedTicket });
    await surveyOf(asked);
  });
});
