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
