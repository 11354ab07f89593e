import { ChannelType, Client, Events, GatewayIntentBits } from 'discord.js';
import type { GatewayDispatchPayload } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { FakeDiscord } from './discord/index.js';
import { stopAfterEachTest } from './stop-after-each.js';

/**
 * Who is in a server, as Discord tells it (sources in discord/guild-membership.ts): the bot removed (GUILD_DELETE
 * without `unavailable`, then 404 10004 / 403 50001 for that server), an outage (GUILD_DELETE with `unavailable: true`,
 * nothing refused), the bot invited back (GUILD_CREATE), and a member leaving (GUILD_MEMBER_REMOVE under the privileged
 * GuildMembers intent only, and out of the server's private threads).
 */
const started = stopAfterEachTest();

async function scene(intents: GatewayIntentBits[] = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]) {
  const f = started.fake(await FakeDiscord.start());
  const guild = f.createGuild({ name: 'Leaving', ownerName: 'mod' });
  const member = f.addMember(guild.id, { username: 'member' }).id;
  const text = f.createChannel(guild.id, { type: ChannelType.GuildText, name: 'general' }).id;
  const c = started.client(new Client({ intents, rest: { api: f.apiUrl } }));
  const dispatches: GatewayDispatchPayload[] = [];
  c.on(Events.Raw, (packet: GatewayDispatchPayload) => dispatches.push(packet));
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(f.token);
  await ready;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${f.apiUrl}/v10${path}`, {
      method,
      headers: { authorization: `Bot ${f.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, code: ((await res.json().catch(() => ({}))) as { code?: number }).code };
  };
  const events = (t: string) => dispatches.filter((d) => d.t === t).map((d) => d.d as unknown as Record<string, unknown>);
  return { fake: f, client: c, guild, member, text, call, events };
}

describe('fake Discord: the bot removed from a server, an outage, a member leaving', () => {
  it('removed: GUILD_DELETE without `unavailable` (discord.js emits guildDelete), then 404 10004 for the guild and 403 50001 for the rest', async () => {
    const s = await scene();
    const deleted = new Promise<string>((resolve) => s.client.once(Events.GuildDelete, (g) => resolve(g.id)));
    expect((await s.call('GET', `/channels/${s.text}`)).status).toBe(200);

    s.fake.removeBotFromGuild(s.guild.id);
    expect(await deleted).toBe(s.guild.id);
    expect(s.events('GUILD_DELETE')).toEqual([{ id: s.guild.id }]);
    expect(s.client.guilds.cache.has(s.guild.id)).toBe(false);

    expect(await s.call('GET', `/guilds/${s.guild.id}`)).toEqual({ status: 404, code: 10004 });
    expect(await s.call('GET', `/guilds/${s.guild.id}/members/${s.member}`)).toEqual({ status: 403, code: 50001 });
    expect(await s.call('GET', `/channels/${s.text}`)).toEqual({ status: 403, code: 50001 });
    expect(await s.call('POST', `/channels/${s.text}/messages`, { content: 'hello?' })).toEqual({ status: 403, code: 50001 });
    expect(await s.call('PUT', `/applications/${s.fake.applicationId}/guilds/${s.guild.id}/commands`, [])).toEqual({ status: 403, code: 50001 });
    // Unknown ids keep their own answers.
    expect(await s.call('GET', '/channels/1')).toEqual({ status: 404, code: 10003 });
  });

  it('invited back: GUILD_CREATE, discord.js caches the server again, and requests work', async () => {
    const s = await scene();
    s.fake.removeBotFromGuild(s.guild.id);
    await s.fake.waitFor(() => !s.client.guilds.cache.has(s.guild.id), 3000);
    const created = new Promise<string>((resolve) => s.client.once(Events.GuildCreate, (g) => resolve(g.id)));
    s.fake.addBotToGuild(s.guild.id);
    expect(await created).toBe(s.guild.id);
    expect(s.client.guilds.cache.get(s.guild.id)?.available).toBe(true);
    expect((await s.call('POST', `/channels/${s.text}/messages`, { content: 'back' })).status).toBe(200);
    expect((await s.call('GET', `/guilds/${s.guild.id}`)).status).toBe(200);
  });

  it('removed: the app’s commands in that server go with it (global ones stay); invited back, the server has none until the bot registers them again', async () => {
    const s = await scene();
    const app = s.fake.applicationId;
    const command = (name: string) => ({ name, description: `the ${name} command` });
    expect((await s.call('PUT', `/applications/${app}/guilds/${s.guild.id}/commands`, [command('setup')])).status).toBe(200);
    expect((await s.call('PUT', `/applications/${app}/commands`, [command('help')])).status).toBe(200);

    s.fake.removeBotFromGuild(s.guild.id);
    expect(s.fake.commands(s.guild.id)).toEqual([]);
    expect(s.fake.commands().map((c) => c.name)).toEqual(['help']);
    s.fake.addBotToGuild(s.guild.id);
    await s.fake.waitFor(() => s.client.guilds.cache.get(s.guild.id)?.available, 3000);
    expect(s.fake.commands(s.guild.id)).toEqual([]);
    await expect(s.fake.invokeSlashCommand({ guildId: s.guild.id, channelId: s.text, userId: s.guild.ownerId, name: 'setup' })).rejects.toThrow();
    expect((await s.call('PUT', `/applications/${app}/guilds/${s.guild.id}/commands`, [command('setup')])).status).toBe(200);
    expect(s.fake.commands(s.guild.id).map((c) => c.name)).toEqual(['setup']);
  });

  it('a READY after removal no longer lists the server', async () => {
    const s = await scene();
    s.fake.removeBotFromGuild(s.guild.id);
    await s.client.destroy();
    const c = started.client(new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: s.fake.apiUrl } }));
    const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
    await c.login(s.fake.token);
    await ready;
    expect(c.guilds.cache.has(s.guild.id)).toBe(false);
  });

  it('an outage: GUILD_DELETE with `unavailable: true` (discord.js emits guildUnavailable, not guildDelete), the bot is still in the server', async () => {
    const s = await scene();
    let deletes = 0;
    s.client.on(Events.GuildDelete, () => deletes++);
    const unavailable = new Promise<string>((resolve) => s.client.once(Events.GuildUnavailable, (g) => resolve(g.id)));
    s.fake.setGuildUnavailable(s.guild.id, true);
    expect(await unavailable).toBe(s.guild.id);
    expect(s.events('GUILD_DELETE')).toEqual([{ id: s.guild.id, unavailable: true }]);
    expect(s.client.guilds.cache.get(s.guild.id)?.available).toBe(false);
    expect(deletes).toBe(0);
    expect((await s.call('GET', `/guilds/${s.guild.id}`)).status).toBe(200);

    s.fake.setGuildUnavailable(s.guild.id, false);
    await s.fake.waitFor(() => s.client.guilds.cache.get(s.guild.id)?.available, 3000);
  });

  it('a member leaves: GUILD_MEMBER_REMOVE only with the GuildMembers intent; they are no longer a member (10007) and out of private threads', async () => {
    const s = await scene([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers]);
    const thread = s.fake.createChannel(s.guild.id, { type: ChannelType.GuildText, name: 'private' }).id;
    const privateThread = await s.call('POST', `/channels/${thread}/threads`, { name: 'secret', type: 12 });
    expect(privateThread.status).toBe(201);
    const threadId = s.fake.threads(thread)[0]!.id;
    s.fake.addThreadMemberAsUser({ threadId, userId: s.fake.botUser.id, memberId: s.member });
    expect(s.fake.threadMembers(threadId)).toContain(s.member);

    s.fake.removeMember(s.guild.id, s.member);
    // (discord.js emits guildMemberRemove only for a cached member or with Partials.GuildMember: the raw event is the fact.)
    await s.fake.waitFor(() => s.events('GUILD_MEMBER_REMOVE').length > 0, 3000);
    expect(s.events('GUILD_MEMBER_REMOVE')).toEqual([{ guild_id: s.guild.id, user: expect.objectContaining({ id: s.member }) }]);
    expect(s.fake.threadMembers(threadId)).not.toContain(s.member);
    await s.fake.waitFor(() => s.events('THREAD_MEMBERS_UPDATE').some((e) => (e.removed_member_ids as string[] | undefined)?.includes(s.member)), 3000);
    expect(await s.call('GET', `/guilds/${s.guild.id}/members/${s.member}`)).toEqual({ status: 404, code: 10007 });
  });

  it('without the GuildMembers intent the bot is not told that a member left', async () => {
    const s = await scene([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    const other = s.fake.addMember(s.guild.id, { username: 'stays' }).id;
    s.fake.removeMember(s.guild.id, s.member);
    // A later event of the same server arrives; the member's removal never did.
    s.fake.createChannel(s.guild.id, { type: ChannelType.GuildText, name: 'later' });
    await s.fake.waitFor(() => s.events('CHANNEL_CREATE').length > 0, 3000);
    expect(s.events('GUILD_MEMBER_REMOVE')).toEqual([]);
    expect((await s.call('GET', `/guilds/${s.guild.id}/members/${other}`)).status).toBe(200);
  });

  it('a member who left shares no server with the bot: opening a DM works, sending to it is refused 403 50007', async () => {
    const s = await scene();
    const user = s.client.users.cache.get(s.member) ?? (await s.client.users.fetch(s.member));
    await user.send('still here?');
    expect(s.fake.directMessagesTo(s.member)).toHaveLength(1);
    s.fake.removeMember(s.guild.id, s.member);
    await expect(user.send('gone?')).rejects.toMatchObject({ status: 403, code: 50007 });
    expect(s.fake.directMessagesTo(s.member)).toHaveLength(1);
  });
});
