import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../fakes/discord/index.js';
import { capturingLogger } from '../reliability/helpers.js';
import { useBotWorld } from './harness.js';
import { botMessages, quietFor, TRAINED_ENV } from './support-helpers.js';

/**
 * A member opens a ticket from the panel while the connection under "create the post" (or the private thread) drops:
 * before Discord created it (`lose: 'request'`) or after, only its answer lost (`lose: 'response'`). The bot cannot
 * tell the two apart. Whatever happened, the member must get exactly one ticket, registered as theirs (answered by
 * the bot, /ticket_info works in it), and the usual confirmation: no stray post the database does not know, no error
 * where it worked, no ticket lost where the first attempt failed.
 */
let log: ReturnType<typeof capturingLogger>;
const w = useBotWorld(TRAINED_ENV, { logger: (token) => (log = capturingLogger([token])).logger, setup: false });
let privateChannelId: string;
let defaultPanel: MessageView;
let typesPanel: MessageView;

const run = async (name: string, options: Record<string, unknown> = {}, as: { userId?: string; channelId?: string } = {}) => (await w.command(name, options as never, as)).waitForResponse();
const panelButtons = (panel: MessageView) => (panel.components as { components: { custom_id: string; label: string }[] }[]).flatMap((r) => r.components);
const newestBotPanel = () => w.fake.messages(w.generalId).filter((m) => m.author.bot && m.embeds.length > 0).at(-1)!;

beforeAll(async () => {
  w.fake.setRolePermissions(w.guildId, w.staffRoleId, PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageThreads);
  privateChannelId = w.fake.createChannel(w.guildId, { type: ChannelType.GuildText, name: 'private-tickets' }).id;
  await w.fake.waitFor(() => w.bot.client.channels.cache.has(privateChannelId), 3000);
  await w.setup();
  w.core.training.add(w.guildId, { question: 'My game keeps crashing on start', answer: 'Delete the shader cache and start it again.' });
  w.core.training.add(w.guildId, { question: 'I was charged twice for my subscription', answer: 'We refund double charges within 3 days.' });
  // The default panel first ("Open ticket": a forum post), then one with a private type.
  await run('ticket_panel', {}, { channelId: w.generalId });
  defaultPanel = newestBotPanel();
  await run('ticket_settings', { private_channel: privateChannelId });
  await run('ticket_type create', { name: 'Billing', emoji: '💳', private: true, questions: 'Order number* | long: What happened?*' });
  await run('ticket_panel', {}, { channelId: w.generalId });
  typesPanel = newestBotPanel();
});

/** POST /channels/{parent}/threads: Start Thread in Forum, or Start Thread without Message (a private thread). */
const startThreadIn = (parentId: string) => new RegExp(`^/channels/${parentId}/threads$`);

/** The member presses a panel button and sends its form; resolves with the ephemeral confirmation. */
async function openFromPanel(panel: MessageView, label: string, fields: Record<string, string>, userId: string) {
  const button = panelButtons(panel).find((b) => b.label === label)!;
  const modal = await (await w.fake.clickButton({ messageId: panel.id, customId: button.custom_id, userId })).waitForResponse();
  expect(modal.type).toBe(9);
  const submit = await w.fake.submitModal({ customId: String(modal.modal!.custom_id), fields, userId, channelId: w.generalId });
  return submit.waitForResponse({ timeoutMs: 10_000 });
}

/** What every case must show: one thread of that name, the confirmation pointing at it, registered as the member's ticket, answered. */
async function expectOneRegisteredTicket(threads: () => { id: string; name: string }[], name: string, confirmation: { content: string; ephemeral: boolean }, memberId: string, answer: string) {
  const named = threads().filter((t) => t.name === name);
  expect(named).toHaveLength(1);
  const threadId = named[0]!.id;
  expect(confirmation.ephemeral).toBe(true);
  expect(confirmation.content).toBe(`Your ticket is open: <#${threadId}>`);
  expect(w.core.tickets.getByThread(w.guildId, threadId)).toMatchObject({ ownerId: memberId, subject: name, status: 'open' });
  await w.fake.waitForMessage(threadId, (m) => m.author.bot && m.content === answer, 10_000);
  const info = await run('ticket_info', {}, { userId: memberId, channelId: threadId });
  expect(JSON.stringify(info.embeds)).toContain(`<@${memberId}>`);
  expect(info.content).not.toMatch(/not a ticket|went wrong/i);
  return threadId;
}

const forumThreads = () => w.fake.threads(w.forumId);
const privateThreads = () => w.fake.threads(privateChannelId);

describe('a forum post whose creation lost its connection: one ticket', () => {
  it.each(['request', 'response'] as const)('lose: %s → one post, registered, answered, confirmed', async (lose) => {
    const member = w.fake.addMember(w.guildId, { username: `forum-${lose}` }).id;
    const subject = `Crash on start (${lose})`;
    const seen = w.fake.requests.length;
    w.fake.faults.dropNext({ method: 'POST', route: startThreadIn(w.forumId), lose });
    const confirmation = await openFromPanel(defaultPanel, 'Open ticket', { subject, description: 'My game keeps crashing on start' }, member);
    const dropped = w.fake.requests.slice(seen).filter((r) => r.dropped && startThreadIn(w.forumId).test(r.path));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.lostAnswer).toEqual(lose === 'response' ? { status: 201 } : undefined);
    const threadId = await expectOneRegisteredTicket(forumThreads, subject, confirmation, member, 'Delete the shader cache and start it again.');
    // After the drop the bot looked for the post before starting one: found (answer lost), or not there (request lost).
    const after = w.fake.requests.slice(seen);
    expect(after.some((r) => r.method === 'GET' && r.path === `/guilds/${w.guildId}/threads/active`)).toBe(true);
    expect(after.filter((r) => r.method === 'POST' && startThreadIn(w.forumId).test(r.path))).toHaveLength(lose === 'response' ? 1 : 2);
    // The starter message (the post's own id) quotes the member once; nothing else of the opening repeated.
    const opening = botMessages(w, threadId).filter((m) => m.content.startsWith(`<@${member}> opened this ticket.`));
    expect(opening.map((m) => m.id)).toEqual([threadId]);
  });
});

describe('two members open tickets with the same subject at once, both creations losing their answer (one network blip)', () => {
  it('each gets their own post: the two lost posts are told apart by their starter messages', async () => {
    const [ann, ben] = ['ann', 'ben'].map((username) => w.fake.addMember(w.guildId, { username }).id) as [string, string];
    w.fake.faults.dropNext({ method: 'POST', route: startThreadIn(w.forumId), lose: 'response', count: 2 });
    // The first retry's lookup drops too, so the other member's retry looks first and sees both lost posts.
    w.fake.faults.dropNext({ method: 'GET', route: /\/threads\/active$/ });
    const subject = 'Same subject';
    const fields = { subject, description: 'My game keeps crashing on start' };
    const [forAnn, forBen] = await Promise.all([openFromPanel(defaultPanel, 'Open ticket', fields, ann), openFromPanel(defaultPanel, 'Open ticket', fields, ben)]);
    const posts = forumThreads().filter((t) => t.name === subject);
    expect(posts).toHaveLength(2);
    for (const [member, confirmation] of [[ann, forAnn], [ben, forBen]] as const) {
      const threadId = /<#(\d+)>/.exec(confirmation.content)?.[1];
      expect(w.core.tickets.getByThread(w.guildId, threadId!)).toMatchObject({ ownerId: member });
      expect(w.fake.message(threadId!)?.content.startsWith(`<@${member}> opened this ticket.`)).toBe(true);
    }
  });
});

describe('a private thread whose creation lost its connection: one ticket', () => {
  it.each(['request', 'response'] as const)('lose: %s → one private thread, with the member, registered, answered, confirmed', async (lose) => {
    const member = w.fake.addMember(w.guildId, { username: `private-${lose}` }).id;
    const order = `C-${lose}`;
    w.fake.faults.dropNext({ method: 'POST', route: startThreadIn(privateChannelId), lose });
    const confirmation = await openFromPanel(typesPanel, 'Billing', { q0: order, q1: 'I was charged twice for my subscription' }, member);
    const threadId = await expectOneRegisteredTicket(privateThreads, `Billing: ${order}`, confirmation, member, 'We refund double charges within 3 days.');
    expect(w.fake.threadMembers(threadId)).toEqual([w.fake.botUser.id, member]);
    expect(w.fake.readMessagesAsUser(threadId, member).some((m) => m.content.startsWith(`<@${member}> opened this private`))).toBe(true);
  });
});

describe('each retry of a dropped connection is logged', () => {
  it('one warning per retry naming what was retried and the attempt, without the message text or the token', async () => {
    const member = w.fake.addMember(w.guildId, { username: 'logged' }).id;
    const before = log.text().length;
    w.fake.faults.dropNext({ method: 'POST', route: startThreadIn(w.forumId), lose: 'response' });
    await openFromPanel(defaultPanel, 'Open ticket', { subject: 'Logged drop', description: 'My game keeps crashing on start' }, member);
    await quietFor(100);
    const lines = log.text().slice(before).split('\n').filter((l) => /dropped/i.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/forum post/);
    expect(lines[0]).toMatch(/attempt.*2/);
    expect(lines[0]).not.toContain('crashing');
    expect(lines[0]).not.toContain(w.fake.token);
  });
});
