import { constants as zlibConstants, inflateSync } from 'node:zlib';
import { ChannelType, Client, Events, GatewayIntentBits, PermissionFlagsBits, type Message } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeDiscord } from './discord/index.js';
import { INTENTS, loggedInClient, nextEvent, type Scene, withFake, withScene } from './discord-scene.js';

// The fake Discord's gateway and login, pinned with the real discord.js client and raw WebSockets: READY and GUILD_CREATE,
// the token (REST 401, Discord's 401 body), the privileged intents (4014), RESUME replaying missed events, Message Content
// gating, zlib-stream and heartbeats (README.md, "Gateway").

describe('fake Discord gateway and login, with the real discord.js client', () => {
  let { fake, client, guild, general, forum, member, staffRole } = {} as Scene;
  withScene((scene) => ({ fake, client, guild, general, forum, member, staffRole } = scene));

  it('logs in: READY, then guilds, channels and roles in the cache', () => {
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.user?.bot).toBe(true);
    expect(client.application?.id).toBe(fake.applicationId);
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Support Server');
    expect(cached?.ownerId).toBe(guild.ownerId);
    expect(cached?.channels.cache.get(forum)?.type).toBe(ChannelType.GuildForum);
    expect(cached?.roles.cache.get(staffRole.id)?.name).toBe('Staff');
    expect(cached?.members.me?.permissions.has(PermissionFlagsBits.ManageThreads)).toBe(true);
    expect(fake.gatewayLog.connections[0]?.path).toBe('/?v=10&encoding=json');
  });

  it('sends GUILD_CREATE when the bot joins a server after login', async () => {
    const joined = nextEvent(client, Events.GuildCreate);
    const later = fake.createGuild({ name: 'Second Server' });
    await joined;
    expect(client.guilds.cache.get(later.id)?.name).toBe('Second Server');
  });

  it('rejects a wrong token at login (REST 401 on /gateway/bot)', async () => {
    const other = new Client({ intents: INTENTS, rest: { api: fake.apiUrl } });
    await expect(other.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.requests.some((r) => r.path === '/gateway/bot' && r.status === 401)).toBe(true);
  });

  it('closes the gateway with 4014 when the Message Content intent is not enabled for the app', async () => {
    const strict = await FakeDiscord.start({ privilegedIntents: { messageContent: false } });
    const c = new Client({ intents: INTENTS, rest: { api: strict.apiUrl } });
    await expect(c.login(strict.token)).rejects.toThrow(/disallowed intents/i);
    expect(strict.gatewayLog.closes.map((x) => x.code)).toContain(4014);
    await c.destroy();
    await strict.stop();
  });

  it('resumes after the gateway connection drops, replaying missed events', async () => {
    const resumed = nextEvent(client, Events.ShardResume);
    fake.faults.dropGatewayConnections();
    const missed = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'sent while you were away', 8000);
    fake.postAsUser({ channelId: general, userId: member.id, content: 'sent while you were away' });
    await missed;
    await resumed;
    expect(fake.gatewayLog.connections.at(-1)?.path).toMatch(/^\/resume\?v=10/);
    const later = nextEvent<[Message]>(client, Events.MessageCreate, (m) => m.content === 'after the resume');
    fake.postAsUser({ channelId: general, userId: member.id, content: 'after the resume' });
    await later;
    expect(fake.gatewaySessions).toHaveLength(1);
  });

  it('sends empty content to a client without the Message Content intent, unless it is mentioned', async () => {
    const blind = await loggedInClient(fake, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    try {
      const plain = nextEvent<[Message]>(blind, Events.MessageCreate, (m) => m.author.id === member.id);
      fake.postAsUser({ channelId: general, userId: member.id, content: 'secret words' });
      expect((await plain)[0].content).toBe('');
      const mention = nextEvent<[Message]>(blind, Events.MessageCreate, (m) => m.author.id === member.id);
      fake.postAsUser({ channelId: general, userId: member.id, content: `<@${fake.botUser.id}> hi` });
      expect((await mention)[0].content).toBe(`<@${fake.botUser.id}> hi`);
    } finally {
      await blind.destroy();
    }
  });
});

describe('fake Discord gateway and auth (raw clients)', () => {
  let fake = {} as FakeDiscord;
  withFake({ rateLimits: 'realistic' }, (started) => (fake = started));

  it('speaks zlib-stream when a client asks for it (discord.js does when zlib-sync is installed) and ACKs heartbeats', async () => {
    const ws = new WebSocket(`${fake.gatewayUrl}/?v=10&encoding=json&compress=zlib-stream`);
    const frames: Buffer[] = [];
    const decoded = () => inflateSync(Buffer.concat(frames), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString();
    ws.on('message', (data: Buffer) => frames.push(data));
    await fake.waitFor(() => frames.length >= 1);
    expect(JSON.parse(decoded())).toMatchObject({ op: 10, d: { heartbeat_interval: 41250 } });
    ws.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 1, properties: {} } }));
    await fake.waitFor(() => frames.length >= 2);
    expect(decoded()).toContain('"t":"READY"');
    ws.send(JSON.stringify({ op: 1, d: 1 }));
    await fake.waitFor(() => decoded().includes('"op":11'));
    ws.close();
  });

  it('answers 401 with Discord\'s body for a missing or wrong Authorization header', async () => {
    const res = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });
});
