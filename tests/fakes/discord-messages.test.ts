import { Events, PermissionFlagsBits, Routes, type ForumChannel, type Message, type TextChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOT_PERMISSIONS, DiscordHttpError } from './discord/index.js';
import { apiErrorOf, nextEvent, type Scene, withScene } from './discord-scene.js';

// The fake Discord's message and thread rules, pinned with the real discord.js client: MESSAGE_CREATE/UPDATE/DELETE,
// content limits (50035, 50006), forum posts and thread rules (50083, tags), unarchiving by a message, allowed_mentions
// (README.md, "REST" and "Every rule the fake enforces").

describe('fake Discord messages and threads, with the real discord.js client', () => {
  let { fake, client, guild, general, forum, member } = {} as Scene;
  withScene((scene) => ({ fake, client, guild, general, forum, member } = scene));

  it("echoes the bot's own message as MESSAGE_CREATE with author.bot", async () => {
    const channel = (await client.channels.fetch(general)) as TextChannel;
    const seen = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'hello from the bot');
    await channel.sendTyping();
    expect(fake.typing.at(-1)).toMatchObject({ channelId: general, userId: fake.botUser.id });
    const sent = await channel.send('hello from the bot');
    const [echo] = await seen;
    expect(echo.id).toBe(sent.id);
    expect(echo.author.bot).toBe(true);
    expect(fake.messages(general).at(-1)).toMatchObject({ content: 'hello from the bot', author: { id: fake.botUser.id, bot: true } });
  });

  it("delivers a member's message, and its edit and deletion", async () => {
    const created = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'help please');
    const posted = fake.postAsUser({ channelId: general, userId: member.id, content: 'help please' });
    const [m] = await created;
    expect(m.author.id).toBe(member.id);
    expect(m.author.bot).toBe(false);
    const updated = nextEvent<[Message, Message]>(client, Events.MessageUpdate, (_old, next) => next.id === posted.id);
    fake.editAsUser({ messageId: posted.id, userId: member.id, content: 'help please (edited)' });
    expect((await updated)[1].content).toBe('help please (edited)');
    const deleted = nextEvent<[Message]>(client, Events.MessageDelete, (d) => d.id === posted.id);
    fake.deleteMessage(posted.id);
    await deleted;
    expect(fake.message(posted.id)).toBeUndefined();
  });

  it('refuses 2001 characters with 50035 BASE_TYPE_MAX_LENGTH, and an empty message with 50006', async () => {
    const channel = (await client.channels.fetch(general)) as TextChannel;
    const tooLong = await apiErrorOf(channel.send('x'.repeat(2001)));
    expect(tooLong.code).toBe(50035);
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.rawError)).toContain('BASE_TYPE_MAX_LENGTH');
    expect(tooLong.message).toContain('content');
    const empty = await apiErrorOf(channel.send({ content: ' ' }));
    expect(empty.code).toBe(50006);
    await expect(channel.send('x'.repeat(2000))).resolves.toBeDefined();
  });

  it('creates a forum post with tags (THREAD_CREATE + MESSAGE_CREATE) and enforces thread rules', async () => {
    const forumChannel = (await client.channels.fetch(forum)) as ForumChannel;
    const open = forumChannel.availableTags.find((t) => t.name === 'Open')!;
    const answered = forumChannel.availableTags.find((t) => t.name === 'Answered')!;
    const threadCreated = nextEvent(client, Events.ThreadCreate);
    const starterSeen = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'Describe your problem');
    const thread = await forumChannel.threads.create({ name: 'Printer on fire', appliedTags: [open.id], message: { content: 'Describe your problem' } });
    await threadCreated;
    expect((await starterSeen)[0].channelId).toBe(thread.id);
    expect(fake.channel(thread.id)).toMatchObject({ name: 'Printer on fire', appliedTagNames: ['Open'], parentId: forum });
    expect(fake.threads(forum).map((t) => t.id)).toContain(thread.id);

    const longName = await apiErrorOf(forumChannel.threads.create({ name: 'n'.repeat(101), message: { content: 'x' } }));
    expect(longName.code).toBe(50035);

    const threadUpdated = nextEvent(client, Events.ThreadUpdate);
    await thread.edit({ appliedTags: [answered.id] });
    await threadUpdated;
    expect(fake.channel(thread.id).appliedTagNames).toEqual(['Answered']);

    await thread.edit({ archived: true, locked: true });
    expect(fake.channel(thread.id)).toMatchObject({ archived: true, locked: true });
    // An archived thread must be unarchived before any other edit: Discord answers 50083.
    expect((await apiErrorOf(thread.edit({ name: 'renamed' }))).code).toBe(50083);
    expect(() => fake.postAsUser({ channelId: thread.id, userId: member.id, content: 'hello?' })).toThrow(DiscordHttpError);

    const tooManyTags = await apiErrorOf(
      client.rest.patch(Routes.channel(forum), { body: { available_tags: Array.from({ length: 21 }, (_, n) => ({ name: `t${n}` })) } }),
    );
    expect(tooManyTags.code).toBe(50035);
  });

  it('unarchives an archived, unlocked thread when a member posts in it', async () => {
    const { thread } = fake.createForumPostAsUser({ forumId: forum, userId: member.id, title: 'Question', content: 'How do I…?', tags: ['Open'] });
    fake.editThreadAsUser({ threadId: thread.id, userId: guild.ownerId, archived: true });
    const seen = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.channelId === thread.id && m.content === 'still there?');
    fake.postAsUser({ channelId: thread.id, userId: member.id, content: 'still there?' });
    await seen;
    expect(fake.channel(thread.id).archived).toBe(false);
  });

  it('pings nobody with allowed_mentions parse: [], and @everyone without it', async () => {
    const channel = (await client.channels.fetch(general)) as TextChannel;
    const quiet = await channel.send({ content: `@everyone <@${member.id}> read this`, allowedMentions: { parse: [] } });
    expect(fake.message(quiet.id)?.mentionsPinged).toEqual({ everyone: false, users: [], roles: [] });
    // The invite does not grant Mention Everyone: @everyone from the bot pings nobody by default.
    const withoutPermission = await channel.send(`@everyone <@${member.id}> read this`);
    expect(fake.message(withoutPermission.id)?.mentionsPinged).toEqual({ everyone: false, users: [member.id], roles: [] });
    fake.setRolePermissions(guild.id, guild.botRoleId, DEFAULT_BOT_PERMISSIONS | PermissionFlagsBits.MentionEveryone);
    const loud = await channel.send(`@everyone <@${member.id}> read this`);
    fake.setRolePermissions(guild.id, guild.botRoleId, DEFAULT_BOT_PERMISSIONS);
    expect(fake.message(loud.id)?.mentionsPinged).toEqual({ everyone: true, users: [member.id], roles: [] });
    expect(loud.mentions.everyone).toBe(true);
    const inCode = await channel.send('`@everyone` is how you ping all');
    expect(fake.message(inCode.id)?.mentionsPinged.everyone).toBe(false);
  });
});
