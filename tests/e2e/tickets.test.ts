import { describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { FALLBACK_TEXT } from '../../src/core/responder.js';
import { DEFAULT_BOT_PERMISSIONS } from '../fakes/discord/index.js';
import { useBotWorld } from './harness.js';
import { botMessages } from './support-helpers.js';

// Room for the 5,000-character answer below (1,024 tokens by default: about 4,000 characters).
const w = useBotWorld({ OLLAMA_MAX_ANSWER_TOKENS: '2048' }, { perTest: true });

const tagNames = (threadId: string) => {
  const thread = w.fake.channel(threadId);
  const forum = w.fake.channel(w.forumId);
  return thread.appliedTags.map((id) => forum.availableTags.find((t) => t.id === id)?.name);
};

/** A member opens a ticket from the panel: button → modal → forum post. Returns the new thread's id. */
async function openTicketFromPanel(subject: string, description: string): Promise<string> {
  const panelCmd = await w.command('ticket_panel', {}, { channelId: w.generalId });
  await panelCmd.waitForResponse();
  const panel = w.fake.messages(w.generalId).find((m) => m.embeds.length > 0 && m.author.bot)!;
  const button = (panel.components as { components: { custom_id: string; label: string }[] }[])[0]!.components[0]!;
  expect(button.label).toBe('Open ticket');
  const click = await w.fake.clickButton({ messageId: panel.id, customId: button.custom_id, userId: w.memberId });
  const modal = await click.waitForResponse();
  expect(modal.type).toBe(9);
  const submit = await w.fake.submitModal({
    customId: String(modal.modal!.custom_id),
    fields: { subject, description },
    userId: w.memberId,
    channelId: w.generalId,
  });
  const confirmation = await submit.waitForResponse();
  expect(confirmation.ephemeral).toBe(true);
  const thread = w.fake.threads(w.forumId).find((t) => t.name === subject);
  expect(thread).toBeDefined();
  expect(confirmation.content).toContain(`<#${thread!.id}>`);
  return thread!.id;
}

describe('tickets end to end', () => {
  it('/setup adds the four status tags to the forum, keeping its own tags', async () => {
    const names = w.fake.channel(w.forumId).availableTags.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Open', 'Answered', 'Needs staff', 'Closed']));
    expect(w.core.guildSettings.get(w.guildId)).toMatchObject({ forumChannelId: w.forumId, staffRoleId: w.staffRoleId });
  });

  it('/setup warns when the bot could not notify the staff role', async () => {
    const setupText = async (roleId: string) => JSON.stringify((await (await w.command('setup', { forum: w.forumId, staff_role: roleId })).waitForResponse()).embeds);
    expect(await setupText(w.staffRoleId)).not.toContain('cannot notify'); // mentionable, as SETUP.md asks
    const quiet = w.fake.createRole(w.guildId, { name: 'Quiet staff', mentionable: false });
    const botRole = () => w.bot.client.guilds.cache.get(w.guildId)?.roles.cache.get(w.botRoleId);
    await w.fake.waitFor(() => w.bot.client.guilds.cache.get(w.guildId)?.roles.cache.has(quiet.id), 3000, 'the bot sees the new role');
    expect(await setupText(quiet.id)).toContain('cannot notify'); // the invite grants no Mention Everyone
    w.fake.setRolePermissions(w.guildId, w.botRoleId, DEFAULT_BOT_PERMISSIONS | PermissionFlagsBits.MentionEveryone);
    await w.fake.waitFor(() => botRole()?.permissions.has(PermissionFlagsBits.MentionEveryone), 3000, 'the bot sees its role change');
    expect(await setupText(quiet.id)).not.toContain('cannot notify');
  });

  it('panel → button → modal → forum post, answered at once from training', async () => {
    const trained = await w.command('train', { question: 'How do I link my account?', answer: 'Run /link in #bot-commands and follow the DM.' });
    await trained.waitForResponse();

    const threadId = await openTicketFromPanel('Account linking', 'how can i link my account?');
    const starter = w.fake.messages(threadId)[0]!;
    expect(starter.content).toContain(`<@${w.memberId}>`);
    expect(starter.content).toContain('> how can i link my account?');
    expect(starter.mentionsPinged.users).toEqual([w.memberId]);

    const answer = await w.fake.waitForMessage(threadId, (m) => m.author.bot && m.id !== starter.id);
    expect(answer.content).toBe('Run /link in #bot-commands and follow the DM.');
    await w.fake.waitFor(() => tagNames(threadId).includes('Answered'), 3000);
    expect(w.core.tickets.getByThread(w.guildId, threadId)).toMatchObject({ ownerId: w.memberId, subject: 'Account linking', status: 'open' });
  });

  it('a member’s own forum post is a ticket, answered by the AI, streamed and split past 2000 characters', async () => {
    const paragraph = 'Here is one step of a long explanation that keeps the member informed. '.repeat(5).trim();
    const long = Array.from({ length: 14 }, (_, i) => `Step ${i + 1}: ${paragraph}`).join('\n\n');
    expect(long.length).toBeGreaterThan(5000);
    w.ollama.reply = long;
    w.ollama.chunkSize = 200;
    w.ollama.tokenDelayMs = 40;

    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Server crashes', content: 'It crashes when I join' });
    await w.fake.waitFor(() => botMessages(w, thread.id).map((m) => m.content).join('\n\n') === long, 15_000);
    const parts = botMessages(w, thread.id);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) expect(part.content.length).toBeLessThanOrEqual(2000);
    // It was streamed: the first part was edited after it was posted.
    expect(parts[0]!.editedAt).not.toBeNull();
    expect(w.fake.typing.some((t) => t.channelId === thread.id)).toBe(true);
    await w.fake.waitFor(() => tagNames(thread.id).includes('Answered'), 3000);
    const asked = w.ollama.chatRequests().at(-1)!;
    expect(asked.messages.at(-1)!.content).toContain('It crashes when I join');
  });

  it('an @everyone written by the AI pings nobody', async () => {
    w.ollama.reply = '@everyone @here <@&' + w.staffRoleId + '> look at this!';
    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Ping test', content: 'hello' });
    const answer = await w.fake.waitForMessage(thread.id, (m) => m.author.bot && m.content.endsWith('look at this!'), 5000).catch((e) => {
      console.log(JSON.stringify(w.fake.messages(thread.id).map((m) => [m.author.bot, m.content])), w.ollama.chatRequests().length, w.fake.requests.slice(-8).map((r) => `${r.method} ${r.path} ${r.status}`));
      throw e;
    });
    expect(answer.content).toContain('@everyone');
    expect(answer.mentionsPinged).toMatchObject({ everyone: false, users: [], roles: [] });
  });

  it('says plainly that staff will follow up when Ollama is down', async () => {
    await w.ollama.stop();
    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Refund', content: 'I want a refund for my order' });
    const answer = await w.fake.waitForMessage(thread.id, (m) => m.author.bot, 5000);
    expect(answer.content).toBe(FALLBACK_TEXT);
    await w.ollama.restart();
  });

  it('/close_ticket posts the reason, tags Closed, archives and locks; the owner may close, others may not', async () => {
    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Done soon', content: 'quick question' });
    await w.fake.waitForMessage(thread.id, (m) => m.author.bot);
    const outsider = w.fake.addMember(w.guildId, { username: 'outsider' });
    const refused = await w.command('close_ticket', { reason: 'spam' }, { userId: outsider.id, channelId: thread.id });
    expect((await refused.waitForResponse()).content).toBe('Only the member who opened this ticket, or staff, can close it.');
    expect(w.fake.channel(thread.id).archived).toBe(false);

    const close = await w.command('close_ticket', { reason: 'Fixed, thanks!' }, { userId: w.memberId, channelId: thread.id });
    const closing = await close.waitForResponse();
    expect(closing.ephemeral).toBe(false);
    expect(closing.content).toContain('Ticket closed by');
    expect(closing.content).toContain('Fixed, thanks!');
    await w.fake.waitFor(() => w.fake.channel(thread.id).locked && w.fake.channel(thread.id).archived, 3000);
    expect(tagNames(thread.id)).toContain('Closed');
    expect(w.core.tickets.getByThread(w.guildId, thread.id)).toMatchObject({ status: 'closed', closedBy: w.memberId, closeReason: 'Fixed, thanks!' });
  });

  it('/ticket_info shows owner, status and the source of the last answer', async () => {
    await (await w.command('train', { question: 'Where are the rules?', answer: 'In #rules.' })).waitForResponse();
    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Rules', content: 'where are the rules' });
    await w.fake.waitForMessage(thread.id, (m) => m.author.bot && m.content === 'In #rules.');
    const info = await (await w.command('ticket_info', {}, { userId: w.memberId, channelId: thread.id })).waitForResponse();
    expect(info.ephemeral).toBe(true);
    const fields = Object.fromEntries(info.embeds[0]!.fields!.map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ Owner: `<@${w.memberId}>`, Status: 'Open' });
    expect(fields['Last answer']).toContain('a trained answer');
  });
});
