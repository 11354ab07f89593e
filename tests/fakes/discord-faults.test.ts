import { setTimeout as sleep } from 'node:timers/promises';
import { type ForumChannel, type TextChannel, type ThreadChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { FakeDiscord } from './discord/index.js';
import { nextEvent, type Scene, withFake, withScene } from './discord-scene.js';

// The fake Discord's rate limits and faults, pinned with the real discord.js client and raw HTTP: held requests
// (registration in flight), a refused registration (403 50001), a dropped connection (not retried; before or after Discord acted), 429 and 5xx retried by discord.js, a realistic
// bucket's 429 with Retry-After (README.md, "Rate limits and faults").

describe('fake Discord rate limits and faults, with the real discord.js client', () => {
  let { fake, client, guild, general } = {} as Scene;
  withScene((scene) => ({ fake, client, guild, general } = scene));

  it('holds a command registration until released: the previous list stands meanwhile, the new one after', async () => {
    await client.application!.commands.set([{ name: 'old', description: 'from the previous run' }], guild.id);
    const held = fake.faults.holdNext({ method: 'PUT', route: /\/guilds\/\d+\/commands$/ });
    const put = client.application!.commands.set([{ name: 'new', description: 'this run' }], guild.id);
    expect(await held.arrived).toMatchObject({ method: 'PUT' });
    await sleep(50);
    expect(fake.commands(guild.id).map((c) => c.name)).toEqual(['old']);
    held.release();
    await put;
    expect(fake.commands(guild.id).map((c) => c.name)).toEqual(['new']);
    await client.application!.commands.set([], guild.id);
  });

  it('refuses a guild command registration with 403 50001 Missing Access when told to; discord.js does not retry it', async () => {
    fake.faults.failNext({ status: 403, code: 50001, route: /\/guilds\/\d+\/commands$/ });
    await expect(client.application!.commands.set([{ name: 'nope', description: 'refused' }], guild.id)).rejects.toMatchObject({ status: 403, code: 50001, message: 'Missing Access' });
    expect(fake.commands(guild.id)).toEqual([]);
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.status === 403)).toHaveLength(1);
  });

  it('drops the connection of a request without answering: discord.js rejects with undici\'s "other side closed" and does not retry', async () => {
    const channel = (await client.channels.fetch(general)) as TextChannel;
    const before = fake.messages(general).length;
    fake.faults.dropNext({ route: 'messages', method: 'POST' });
    await expect(channel.send('lost on a closed connection')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
    const sends = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${general}/messages`);
    expect(sends.at(-1)).toMatchObject({ status: 0, dropped: true }); // one attempt, dropped: no retry by discord.js
    expect(fake.messages(general)).toHaveLength(before);
    expect(fake.limits.answered.at(-1)).toMatchObject({ status: 0, method: 'POST' });
    await channel.send('the next request gets a new connection');
    expect(fake.messages(general).at(-1)?.content).toBe('the next request gets a new connection');
  });

  it('drops the connection after Discord created the message (lose: "response"): the same error for the bot, but members see the message', async () => {
    const channel = (await client.channels.fetch(general)) as TextChannel;
    const before = fake.messages(general).length;
    fake.faults.dropNext({ route: 'messages', method: 'POST', lose: 'response' });
    await expect(channel.send('created, answer lost')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
    expect(fake.messages(general).slice(before).map((m) => m.content)).toEqual(['created, answer lost']);
    const sends = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${general}/messages`);
    expect(sends.at(-1)).toMatchObject({ status: 0, dropped: true, lostAnswer: { status: 200 } });
    // Sent again without a nonce, it is simply a second message: what a naive retry shows a member.
    await channel.send('created, answer lost');
    expect(fake.messages(general).slice(before).map((m) => m.content)).toEqual(['created, answer lost', 'created, answer lost']);
  });

  it('answers 429 on a send; discord.js waits, retries and the message arrives', async () => {
    const channel = (await client.channels.fetch(general)) as TextChannel;
    fake.faults.rateLimitNext({ route: 'messages', count: 1, retryAfterMs: 200 });
    fake.faults.failNext({ status: 502, route: 'messages' });
    const started = Date.now();
    await channel.send('after the rate limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // Retry-After is whole seconds on Discord
    const sends = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${general}/messages`).slice(-3);
    expect(sends.map((r) => r.status)).toEqual([429, 502, 200]);
    expect(fake.messages(general).at(-1)?.content).toBe('after the rate limit');
  });
});

// Its own client: a 429 test's timing must not depend on what this one's dropped connections left in discord.js's queues.
describe('fake Discord: a thread started before the connection dropped', () => {
  let { fake, client, forum } = {} as Scene;
  withScene((scene) => ({ fake, client, forum } = scene));

  it('a forum post created before the connection dropped (lose: "response") is listed by List Active Guild Threads: the bot\'s own, in that forum, its starter sharing its id', async () => {
    const tickets = (await client.channels.fetch(forum)) as ForumChannel;
    const create = (name: string) => tickets.threads.create({ name, message: { content: `about ${name}` } });
    fake.faults.dropNext({ method: 'POST', route: /\/threads$/, lose: 'request' });
    await expect(create('never made')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    fake.faults.dropNext({ method: 'POST', route: /\/threads$/, lose: 'response' });
    await expect(create('made, answer lost')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    const listed = [...(await tickets.threads.fetchActive()).threads.values()];
    expect(listed.map((t) => t.name)).toEqual(['made, answer lost']);
    expect(listed[0]).toMatchObject({ ownerId: fake.botUser.id, parentId: forum });
    expect((await listed[0]!.fetchStarterMessage())?.id).toBe(listed[0]!.id);
  });
});

describe('fake Discord: an answer held after the work is done', () => {
  let { fake, client, forum, guild } = {} as Scene;
  withScene((scene) => ({ fake, client, forum, guild } = scene));

  it('hold: "response" carries the request out at once and answers it later; discord.js then puts the older state back into its cached thread', async () => {
    const tickets = (await client.channels.fetch(forum)) as ForumChannel;
    const post = await tickets.threads.create({ name: 'held answer', message: { content: 'about it' } });
    const answered = tickets.availableTags.find((t) => t.name === 'Answered')!.id;
    const held = fake.faults.holdNext({ method: 'PATCH', route: new RegExp(`^/channels/${post.id}$`), hold: 'response' });
    const tagged = nextEvent(client, 'threadUpdate', (_old: unknown, t: ThreadChannel) => t.id === post.id && t.appliedTags.includes(answered));
    const tagging = post.setAppliedTags([answered]);
    await held.arrived;
    // Done before the answer: the tag is on, and its THREAD_UPDATE reached the bot.
    expect(fake.channel(post.id).appliedTags).toEqual([answered]);
    await tagged;
    // A moderator archives it; the bot hears of it; then the tag's answer arrives, describing the post before the archive.
    const archived = nextEvent(client, 'threadUpdate', (_old: unknown, t: ThreadChannel) => t.id === post.id && t.archived === true);
    fake.editThreadAsUser({ threadId: post.id, userId: guild.ownerId, archived: true });
    await archived;
    held.release();
    await tagging;
    expect(fake.channel(post.id).archived).toBe(true);
    // discord.js applied the older answer over the newer THREAD_UPDATE (ThreadChannel#edit → ChannelUpdate action → _patch).
    expect((client.channels.cache.get(post.id) as ThreadChannel).archived).toBe(false);
  });
});

describe('fake Discord rate limits (raw clients)', () => {
  let fake = {} as FakeDiscord;
  withFake({ rateLimits: 'realistic' }, (started) => (fake = started));

  it('answers 429 with Retry-After and the JSON body once a realistic message bucket (5 per 5 s) is spent', async () => {
    const g = fake.createGuild({ name: 'G' });
    const channel = fake.createChannel(g.id, { name: 'c' });
    const send = () =>
      fetch(`${fake.apiUrl}/v10/channels/${channel.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'hi' }),
      });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let n = 0; n < 6; n++) {
      last = await send();
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.headers.get('retry-after')).toMatch(/^[1-5]$/);
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(last!.headers.get('x-ratelimit-scope')).toBe('user');
    expect(await last!.json()).toMatchObject({ message: 'You are being rate limited.', global: false });
  });
});
