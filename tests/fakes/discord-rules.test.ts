import { readFileSync } from 'node:fs';
import { ChannelType, Client, Events, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import type { Interaction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOT_PERMISSIONS, FakeDiscord, type FakeDiscordOptions, type GuildView } from './discord/index.js';
import { stopAfterEachTest } from './stop-after-each.js';

/**
 * The rules issue 13 added to the fake Discord, each pinned here (the sources are cited where the
 * fake enforces them and in README.md).
 */
const started = stopAfterEachTest();

interface Scene {
  fake: FakeDiscord;
  guild: GuildView;
  forum: string;
  member: string;
  tags: { id: string; name: string }[];
}

async function scene(opts: FakeDiscordOptions = {}): Promise<Scene> {
  const f = started.fake(await FakeDiscord.start(opts));
  const guild = f.createGuild({ name: 'Rules', ownerName: 'mod' });
  const member = f.addMember(guild.id, { username: 'member' }).id;
  const forumView = f.createChannel(guild.id, { type: ChannelType.GuildForum, name: 'help', available_tags: [{ name: 'Open' }] });
  return { fake: f, guild, forum: forumView.id, member, tags: forumView.availableTags.map((t) => ({ id: t.id, name: t.name })) };
}

/** The bot's REST call, as discord.js would send it; resolves with status and JSON body. */
async function rest(f: FakeDiscord, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${f.apiUrl}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${f.token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function login(f: FakeDiscord, onInteraction?: (i: Interaction) => Promise<void>): Promise<Client> {
  const c = started.client(new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: f.apiUrl } }));
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  if (onInteraction) c.on(Events.InteractionCreate, (i) => void onInteraction(i).catch(() => undefined));
  await c.login(f.token);
  await ready;
  return c;
}

describe('fake Discord: rules from issue 13', () => {
  it('threads archive after their auto_archive_duration without activity (scaled clock); a message is activity', async () => {
    const s = await scene({ threadArchiveMinuteMs: 2 }); // 60 minutes = 120 ms
    const post = s.fake.createForumPostAsUser({ forumId: s.forum, userId: s.member, title: 'Quiet', content: 'hello' }).thread.id;
    const created = await rest(s.fake, 'PATCH', `/channels/${post}`, { auto_archive_duration: 60 });
    expect(created.status).toBe(200);
    await new Promise((r) => setTimeout(r, 80));
    s.fake.postAsUser({ channelId: post, userId: s.member, content: 'still here' }); // activity: the clock starts again
    await new Promise((r) => setTimeout(r, 80));
    expect(s.fake.channel(post).archived).toBe(false);
    await s.fake.waitFor(() => s.fake.channel(post).archived, 2000, 'archived after 60 "minutes"');
    // Posting unarchives it again (unless locked).
    s.fake.postAsUser({ channelId: post, userId: s.member, content: 'back' });
    expect(s.fake.channel(post).archived).toBe(false);
  });

  it('only a member with Manage Threads can lock a thread, even its own post', async () => {
    const s = await scene();
    const post = s.fake.createForumPostAsUser({ forumId: s.forum, userId: s.member, title: 'Mine', content: 'my post' }).thread.id;
    expect(() => s.fake.editThreadAsUser({ threadId: post, userId: s.member, locked: true })).toThrow(expect.objectContaining({ status: 403, code: 50013 }));
    expect(s.fake.editThreadAsUser({ threadId: post, userId: s.member, archived: true }).archived).toBe(true); // its creator may archive
    expect(s.fake.editThreadAsUser({ threadId: post, userId: s.guild.ownerId, archived: false, locked: true }).locked).toBe(true);
  });

  it('any member who may write in a thread may unarchive it when it is not locked; archiving, or unarchiving a locked one, needs Manage Threads', async () => {
    const s = await scene();
    const other = s.fake.addMember(s.guild.id, { username: 'other' }).id;
    const post = s.fake.createForumPostAsUser({ forumId: s.forum, userId: s.member, title: 'Reopen', content: 'hi' }).thread.id;
    s.fake.editThreadAsUser({ threadId: post, userId: s.guild.ownerId, archived: true });
    expect(() => s.fake.editThreadAsUser({ threadId: post, userId: other, archived: false, name: 'Renamed' })).toThrow(expect.objectContaining({ status: 403, code: 50013 }));
    expect(s.fake.editThreadAsUser({ threadId: post, userId: other, archived: false }).archived).toBe(false);
    expect(() => s.fake.editThreadAsUser({ threadId: post, userId: other, archived: true })).toThrow(expect.objectContaining({ status: 403, code: 50013 }));
    s.fake.editThreadAsUser({ threadId: post, userId: s.guild.ownerId, archived: true, locked: true });
    expect(() => s.fake.editThreadAsUser({ threadId: post, userId: other, archived: false })).toThrow(expect.objectContaining({ status: 403, code: 50013 }));
  });

  it('in a locked thread only Manage Threads may write or edit (403 160005); an author may still delete while it is active, not once it is archived (50083)', async () => {
    const s = await scene();
    const post = s.fake.createForumPostAsUser({ forumId: s.forum, userId: s.member, title: 'Locked', content: 'first' }).thread.id;
    const mine = s.fake.postAsUser({ channelId: post, userId: s.member, content: 'my reply' }).id;
    const kept = s.fake.postAsUser({ channelId: post, userId: s.member, content: 'kept' }).id;
    const bots = (await rest(s.fake, 'POST', `/channels/${post}/messages`, { content: 'bot reply' })).body.id as string;
    s.fake.editThreadAsUser({ threadId: post, userId: s.guild.ownerId, locked: true });
    expect(() => s.fake.editAsUser({ messageId: mine, userId: s.member, content: 'edited' })).toThrow(expect.objectContaining({ status: 403, code: 160005 }));
    expect(() => s.fake.postAsUser({ channelId: post, userId: s.member, content: 'more' })).toThrow(expect.objectContaining({ status: 403, code: 160005 }));
    s.fake.deleteMessage(mine, s.member); // active (not archived): the author may delete
    // The bot has Manage Threads by default: it may still edit its message; without it, it is refused like a member.
    expect((await rest(s.fake, 'PATCH', `/channels/${post}/messages/${bots}`, { content: 'bot edited' })).status).toBe(200);
    s.fake.setRolePermissions(s.guild.id, s.guild.botRoleId, DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.ManageThreads);
    const refused = await rest(s.fake, 'PATCH', `/channels/${post}/messages/${bots}`, { content: 'again' });
    expect([refused.status, refused.body.code]).toEqual([403, 160005]);
    s.fake.editThreadAsUser({ threadId: post, userId: s.guild.ownerId, archived: true });
    expect(() => s.fake.deleteMessage(kept, s.member)).toThrow(expect.objectContaining({ code: 50083 }));
    expect(s.fake.messages(post).map((m) => m.content)).toEqual(['first', 'kept', 'bot edited']);
  });

  it('the bot’s role has exactly the invite’s permissions by default: no Manage Messages, no Mention Everyone', async () => {
    const s = await scene();
    const roles = (await rest(s.fake, 'GET', `/guilds/${s.guild.id}/roles`)).body as unknown as { id: string; permissions: string }[];
    const botRole = roles.find((r) => r.id === s.guild.botRoleId)!;
    const invite = /permissions=(\d+)/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'))![1]!;
    expect(BigInt(botRole.permissions)).toBe(BigInt(invite)); // README.md's invite link
    expect(BigInt(botRole.permissions)).toBe(DEFAULT_BOT_PERMISSIONS);
    expect(BigInt(botRole.permissions) & (PermissionFlagsBits.ManageMessages | PermissionFlagsBits.MentionEveryone)).toBe(0n);
  });

  it('an unknown tag id in applied_tags is rejected (400 50035), a known one accepted', async () => {
    const s = await scene();
    const post = s.fake.createForumPostAsUser({ forumId: s.forum, userId: s.member, title: 'Tags', content: 'tag me' }).thread.id;
    const bad = await rest(s.fake, 'PATCH', `/channels/${post}`, { applied_tags: ['123456789012345678'] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(50035);
    expect(JSON.stringify(bad.body.errors)).toContain('applied_tags');
    expect((await rest(s.fake, 'PATCH', `/channels/${post}`, { applied_tags: [s.tags[0]!.id] })).status).toBe(200);
  });

  it('at most 2 name or topic changes of a channel per 10 minutes: the third gets 429 with the wait', async () => {
    const s = await scene();
    expect((await rest(s.fake, 'PATCH', `/channels/${s.forum}`, { name: 'help-1' })).status).toBe(200);
    expect((await rest(s.fake, 'PATCH', `/channels/${s.forum}`, { topic: 'Ask here' })).status).toBe(200);
    const third = await rest(s.fake, 'PATCH', `/channels/${s.forum}`, { name: 'help-2' });
    expect(third.status).toBe(429);
    expect(third.body.retry_after).toBeGreaterThan(590);
    expect(s.fake.channel(s.forum).name).toBe('help-1');
    // Other edits of the channel are not limited by it.
    expect((await rest(s.fake, 'PATCH', `/channels/${s.forum}`, { available_tags: [{ name: 'Open' }, { name: 'Done' }] })).status).toBe(200);
  });

  it('the first message of a forum post may arrive after THREAD_CREATE; nobody else may post before it (40058)', async () => {
    const s = await scene();
    const c = await login(s.fake);
    const seen: string[] = [];
    c.on(Events.ThreadCreate, (t) => seen.push(`thread ${t.id}`));
    c.on(Events.MessageCreate, (m) => seen.push(`message ${m.id}`));
    const { thread, starter } = s.fake.createForumPostAsUserLater({ forumId: s.forum, userId: s.member, title: 'Upload', content: 'see file', starterDelayMs: 200 });
    await s.fake.waitFor(() => seen.includes(`thread ${thread.id}`), 2000, 'THREAD_CREATE');
    const early = await rest(s.fake, 'POST', `/channels/${thread.id}/messages`, { content: 'Welcome!' });
    expect(early.body.code).toBe(40058);
    const first = await starter;
    expect(first.id).toBe(thread.id);
    await s.fake.waitFor(() => seen.includes(`message ${thread.id}`), 2000, 'MESSAGE_CREATE of the starter');
    expect(seen.indexOf(`thread ${thread.id}`)).toBeLessThan(seen.indexOf(`message ${thread.id}`));
    expect((await rest(s.fake, 'POST', `/channels/${thread.id}/messages`, { content: 'Welcome!' })).status).toBe(200);
  });

  it('a modal’s prefilled value must fit its max_length', async () => {
    const s = await scene();
    const general = s.fake.createChannel(s.guild.id, { name: 'general' }).id;
    const outcomes: string[] = [];
    await login(s.fake, async (i) => {
      if (!i.isChatInputCommand()) return;
      const value = i.options.getString('text', true);
      await i
        .showModal({
          custom_id: 'm',
          title: 'Edit',
          components: [{ type: 1, components: [{ type: 4, custom_id: 'f', label: 'Text', style: 2, max_length: 10, value }] }],
        } as never)
        .then(() => outcomes.push('shown'))
        .catch((e: { code?: number }) => outcomes.push(`refused ${e.code}`));
    });
    await rest(s.fake, 'PUT', `/applications/${s.fake.applicationId}/guilds/${s.guild.id}/commands`, [
      { name: 'edit', description: 'Edit text', options: [{ type: 3, name: 'text', description: 'Text', required: true }] },
    ]);
    for (const text of ['short', 'far too long for ten']) {
      await s.fake.invokeSlashCommand({ guildId: s.guild.id, channelId: general, userId: s.member, name: 'edit', options: { text } });
      await s.fake.waitFor(() => outcomes.length === (text === 'short' ? 1 : 2), 3000, 'the modal callback');
    }
    expect(outcomes).toEqual(['shown', 'refused 50035']);
  });
});

describe('fake Discord: interaction responses in archived or locked threads', () => {
  it('are judged by the member: in a locked post a member without Manage Threads gets 50083, a moderator is answered; an archived post is unarchived by the member’s client first', async () => {
    const s = await scene();
    const errors: (number | undefined)[] = [];
    const c = await login(s.fake, async (i) => {
      if (!i.isButton()) return;
      await i.reply({ content: 'ok', flags: 64 }).catch((e: { code?: number }) => errors.push(e.code));
    });
    const post = s.fake.createForumPostAsUser({ forumId: s.forum, userId: s.member, title: 'Buttons', content: 'press' }).thread.id;
    await s.fake.waitFor(() => c.channels.cache.get(post), 2000, 'the post cached');
    const sent = await rest(s.fake, 'POST', `/channels/${post}/messages`, {
      content: 'Was this helpful?',
      components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Yes', custom_id: 'yes' }] }],
    });
    const messageId = String(sent.body.id);

    // Archived (not locked): the member's client unarchives it, and the reply goes through.
    s.fake.editThreadAsUser({ threadId: post, userId: s.guild.ownerId, archived: true });
    const inArchived = await s.fake.clickButton({ messageId, customId: 'yes', userId: s.member });
    expect((await inArchived.waitForResponse()).content).toBe('ok');
    expect(s.fake.channel(post).archived).toBe(false);

    // Locked and archived: the bot has Manage Threads, the member does not; the member's permissions decide.
    s.fake.editThreadAsUser({ threadId: post, userId: s.guild.ownerId, locked: true, archived: true });
    const byMember = await s.fake.clickButton({ messageId, customId: 'yes', userId: s.member });
    expect((await byMember.waitForRejection()).code).toBe(50083);
    await s.fake.waitFor(() => errors.length === 1, 2000, 'the bot saw the refusal');
    const byModerator = await s.fake.clickButton({ messageId, customId: 'yes', userId: s.guild.ownerId });
    expect((await byModerator.waitForResponse()).content).toBe('ok');
  });
});
