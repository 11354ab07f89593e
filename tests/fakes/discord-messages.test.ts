import { setTimeout as sleep } from 'node:timers/promises';
import { Events, PermissionFlagsBits, Routes, type ForumChannel, type Message, type TextChannel, type ThreadChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOT_PERMISSIONS, DiscordHttpError, type FakeDiscord } from './discord/index.js';
import { apiErrorOf, nextEvent, type Scene, withFake, withScene } from './discord-scene.js';

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

  it('a member posting in an archived post: THREAD_UPDATE (unarchived) then MESSAGE_CREATE; with unarchiveAfterMessage, the message first and the update when released', async () => {
    const { thread } = fake.createForumPostAsUser({ forumId: forum, userId: member.id, title: 'Order', content: 'Which comes first?', tags: ['Open'] });
    const order: string[] = [];
    const record = (packet: { t?: string; d?: { id?: string; channel_id?: string } }) => {
      if (packet.t === 'THREAD_UPDATE' && packet.d?.id === thread.id) order.push(`THREAD_UPDATE ${(packet.d as { thread_metadata?: { archived?: boolean } }).thread_metadata?.archived ? 'archived' : 'open'}`);
      if (packet.t === 'MESSAGE_CREATE' && packet.d?.channel_id === thread.id) order.push('MESSAGE_CREATE');
    };
    client.on(Events.Raw, record);
    try {
      const archivedSeen = nextEvent(client, Events.ThreadUpdate, (_old: unknown, t: { id: string; archived: boolean | null }) => t.id === thread.id && t.archived === true);
      fake.editThreadAsUser({ threadId: thread.id, userId: guild.ownerId, archived: true });
      await archivedSeen;
      order.length = 0;
      fake.postAsUser({ channelId: thread.id, userId: member.id, content: 'in order' });
      await fake.waitFor(() => order.length === 2, 3000);
      expect(order).toEqual(['THREAD_UPDATE open', 'MESSAGE_CREATE']);

      const archivedAgain = nextEvent(client, Events.ThreadUpdate, (_old: unknown, t: { id: string; archived: boolean | null }) => t.id === thread.id && t.archived === true);
      fake.editThreadAsUser({ threadId: thread.id, userId: guild.ownerId, archived: true });
      await archivedAgain;
      order.length = 0;
      const late = fake.faults.unarchiveAfterMessage();
      const seen = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.channelId === thread.id && m.content === 'out of order');
      fake.postAsUser({ channelId: thread.id, userId: member.id, content: 'out of order' });
      expect(await late.arrived).toEqual({ threadId: thread.id });
      await seen;
      expect(fake.channel(thread.id).archived).toBe(false); // unarchived at once; only the event is late
      expect((client.channels.cache.get(thread.id) as ThreadChannel).archived).toBe(true);
      late.release();
      await fake.waitFor(() => order.length === 2, 3000);
      expect(order).toEqual(['MESSAGE_CREATE', 'THREAD_UPDATE open']);
      await fake.waitFor(() => (client.channels.cache.get(thread.id) as ThreadChannel).archived === false, 3000);
    } finally {
      client.off(Events.Raw, record);
    }
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

  // Create Message's `nonce` and `enforce_nonce` (message-nonces.ts; discord-api-docs resources/message.mdx, Create Message).
  describe('nonce and enforce_nonce', () => {
    let n = 0;
    const fresh = () => `pin-${Date.now().toString(36)}-${++n}`;

    it('echoes the nonce in the answer and in MESSAGE_CREATE ("Value will appear in the Message Create event")', async () => {
      const channel = (await client.channels.fetch(general)) as TextChannel;
      const nonce = fresh();
      const seen = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'with a nonce');
      const sent = await channel.send({ content: 'with a nonce', nonce, enforceNonce: true });
      expect(sent.nonce).toBe(nonce);
      expect((await seen)[0].nonce).toBe(nonce);
      expect(fake.message(sent.id)?.nonce).toBe(nonce);
    });

    it('with enforce_nonce, the same author and nonce again returns the first message and creates nothing (no second MESSAGE_CREATE)', async () => {
      const channel = (await client.channels.fetch(general)) as TextChannel;
      const nonce = fresh();
      const before = fake.messages(general).length;
      const creates: string[] = [];
      const count = (m: Message) => m.nonce === nonce && creates.push(m.id);
      client.on(Events.MessageCreate, count);
      const first = await channel.send({ content: 'the answer', nonce, enforceNonce: true });
      const again = await channel.send({ content: 'the answer, sent again', nonce, enforceNonce: true });
      // The nonce is the author's, not the channel's: the docs name no channel.
      const elsewhere = fake.createChannel(guild.id, { name: 'elsewhere' });
      const other = (await client.channels.fetch(elsewhere.id)) as TextChannel;
      const fromElsewhere = await other.send({ content: 'same nonce, other channel', nonce, enforceNonce: true });
      await channel.send({ content: 'a marker after them', nonce: fresh(), enforceNonce: true });
      await fake.waitFor(() => creates.length >= 1 && fake.messages(general).at(-1)?.content === 'a marker after them');
      client.off(Events.MessageCreate, count);
      expect(again.id).toBe(first.id);
      expect(again.content).toBe('the answer');
      expect(fromElsewhere.id).toBe(first.id);
      expect(fake.messages(elsewhere.id)).toEqual([]);
      expect(fake.messages(general).slice(before).map((m) => m.content)).toEqual(['the answer', 'a marker after them']);
      expect(creates).toEqual([first.id]);
    });

    it('without enforce_nonce the same nonce creates a second message; a member using the same nonce is another author', async () => {
      const channel = (await client.channels.fetch(general)) as TextChannel;
      const nonce = fresh();
      const a = await channel.send({ content: 'plain nonce 1', nonce });
      const b = await channel.send({ content: 'plain nonce 2', nonce });
      expect(b.id).not.toBe(a.id);
      const enforced = await channel.send({ content: 'enforced', nonce: `${nonce}x`, enforceNonce: true });
      const byMember = fake.postAsUser({ channelId: general, userId: member.id, content: 'mine' });
      expect(byMember.id).not.toBe(enforced.id);
    });

    it('a message created with the nonce and deleted since is not created again: the retry gets 404 10008 (discord-api-docs#6647)', async () => {
      const channel = (await client.channels.fetch(general)) as TextChannel;
      const nonce = fresh();
      const first = await channel.send({ content: 'soon deleted', nonce, enforceNonce: true });
      fake.deleteMessage(first.id);
      const err = await apiErrorOf(channel.send({ content: 'soon deleted', nonce, enforceNonce: true }));
      expect([err.status, err.code]).toEqual([404, 10008]);
      expect(fake.messages(general).some((m) => m.content === 'soon deleted')).toBe(false);
    });

    it('Start Thread in Forum dedupes nothing: its message params list no nonce (channel.mdx), so the same call twice makes two posts', async () => {
      const nonce = fresh();
      const start = () => client.rest.post(Routes.threads(forum), { body: { name: 'twice', message: { content: 'same post', nonce, enforce_nonce: true } } }) as Promise<{ id: string }>;
      const [a, b] = [await start(), await start()];
      expect(b.id).not.toBe(a.id);
      expect(fake.threads(forum).filter((t) => t.name === 'twice')).toHaveLength(2);
    });

    it('refuses a nonce over 25 characters with 50035 ("up to 25 characters"); 25 are fine', async () => {
      const channel = (await client.channels.fetch(general)) as TextChannel;
      const err = await apiErrorOf(channel.send({ content: 'long nonce', nonce: 'n'.repeat(26), enforceNonce: true }));
      expect(err.code).toBe(50035);
      expect(JSON.stringify(err.rawError)).toContain('nonce');
      await expect(channel.send({ content: 'long nonce', nonce: 'n'.repeat(25), enforceNonce: true })).resolves.toBeDefined();
    });
  });
});

describe('fake Discord nonces are remembered for "the past few minutes" only', () => {
  let fake = {} as FakeDiscord;
  withFake({ nonceWindowMs: 100 }, (started) => (fake = started));

  it('after the window the same nonce creates a new message', async () => {
    const g = fake.createGuild({ name: 'G' });
    const channel = fake.createChannel(g.id, { name: 'c' });
    const send = async () => {
      const res = await fetch(`${fake.apiUrl}/v10/channels/${channel.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'hi', nonce: 42, enforce_nonce: true }),
      });
      return ((await res.json()) as { id: string; nonce: unknown }).id;
    };
    const first = await send();
    expect(await send()).toBe(first);
    await sleep(150);
    expect(await send()).not.toBe(first);
    expect(fake.messages(channel.id)).toHaveLength(2);
  });
});
