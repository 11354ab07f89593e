import { AttachmentBuilder, Client, DiscordAPIError, Events, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type GuildView } from './discord/index.js';

/** The DM rules of the fake (tests/fakes/discord/direct-messages.ts cites Discord's docs for each). */
describe('fake Discord: direct messages', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guild: GuildView;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    guild = fake.createGuild({ name: 'S', ownerName: 'owner' });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
  });
  afterAll(async () => {
    await client.destroy();
    await fake.stop();
  });

  it('Create DM opens one type-1 channel per user, and the bot can send text and files to it', async () => {
    const member = fake.addMember(guild.id, { username: 'dm-open' });
    const user = await client.users.fetch(member.id);
    const channel = await user.createDM(true);
    expect(channel.type).toBe(1);
    expect(channel.recipientId).toBe(member.id);
    const again = await client.rest.post('/users/@me/channels', { body: { recipient_id: member.id } });
    expect((again as { id: string }).id).toBe(channel.id);
    await user.send({ content: 'hello', files: [new AttachmentBuilder(Buffer.from('# t'), { name: 't.md' })] });
    const got = fake.directMessagesTo(member.id);
    expect(got.map((m) => m.content)).toEqual(['hello']);
    expect(got[0]!.attachments[0]!.filename).toBe('t.md');
    expect(got[0]!.attachments[0]!.data.toString()).toBe('# t');
  });

  it('a DM is a Create Message too: with enforce_nonce, the same nonce returns the first message (one DM, even after a lost answer)', async () => {
    const member = fake.addMember(guild.id, { username: 'dm-nonce' });
    const user = await client.users.fetch(member.id);
    fake.faults.dropNext({ method: 'POST', route: /^\/channels\/\d+\/messages$/, lose: 'response' });
    await expect(user.send({ content: 'rate us', nonce: 'dm-nonce-1', enforceNonce: true })).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    const again = await user.send({ content: 'rate us', nonce: 'dm-nonce-1', enforceNonce: true });
    expect(fake.directMessagesTo(member.id).map((m) => [m.id, m.content])).toEqual([[again.id, 'rate us']]);
  });

  it('a member with DMs closed: the channel opens, the message is refused with 403 50007', async () => {
    const member = fake.addMember(guild.id, { username: 'dm-closed' });
    fake.setDmsOpen(member.id, false);
    const user = await client.users.fetch(member.id);
    const error = await user.send('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).status).toBe(403);
    expect((error as DiscordAPIError).code).toBe(50007);
    expect((error as DiscordAPIError).message).toBe('Cannot send messages to this user');
    expect(fake.directMessagesTo(member.id)).toEqual([]);
    fake.setDmsOpen(member.id, true);
    await user.send('now open');
    expect(fake.directMessagesTo(member.id).map((m) => m.content)).toEqual(['now open']);
  });

  it('Create DM with an unknown user is 404 10013', async () => {
    const error = await client.rest.post('/users/@me/channels', { body: { recipient_id: '123456789012345678' } }).catch((e: unknown) => e);
    expect((error as DiscordAPIError).code).toBe(10013);
  });
});

describe('fake Discord: a click in a DM', () => {
  it('arrives without guild_id or member, with the user and context 1; the bot can update the message or show a modal', async () => {
    const fake = await FakeDiscord.start();
    const guild = fake.createGuild({ name: 'S', ownerName: 'owner' });
    const member = fake.addMember(guild.id, { username: 'clicker' });
    const other = fake.addMember(guild.id, { username: 'other' });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const seen: Record<string, unknown>[] = [];
    client.ws.on('INTERACTION_CREATE' as never, (data: Record<string, unknown>) => seen.push(data));
    client.on(Events.InteractionCreate, (i) => {
      if (i.isButton()) void i.update({ content: `clicked ${i.customId}`, components: [] });
    });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    try {
      const user = await client.users.fetch(member.id);
      await user.send({ content: 'rate', components: [{ type: 1, components: [{ type: 2, style: 2, label: '5', custom_id: 'r:5' }] }] });
      const dm = fake.directMessagesTo(member.id)[0]!;
      await expect(fake.clickDmButton({ messageId: dm.id, customId: 'r:5', userId: other.id })).rejects.toThrow(/cannot see DM/);
      const handle = await fake.clickDmButton({ messageId: dm.id, customId: 'r:5', userId: member.id });
      await handle.waitForAck();
      expect(seen[0]).toMatchObject({ context: 1, channel: { type: 1 }, user: { id: member.id } });
      expect(seen[0]).not.toHaveProperty('guild_id');
      expect(seen[0]).not.toHaveProperty('member');
      expect(fake.directMessagesTo(member.id)[0]!.content).toBe('clicked r:5');
    } finally {
      await client.destroy();
      await fake.stop();
    }
  });
});
