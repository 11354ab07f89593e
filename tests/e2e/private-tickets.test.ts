import { ChannelType } from 'discord-api-types/v10';
import { beforeAll, describe, expect, it } from 'vitest';
import { DiscordHttpError, type MessageView } from '../fakes/discord/index.js';
import { CLOSE_REQUEST_REASON } from '../../src/core/desk/close-requests.js';
import { sweepStaleTickets } from '../../src/discord/support/stale-sweeper.js';
import { AnswerOrder } from '../../src/discord/tickets/answer-order.js';
import { LiveAnswers } from '../../src/discord/tickets/live-answers.js';
import { useBotWorld } from './harness.js';
import { answerWithButtons, botMessages, buttonIds, press, setUpForPrivateTickets, TRAINED_ENV } from './support-helpers.js';

/**
 * Issue 16 end to end: an admin sets up a public "Questions" type and a private "Billing" type;
 * members open both from one panel; a Billing ticket is a private thread only the member, the bot and
 * staff can read.
 */
const w = useBotWorld({ ...TRAINED_ENV, STALE_TICKET_HOURS: '48' }, { setup: false });
let privateChannelId: string;
let logChannelId: string;
let outsiderId: string;
let panel: MessageView;

const run = async (name: string, options: Record<string, unknown> = {}, as: { userId?: string; channelId?: string } = {}) => (await w.command(name, options as never, as)).waitForResponse();

beforeAll(async () => {
  outsiderId = w.fake.addMember(w.guildId, { username: 'curious' }).id;
  ({ privateChannelId, logChannelId } = await setUpForPrivateTickets(w));

  const saved = await run('ticket_settings', { private_channel: privateChannelId });
  expect(saved.embeds[0]!.description).toContain(`private threads in <#${privateChannelId}>`);
  await run('ticket_type create', { name: 'Questions', emoji: '❓', description: 'Anything about the game' });
  const billing = await run('ticket_type create', { name: 'Billing', emoji: '💳', private: true, questions: 'Order number* | long: What happened?*' });
  expect(billing.content).toContain('Added the ticket type **Billing**');
  expect(billing.content).toContain('🔒 **private**');

  await run('ticket_panel', {}, { channelId: w.generalId });
  panel = w.fake.messages(w.generalId).find((m) => m.author.bot && m.embeds.length > 0)!;
});

const panelButtons = () => (panel.components as { components: { custom_id: string; label: string }[] }[]).flatMap((r) => r.components);

/** A member presses a type's panel button and fills in its form; resolves with the ephemeral confirmation. */
async function openFromPanel(label: string, fields: Record<string, string>, userId = w.memberId) {
  const button = panelButtons().find((b) => b.label === label)!;
  const click = await w.fake.clickButton({ messageId: panel.id, customId: button.custom_id, userId });
  const modal = await click.waitForResponse();
  if (modal.type !== 9) return { refused: modal, threadId: undefined };
  const submit = await w.fake.submitModal({ customId: String(modal.modal!.custom_id), fields, userId, channelId: w.generalId });
  const confirmation = await submit.waitForResponse();
  const threadId = /<#(\d+)>/.exec(confirmation.content)?.[1];
  return { confirmation, threadId, modal };
}

const statusLine = (threadId: string) => w.fake.messages(threadId).find((m) => m.author.bot && m.content.startsWith('📌 **Ticket status:**'));

describe('ticket types and private tickets', () => {
  it('one panel shows a button per type; the Billing form asks the type’s own questions', async () => {
    expect(panelButtons().map((b) => b.label)).toEqual(['Questions', 'Billing']);
    expect(panel.embeds[0]!.description).toContain('**Billing** 🔒 private');
    const click = await w.fake.clickButton({ messageId: panel.id, customId: panelButtons()[1]!.custom_id, userId: w.memberId });
    const modal = (await click.waitForResponse()).modal as { title: string; components: { components: { label: string; required: boolean; style: number }[] }[] };
    expect(modal.title).toBe('Billing ticket');
    expect(modal.components.map((r) => r.components[0])).toMatchObject([
      { label: 'Order number', required: true, style: 1 },
      { label: 'What happened?', required: true, style: 2 },
    ]);
  });

  it('a Billing ticket is a private thread: member and staff read it, anyone else gets 403 50001; it gets a trained answer and a pinned status line', async () => {
    await run('train', { question: 'I was charged twice for my subscription', answer: 'Sorry! We refund double charges within 3 days; no action needed.' });
    const { confirmation, threadId } = await openFromPanel('Billing', { q0: 'A-1042', q1: 'I was charged twice for my subscription' });
    expect(confirmation!.ephemeral).toBe(true);
    const thread = w.fake.channel(threadId!);
    expect(thread.type).toBe(ChannelType.PrivateThread);
    expect(thread.parentId).toBe(privateChannelId);
    expect(thread.name).toBe('Billing: A-1042');
    expect(w.fake.threadMembers(threadId!)).toEqual([w.fake.botUser.id, w.memberId]);

    const answer = await w.fake.waitForMessage(threadId!, (m) => m.author.bot && m.content.startsWith('Sorry! We refund'));
    expect(answer.content).toBe('Sorry! We refund double charges within 3 days; no action needed.');
    await w.fake.waitFor(() => statusLine(threadId!)?.content.includes('Answered'), 3000, 'the status line says Answered');
    expect(statusLine(threadId!)!.pinned).toBe(true);

    expect(w.fake.readMessagesAsUser(threadId!, w.memberId).some((m) => m.id === answer.id)).toBe(true);
    expect(w.fake.readMessagesAsUser(threadId!, w.staffId).length).toBeGreaterThan(0);
    let refused: unknown;
    try {
      w.fake.readMessagesAsUser(threadId!, outsiderId);
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({ status: 403, code: 50001 });
    expect(refused).toBeInstanceOf(DiscordHttpError);
    // Nothing of it reached a public place.
    expect(w.fake.threads(w.forumId).some((t) => t.id === threadId)).toBe(false);
    expect(w.fake.messages(w.generalId).some((m) => m.content.includes('charged twice'))).toBe(false);
  });

  it('a private ticket gets an AI answer from its own conversation; closing archives and locks it and sends the transcript only to the log channel', async () => {
    const { threadId } = await openFromPanel('Billing', { q0: 'B-7', q1: 'My invoice shows the wrong company name' });
    await w.fake.waitForMessage(threadId!, (m) => m.author.bot && m.content.startsWith('You asked:'));
    w.fake.postAsUser({ channelId: threadId!, userId: w.memberId, content: 'It should say Acme Ltd' });
    const ai = await w.fake.waitForMessage(threadId!, (m) => m.author.bot && m.content === 'You asked: It should say Acme Ltd');
    expect(ai.mentionsPinged).toEqual({ everyone: false, users: [], roles: [] });
    const asked = w.ollama.chatRequests().at(-1)!;
    const prompt = JSON.stringify(asked.messages);
    expect(prompt).toContain('wrong company name');
    expect(prompt).not.toContain('charged twice'); // another private ticket's words stay in that ticket

    const closing = await run('close_ticket', { reason: 'Fixed the invoice' }, { userId: w.memberId, channelId: threadId! });
    expect(closing.content).toContain('Ticket closed by');
    await w.fake.waitFor(() => w.fake.channel(threadId!).archived && w.fake.channel(threadId!).locked, 3000, 'archived and locked');
    expect(statusLine(threadId!)!.content).toContain('Closed');
    const logged = await w.fake.waitForMessage(logChannelId, (m) => m.content.includes(`<#${threadId}>`));
    expect(logged.attachments[0]!.data.toString('utf8')).toContain('wrong company name');
    expect(w.fake.messages(w.generalId).some((m) => m.attachments.length > 0)).toBe(false);
  });

  it('closing, the connection under the status line’s edit drops: the edit is retried and the line says Closed', async () => {
    const { threadId } = await openFromPanel('Billing', { q0: 'D-3', q1: 'I was charged twice for my subscription' });
    await w.fake.waitFor(() => statusLine(threadId!)?.content.includes('Answered'), 3000, 'the status line says Answered');
    const editLine = `/channels/${threadId}/messages/${statusLine(threadId!)!.id}`;
    w.fake.faults.dropNext({ method: 'PATCH', route: new RegExp(`^${editLine}$`), lose: 'request' });
    const closing = await run('close_ticket', {}, { userId: w.memberId, channelId: threadId! });
    expect(closing.content).toContain('Ticket closed by');
    await w.fake.waitFor(() => w.fake.channel(threadId!).archived && w.fake.channel(threadId!).locked, 5000, 'archived and locked');
    expect(w.fake.requests.filter((r) => r.dropped && r.path === editLine)).toHaveLength(1);
    expect(statusLine(threadId!)!.content).toContain('Closed');
  });

  it('a training suggestion from a private ticket is marked private for staff', async () => {
    const member = w.fake.addMember(w.guildId, { username: 'payer' }).id;
    const { threadId } = await openFromPanel('Billing', { q0: 'C-9', q1: 'Can I pay by bank transfer?' }, member);
    const answer = await answerWithButtons(w, threadId!);
    expect(answer.content).toContain('You asked:');
    await press(w, answer, 'ok', member);
    const view = await run('training_suggestions', {}, { userId: w.staffId });
    expect(view.ephemeral).toBe(true);
    expect(view.embeds[0]!.title).toContain('🔒 from a private ticket');
    expect(JSON.stringify(view.embeds[0]!.fields)).toContain('Take out anything personal');
  });

  it('a Questions ticket stays a forum post, of its type', async () => {
    const { threadId } = await openFromPanel('Questions', { subject: 'Server rules', description: 'Where are the rules?' });
    expect(w.fake.channel(threadId!).parentId).toBe(w.forumId);
    expect(w.fake.channel(threadId!).type).toBe(ChannelType.PublicThread);
    const ticket = w.core.desk.claims.ticket(w.guildId, threadId!)!;
    expect(ticket).toMatchObject({ private: false, typeId: w.core.desk.types.byName(w.guildId, 'Questions')!.id });
  });

  it('staff claim a ticket; a hand-off then pings the claimer only, and other staff see it is taken', async () => {
    const { threadId } = await openFromPanel('Questions', { subject: 'Lost items', description: 'My sword vanished' });
    const answer = await answerWithButtons(w, threadId!);
    const claimed = await run('ticket_claim', {}, { userId: w.staffId, channelId: threadId! });
    expect(claimed.ephemeral).toBe(false);
    expect(claimed.content).toBe(`✋ <@${w.staffId}> is handling this ticket.`);
    const otherStaff = w.fake.addMember(w.guildId, { username: 'helper2', roles: [w.staffRoleId] }).id;
    const taken = await run('ticket_claim', {}, { userId: otherStaff, channelId: threadId! });
    expect(taken.ephemeral).toBe(true);
    expect(taken.content).toContain(`<@${w.staffId}> already handles this ticket`);

    const info = await run('ticket_info', {}, { userId: w.memberId, channelId: threadId! });
    expect(info.embeds[0]!.fields).toEqual(expect.arrayContaining([{ name: 'Type', value: 'Questions', inline: true }, { name: 'Handled by', value: `<@${w.staffId}>`, inline: true }]));

    await press(w, answer, 'staff');
    const ping = await w.fake.waitForMessage(threadId!, (m) => m.author.bot && m.content.startsWith('🙋'));
    expect(ping.mentionsPinged).toEqual({ everyone: false, users: [w.staffId], roles: [] });
  });

  it('an unclaimed hand-off pings the role with a Claim button that claims it', async () => {
    // Each member may have 3 open tickets (the default limit): a new member opens this one.
    const member = w.fake.addMember(w.guildId, { username: 'trader' }).id;
    const { threadId } = await openFromPanel('Questions', { subject: 'Trade scam', description: 'Someone scammed me' }, member);
    const answer = await answerWithButtons(w, threadId!);
    await press(w, answer, 'staff', member);
    const ping = await w.fake.waitForMessage(threadId!, (m) => m.author.bot && m.content.startsWith('🙋'));
    expect(ping.mentionsPinged.roles).toEqual([w.staffRoleId]);
    const claimId = buttonIds(ping).find((id) => id.startsWith('tclaim'))!;
    const click = await w.fake.clickButton({ messageId: ping.id, customId: claimId, userId: w.staffId });
    await click.waitForResponse();
    await w.fake.waitForMessage(threadId!, (m) => m.content === `✋ <@${w.staffId}> is handling this ticket.`);
    expect(w.core.desk.claims.ticket(w.guildId, threadId!)!.claimedBy).toBe(w.staffId);
  });

  it('a member at the open-ticket limit is told which tickets are open, and nothing is opened', async () => {
    await run('ticket_settings', { max_open: 1 });
    const newcomer = w.fake.addMember(w.guildId, { username: 'newcomer' }).id;
    const first = await openFromPanel('Questions', { subject: 'First', description: 'one' }, newcomer);
    const before = w.fake.threads(w.forumId).length;
    const second = await openFromPanel('Questions', { subject: 'Second', description: 'two' }, newcomer);
    expect(second.refused!.ephemeral).toBe(true);
    expect(second.refused!.content).toBe(
      `You already have 1 open ticket (this server allows 1): <#${first.threadId}>. Please continue there, or close one with \`/close_ticket\` first.`,
    );
    expect(w.fake.threads(w.forumId).length).toBe(before);
    await run('ticket_settings', { max_open: 3 });
  });

  it('outside support hours a new ticket says when staff are back, and the bot still answers', async () => {
    // A one-hour window two days from now (UTC): now is outside it, and the next opening is known exactly.
    const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    const opening = Date.UTC(inTwoDays.getUTCFullYear(), inTwoDays.getUTCMonth(), inTwoDays.getUTCDate(), 10, 0);
    const set = await run('ticket_settings', { support_hours: `${DAYS[inTwoDays.getUTCDay()]} 10:00-11:00`, time_zone: 'UTC' });
    expect(set.embeds[0]!.description).toContain('(UTC)');
    const owl = w.fake.addMember(w.guildId, { username: 'owl' }).id;
    const { threadId } = await openFromPanel('Questions', { subject: 'Night owl', description: 'Anyone there?' }, owl);
    const notice = await w.fake.waitForMessage(threadId!, (m) => m.author.bot && m.content.startsWith('🌙'));
    expect(notice.content).toContain(`<t:${opening / 1000}:F>`);
    await answerWithButtons(w, threadId!);
    await run('ticket_settings', { hours_off: true });
  });

  it('ticket types export to a file and import back (same names updated)', async () => {
    const exported = await run('ticket_type export');
    expect(exported.content).toBe('Exported 2 ticket types. Load the file with `/ticket_type import`.');
    const data = JSON.parse(exported.files[0]!.data.toString('utf8')) as { types: { name: string; description: string }[] };
    expect(data.types.map((t) => t.name)).toEqual(['Questions', 'Billing']);
    data.types[0]!.description = 'Rules, land, events';
    const handle = await w.command('ticket_type import', {}, { attachments: { file: { filename: 'types.json', data: Buffer.from(JSON.stringify(data)) } } });
    expect((await handle.waitForResponse()).content).toBe('Imported ticket types: 0 added, 2 updated. Post the panel again with `/ticket_panel` to show them.');
    expect(w.core.desk.types.byName(w.guildId, 'Questions')!.description).toBe('Rules, land, events');
  });

  it('bad input changes nothing: an unknown type, too many questions, support hours without a time', async () => {
    const before = w.core.desk.types.list(w.guildId);
    expect((await run('ticket_type edit', { name: 'Refunds', private: true })).content).toBe('There is no ticket type “Refunds”. This server has: “Questions”, “Billing”.');
    expect((await run('ticket_type create', { name: 'Big', questions: 'a|b|c|d|e|f' })).content).toContain('at most 5 questions');
    expect((await run('ticket_settings', { support_hours: 'weekdays' })).content).toContain('not an opening window');
    expect(w.core.desk.types.list(w.guildId)).toEqual(before);
    expect(w.core.desk.settings.get(w.guildId).supportHours).toBeNull();
    expect(botMessages(w, w.generalId).length).toBe(1); // only the panel
  });

  it('close request: the member closes with one rating (once), and /ticket_stats shows it per type and per staff member', async () => {
    const member = w.fake.addMember(w.guildId, { username: 'rater' }).id;
    const { threadId } = await openFromPanel('Questions', { subject: 'Password reset', description: 'How do I reset my password?' }, member);
    await answerWithButtons(w, threadId!);
    await run('ticket_claim', {}, { userId: w.staffId, channelId: threadId! });
    const request = await run('ticket_close_request', {}, { userId: w.staffId, channelId: threadId! });
    expect(request.content).toContain(`<@${member}>, <@${w.staffId}> thinks your question is solved`);
    expect(request.mentionsPinged.users).toEqual([member]);
    const [closeId, keepId] = buttonIds(request as never);
    // Only the member answers it.
    const stranger = await (await w.fake.clickButton({ messageId: request.messageId!, customId: closeId!, userId: w.staffId })).waitForResponse();
    expect(stranger.content).toBe(`Only <@${member}>, who opened this ticket, can answer this.`);
    expect(keepId).toContain('no');

    const modal = await (await w.fake.clickButton({ messageId: request.messageId!, customId: closeId!, userId: member })).waitForResponse();
    expect(modal.modal!.title).toBe('How did we do?');
    const bad = await (await w.fake.submitModal({ customId: String(modal.modal!.custom_id), fields: { rating: '9', comment: '' }, userId: member, channelId: threadId! })).waitForResponse();
    expect(bad.content).toBe('Please rate with one number from 1 to 5. The ticket is still open.');
    expect(w.core.tickets.getByThread(w.guildId, threadId!)!.status).toBe('open');
    const again = await (await w.fake.clickButton({ messageId: request.messageId!, customId: closeId!, userId: member })).waitForResponse();
    const done = await (await w.fake.submitModal({ customId: String(again.modal!.custom_id), fields: { rating: '4', comment: 'Quick and kind' }, userId: member, channelId: threadId! })).waitForResponse();
    expect(done.content).toContain('⭐ Thank you for rating the help 4/5.');
    await w.fake.waitFor(() => w.fake.channel(threadId!).archived && w.fake.channel(threadId!).locked, 3000, 'closed');

    const stats = await run('ticket_stats', { period: 'all' }, { userId: w.staffId });
    const desk = JSON.stringify(stats.embeds[1]);
    expect(desk).toContain('**Questions**: 4.0/5 ⭐ (1 rating)');
    expect(desk).toContain(`<@${w.staffId}>: 4.0/5 ⭐ (1 rating)`);
    expect(desk).toContain('Times per type (median)');
  });

  it('Keep open withdraws the request; an unanswered request closes the ticket after the stale delay', async () => {
    const member = w.fake.addMember(w.guildId, { username: 'quiet' }).id;
    const { threadId } = await openFromPanel('Questions', { subject: 'Shop', description: 'Where is the shop?' }, member);
    await answerWithButtons(w, threadId!);
    const request = await run('ticket_close_request', {}, { userId: w.staffId, channelId: threadId! });
    const keepId = buttonIds(request as never).find((id) => id.endsWith(':no'))!;
    const kept = await (await w.fake.clickButton({ messageId: request.messageId!, customId: keepId, userId: member })).waitForResponse();
    expect(kept.content).toBe(`↩️ <@${member}> kept this ticket open.`);
    expect(w.core.desk.closeRequests.pending(w.core.tickets.getByThread(w.guildId, threadId!)!.id)).toBe(false);

    await run('ticket_close_request', {}, { userId: w.staffId, channelId: threadId! });
    const ctx = { core: w.core, client: w.bot.client, answerOrder: new AnswerOrder(), liveAnswers: new LiveAnswers() };
    await sweepStaleTickets(ctx, Date.now() + 47 * 3_600_000);
    expect(w.core.tickets.getByThread(w.guildId, threadId!)!.status).toBe('open');
    await sweepStaleTickets(ctx, Date.now() + 49 * 3_600_000);
    expect(w.core.tickets.getByThread(w.guildId, threadId!)).toMatchObject({ status: 'closed', closeReason: CLOSE_REQUEST_REASON });
  });

  it("the member writing again stops the request from closing the ticket by itself; its Close and rate still works", async () => {
    const member = w.fake.addMember(w.guildId, { username: 'again' }).id;
    const { threadId } = await openFromPanel('Questions', { subject: 'Printer', description: 'Where is the printer?' }, member);
    const first = await answerWithButtons(w, threadId!);
    const request = await run('ticket_close_request', {}, { userId: w.staffId, channelId: threadId! });
    w.fake.postAsUser({ channelId: threadId!, userId: member, content: 'Found it, but now it jams on every page' });
    await answerWithButtons(w, threadId!, first);

    const ctx = { core: w.core, client: w.bot.client, answerOrder: new AnswerOrder(), liveAnswers: new LiveAnswers() };
    await sweepStaleTickets(ctx, Date.now() + 49 * 3_600_000 - 60_000);
    expect(w.core.tickets.getByThread(w.guildId, threadId!)!.status).toBe('open');
    const closeId = buttonIds(request as never).find((id) => id.endsWith(':yes'))!;
    // "Thanks, it works" is a message too: the member may still close with the request's own button.
    const late = await (await w.fake.clickButton({ messageId: request.messageId!, customId: closeId, userId: member })).waitForResponse();
    expect(late.modal!.title).toBe('How did we do?');
  });
});
