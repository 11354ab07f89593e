import { ChannelType, Client, Events, GatewayIntentBits } from 'discord.js';
import type { GatewayDispatchPayload } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { FakeDiscord } from './discord/index.js';
import { stopAfterEachTest } from './stop-after-each.js';

/**
 * Deleting a forum post or a channel, as Discord does it (sources in channels.ts, deleteChannel):
 * THREAD_DELETE with only `id`, `guild_id`, `parent_id`, `type`; Manage Threads needed for a post; a
 * deleted parent takes its threads with it and only its own CHANNEL_DELETE is sent.
 */
const started = stopAfterEachTest();

async function scene() {
  const f = started.fake(await FakeDiscord.start());
  const guild = f.createGuild({ name: 'Deletions', ownerName: 'mod' });
  const member = f.addMember(guild.id, { username: 'member' }).id;
  const forum = f.createChannel(guild.id, { type: ChannelType.GuildForum, name: 'help' }).id;
  const c = started.client(new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: f.apiUrl } }));
  const dispatches: GatewayDispatchPayload[] = [];
  // 'raw': every gateway packet as Discord sent it, before discord.js's cache decides what to emit.
  c.on(Events.Raw, (packet: GatewayDispatchPayload) => dispatches.push(packet));
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(f.token);
  await ready;
  const post = () => f.createForumPostAsUser({ forumId: forum, userId: member, title: 'Help', content: 'please' }).thread.id;
  const get = async (id: string) => {
    const res = await fetch(`${f.apiUrl}/v10/channels/${id}`, { headers: { authorization: `Bot ${f.token}` } });
    return { status: res.status, body: (await res.json()) as { code?: number } };
  };
  return { fake: f, guild, member, forum, dispatches, post, get };
}

describe('fake Discord: deleting posts and channels', () => {
  it('a moderator deleting a forum post: THREAD_DELETE with only id, guild_id, parent_id and type; the post answers 404 10003', async () => {
    const s = await scene();
    const postId = s.post();
    s.fake.deleteChannelAsUser({ channelId: postId, userId: s.guild.ownerId });
    await s.fake.waitFor(() => s.dispatches.find((p) => p.t === 'THREAD_DELETE'), 2000, 'THREAD_DELETE');
    const deleted = s.dispatches.find((p) => p.t === 'THREAD_DELETE')!;
    expect(deleted.d).toEqual({ id: postId, guild_id: s.guild.id, parent_id: s.forum, type: ChannelType.PublicThread });
    expect(await s.get(postId)).toEqual({ status: 404, body: expect.objectContaining({ code: 10003 }) });
    expect(s.fake.threads(s.forum)).toEqual([]);
  });

  it('deleting a post needs Manage Threads, even for its creator (403 50013, nothing deleted)', async () => {
    const s = await scene();
    const postId = s.post();
    expect(() => s.fake.deleteChannelAsUser({ channelId: postId, userId: s.member })).toThrow(expect.objectContaining({ status: 403, code: 50013 }));
    expect((await s.get(postId)).status).toBe(200);
  });

  it('deleting the forum takes its posts with it: CHANNEL_DELETE for the forum, no THREAD_DELETE, the posts answer 404 10003', async () => {
    const s = await scene();
    const [a, b] = [s.post(), s.post()];
    s.fake.deleteChannelAsUser({ channelId: s.forum, userId: s.guild.ownerId });
    await s.fake.waitFor(() => s.dispatches.find((p) => p.t === 'CHANNEL_DELETE'), 2000, 'CHANNEL_DELETE');
    expect(s.dispatches.filter((p) => p.t === 'CHANNEL_DELETE').map((p) => (p.d as { id: string }).id)).toEqual([s.forum]);
    expect(s.dispatches.some((p) => p.t === 'THREAD_DELETE')).toBe(false);
    for (const id of [a!, b!]) expect((await s.get(id)).body.code).toBe(10003);
  });
});
