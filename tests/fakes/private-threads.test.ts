import { ChannelType, Client, DiscordAPIError, Events, GatewayIntentBits, PermissionFlagsBits, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordHttpError, FakeDiscord, type GuildView } from './discord/index.js';

/** The private-thread rules of the fake (tests/fakes/discord/private-threads.ts cites Discord's docs for each). */
describe('fake Discord: private threads', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guild: GuildView;
  let text: TextChannel;
  let member: { id: string };
  let outsider: { id: string };
  let moderator: { id: string };

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    guild = fake.createGuild({ name: 'S', ownerName: 'owner' });
    const modRole = fake.createRole(guild.id, { name: 'Mods', permissions: PermissionFlagsBits.ManageThreads });
    member = fake.addMember(guild.id, { username: 'member' });
    outsider = fake.addMember(guild.id, { username: 'outsider' });
    moderator = fake.addMember(guild.id, { username: 'mod', roles: [modRole.id] });
    const channel = fake.createChannel(guild.id, { type: ChannelType.GuildText, name: 'private-tickets' });
    client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: fake.apiUrl } });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    text = (await client.channels.fetch(channel.id)) as TextChannel;
  });
  afterAll(async () => {
    await client.destroy();
    await fake.stop();
  });

  it('a private thread is readable by its members and by Manage Threads only; others get 403 50001', async () => {
    const thread = await text.threads.create({ name: 'billing', type: ChannelType.PrivateThread, invitable: false });
    expect(thread.type).toBe(ChannelType.PrivateThread);
    expect(thread.invitable).toBe(false);
    await thread.members.add(member.id);
    await thread.send('only for you');
    expect(fake.threadMembers(thread.id)).toEqual([fake.botUser.id, member.id]);

    expect(fake.readMessagesAsUser(thread.id, member.id).map((m) => m.content)).toEqual(['only for you']);
    expect(fake.readMessagesAsUser(thread.id, moderator.id)).toHaveLength(1);
    let refused: unknown;
    try {
      fake.readMessagesAsUser(thread.id, outsider.id);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(DiscordHttpError);
    expect((refused as DiscordHttpError).status).toBe(403);
    expect((refused as DiscordHttpError).code).toBe(50001);
    expect(() => fake.postAsUser({ channelId: thread.id, userId: outsider.id, content: 'let me in' })).toThrow(/Missing Access/);
    // The parent channel itself stays public.
    expect(() => fake.readMessagesAsUser(text.id, outsider.id)).not.toThrow();
  });

  it('not invitable: a member cannot add someone else; removing takes Manage Threads or the creator', async () => {
    const thread = await text.threads.create({ name: 'closed circle', type: ChannelType.PrivateThread, invitable: false });
    await thread.members.add(member.id);
    expect(() => fake.addThreadMemberAsUser({ threadId: thread.id, userId: member.id, memberId: outsider.id })).toThrow(/Missing Permissions/);
    await thread.members.remove(member.id);
    expect(fake.threadMembers(thread.id)).toEqual([fake.botUser.id]);
    expect(() => fake.readMessagesAsUser(thread.id, member.id)).toThrow(/Missing Access/);
  });

  it('an archived thread takes no new members (50083); an unknown user is 10007', async () => {
    const thread = await text.threads.create({ name: 'old', type: ChannelType.PrivateThread });
    const unknown = await thread.members.add('123456789012345678').catch((e: unknown) => e);
    expect((unknown as DiscordAPIError).code).toBe(10007);
    await thread.setArchived(true);
    const archived = await thread.members.add(member.id).catch((e: unknown) => e);
    expect((archived as DiscordAPIError).code).toBe(50083);
  });

  it('private threads need Create Private Threads and a text channel', async () => {
    const forum = fake.createChannel(guild.id, { type: ChannelType.GuildForum, name: 'f' });
    fake.setRolePermissions(guild.id, guild.botRoleId, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.CreatePublicThreads);
    try {
      const refused = await text.threads.create({ name: 'x', type: ChannelType.PrivateThread }).catch((e: unknown) => e);
      expect((refused as DiscordAPIError).code).toBe(50013);
    } finally {
      fake.setRolePermissions(guild.id, guild.botRoleId, PermissionFlagsBits.Administrator);
    }
    expect(fake.channel(forum.id).type).toBe(ChannelType.GuildForum);
  });

  it('pins: the bot pins a message with Pin Messages and reads it back', async () => {
    const thread = await text.threads.create({ name: 'pins', type: ChannelType.PrivateThread });
    const status = await thread.send('Status: open');
    await status.pin();
    const pins = await thread.messages.fetchPins();
    expect(pins.items.map((p) => p.message.content)).toEqual(['Status: open']);
    expect(fake.message(status.id)?.pinned).toBe(true);
  });
  it('List Active Guild Threads: newest first, only the threads the bot can see (a private one it left, without Manage Threads, is hidden), members for those it is in', async () => {
    fake.setRolePermissions(guild.id, guild.botRoleId, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessagesInThreads | PermissionFlagsBits.CreatePrivateThreads);
    try {
      const joined = await text.threads.create({ name: 'listed', type: ChannelType.PrivateThread });
      const left = await text.threads.create({ name: 'left behind', type: ChannelType.PrivateThread });
      await left.members.remove('@me');
      const archived = await text.threads.create({ name: 'archived', type: ChannelType.PrivateThread });
      await archived.setArchived(true);
      const active = await text.guild.channels.fetchActiveThreads();
      const ids = [...active.threads.keys()];
      expect(ids).toContain(joined.id);
      expect(ids).not.toContain(left.id);
      expect(ids).not.toContain(archived.id);
      expect(ids).toEqual([...ids].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1)));
      expect(active.threads.get(joined.id)).toMatchObject({ ownerId: fake.botUser.id, parentId: text.id, name: 'listed' });
      expect(active.members.has(fake.botUser.id)).toBe(true);
      // Nobody but the bot is hidden from: a moderator's view is not the bot's.
      expect(fake.threads(text.id).map((t) => t.id)).toContain(left.id);
    } finally {
      fake.setRolePermissions(guild.id, guild.botRoleId, PermissionFlagsBits.Administrator);
    }
  });
});
