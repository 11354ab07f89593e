import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../fakes/discord/index.js';
import { startBotWorld, type BotWorld } from './harness.js';
import { TRAINED_ENV } from './support-helpers.js';

/**
 * Issue 16, point 3: a private ticket's transcript goes to the staff log channel, or to its member by DM when
 * they ask, never into a channel; a member whose DMs are closed is told so, and nothing is posted.
 */
let w: BotWorld;
let logChannelId: string;
let panel: MessageView;

const run = async (name: string, options: Record<string, unknown> = {}, as: { userId?: string; channelId?: string } = {}) => (await w.command(name, options as never, as)).waitForResponse();

beforeAll(async () => {
  w = await startBotWorld({ ...TRAINED_ENV, STALE_TICKET_HOURS: '48' });
  w.fake.setRolePermissions(w.guildId, w.staffRoleId, PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageThreads);
  const privateChannelId = w.fake.createChannel(w.guildId, { type: ChannelType.GuildText, name: 'private-tickets' }).id;
  logChannelId = w.fake.createChannel(w.guildId, { type: ChannelType.GuildText, name: 'ticket-logs' }).id;
  await w.fake.waitFor(() => w.bot.client.channels.cache.has(logChannelId) && w.bot.client.channels.cache.has(privateChannelId), 3000);
  await run('setup', { forum: w.forumId, staff_role: w.staffRoleId, log_channel: logChannelId });
  await run('ticket_settings', { private_channel: privateChannelId });
  await run('ticket_type create', { name: 'Billing', emoji: '💳', private: true, questions: 'Order number* | long: What happened?*' });
  await run('ticket_panel', {}, { channelId: w.generalId });
  panel = w.fake.messages(w.generalId).find((m) => m.author.bot && m.embeds.length > 0)!;
});
afterAll(async () => {
  await w.stop();
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
    const dms = w.fake.directMessagesTo(member);
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
