import { describe, expect, it } from 'vitest';
import { startDiscordBot } from '../../src/discord/client.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';
import { openTicket } from './support-helpers.js';

/**
 * A moderator deletes a ticket's post in Discord (the fake sends what Discord sends: THREAD_DELETE for a post,
 * only CHANNEL_DELETE when the whole forum goes; see tests/fakes/channel-deletion.test.ts). The ticket must
 * close with it: an open ticket nobody can see still counted against the member's limit of open tickets, was
 * listed as open to staff, and pointed the member at a deleted channel.
 */
const startWorld = useBotWorldStarter();

async function world(): Promise<BotWorld> {
  const w = await startWorld();
  await w.setup();
  // One open ticket per member: a ticket left open by mistake is then felt at once.
  await (await w.command('ticket_settings', { max_open: 1 })).waitForResponse();
  return w;
}

/** The member presses the panel's Open ticket button; what they see (a form, or a refusal). */
async function pressOpenTicket(bw: BotWorld) {
  await (await bw.command('ticket_panel', {}, { channelId: bw.generalId })).waitForResponse();
  const panel = bw.fake.messages(bw.generalId).filter((m) => m.embeds.length > 0 && m.author.bot).at(-1)!;
  const button = (panel.components as { components: { custom_id: string }[] }[])[0]!.components[0]!;
  return (await bw.fake.clickButton({ messageId: panel.id, customId: button.custom_id, userId: bw.memberId })).waitForResponse();
}

const ticketOf = (bw: BotWorld, threadId: string) => bw.core.tickets.getByThread(bw.guildId, threadId);
const closedAsDeleted = { status: 'closed', closedBy: null, closeReason: 'deleted in Discord' };

describe('a ticket whose post is deleted in Discord', () => {
  it('a moderator deletes the post: the ticket closes, and the member (limit 1) gets the form again instead of a refusal naming a deleted channel', async () => {
    const bw = await world();
    const { threadId } = await openTicket(bw, 'Refund', 'I want a refund');
    expect((await pressOpenTicket(bw)).content).toContain('You already have 1 open ticket'); // the limit holds while the post exists

    bw.fake.deleteChannelAsUser({ channelId: threadId, userId: bw.adminId });
    await bw.fake.waitFor(() => ticketOf(bw, threadId)?.status === 'closed', 3000, 'the ticket closed').catch(() => undefined);
    const reply = await pressOpenTicket(bw);
    expect(reply.content).not.toContain(`<#${threadId}>`);
    expect(reply.type).toBe(9); // the intake form
    expect(ticketOf(bw, threadId)).toMatchObject(closedAsDeleted);
  });

  it('a post that went quiet, left discord.js’s cache and was then deleted closes its ticket too', async () => {
    const bw = await world();
    const { threadId } = await openTicket(bw, 'Login', 'I cannot log in');
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    await bw.fake.waitFor(() => {
      const cached = bw.bot.client.channels.cache.get(threadId);
      return cached?.isThread() && cached.archived === true;
    }, 3000, 'the bot sees it archived');
    // discord.js's default sweeper drops archived threads from its cache 4 hours after they were archived
    // (Options.DefaultSweeperSettings.threads); it then emits no threadDelete for them.
    bw.bot.client.sweepers.sweepThreads((thread) => thread.archived === true);
    expect(bw.bot.client.channels.cache.has(threadId)).toBe(false);

    bw.fake.deleteChannelAsUser({ channelId: threadId, userId: bw.adminId });
    await bw.fake.waitFor(() => ticketOf(bw, threadId)?.status === 'closed', 3000, 'the ticket closed').catch(() => undefined);
    expect(ticketOf(bw, threadId)).toMatchObject(closedAsDeleted);
    expect((await pressOpenTicket(bw)).type).toBe(9);
  });

  it('deleting a channel that never held tickets asks Discord nothing about the quiet tickets, and closes none', async () => {
    const bw = await world();
    const { threadId } = await openTicket(bw, 'Login', 'I cannot log in');
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    await bw.fake.waitFor(() => (bw.bot.client.channels.cache.get(threadId) as { archived?: boolean } | undefined)?.archived === true, 3000, 'the bot sees it archived');
    bw.bot.client.sweepers.sweepThreads((thread) => thread.archived === true);
    const deletedAt = Date.now();

    bw.fake.deleteChannelAsUser({ channelId: bw.generalId, userId: bw.adminId });
    await bw.fake.waitFor(() => !bw.bot.client.channels.cache.has(bw.generalId), 3000, 'the bot saw the channel go');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bw.fake.requests.filter((r) => r.at >= deletedAt && r.method === 'GET' && r.path === `/channels/${threadId}`)).toEqual([]);
    expect(ticketOf(bw, threadId)?.status).toBe('open');
  });

  it('a post deleted while the bot was offline: its ticket closes at start-up; the other ticket stays open', async () => {
    const bw = await world();
    const other = bw.fake.addMember(bw.guildId, { username: 'other' }).id;
    const [deleted, kept] = await Promise.all([openTicket(bw, 'Refund', 'I want a refund'), openTicket(bw, 'Crash', 'It crashes', other)]);
    await bw.bot.stop(); // a new gateway session does not replay what it missed
    bw.fake.deleteChannelAsUser({ channelId: deleted.threadId, userId: bw.adminId });
    bw.bot = await startDiscordBot(bw.core, bw.fake.token);

    await bw.fake.waitFor(() => ticketOf(bw, deleted.threadId)?.status === 'closed', 3000, 'the ticket closed').catch(() => undefined);
    expect(ticketOf(bw, deleted.threadId)).toMatchObject(closedAsDeleted);
    expect(ticketOf(bw, kept.threadId)?.status).toBe('open');
    expect((await pressOpenTicket(bw)).type).toBe(9);
  });

  it('the whole ticket forum deleted (Discord sends no THREAD_DELETE for its posts): its tickets close, and the member is told plainly', async () => {
    const bw = await world();
    const { threadId } = await openTicket(bw, 'Refund', 'I want a refund');
    bw.fake.deleteChannelAsUser({ channelId: bw.forumId, userId: bw.adminId });
    await bw.fake.waitFor(() => ticketOf(bw, threadId)?.status === 'closed', 3000, 'the ticket closed').catch(() => undefined);
    expect(ticketOf(bw, threadId)).toMatchObject(closedAsDeleted);
    // The form opens (no open ticket holds the member back); sending it says what is wrong.
    const form = await pressOpenTicket(bw);
    expect(form.type).toBe(9);
    const submit = await bw.fake.submitModal({ customId: String(form.modal!.custom_id), fields: { subject: 'Again', description: 'Still no refund' }, userId: bw.memberId, channelId: bw.generalId });
    expect((await submit.waitForResponse()).content).toContain('The ticket forum no longer exists');
  });
});
