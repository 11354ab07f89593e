import { setTimeout as sleep } from 'node:timers/promises';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  Routes,
  TextInputBuilder,
  TextInputStyle,
  type ChatInputCommandInteraction,
  type ForumChannel,
  type Interaction,
  type Message,
  type TextChannel,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_BOT_PERMISSIONS, DiscordHttpError, FakeDiscord, type GuildView } from './discord/index.js';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

async function loggedInClient(fake: FakeDiscord, intents = INTENTS): Promise<Client> {
  const client = new Client({ intents, rest: { api: fake.apiUrl } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
  return client;
}

/** Resolves with the first `event` whose arguments satisfy `predicate`. */
function nextEvent<T extends unknown[]>(client: Client, event: string, predicate: (...args: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (...args: unknown[]) => {
      if (!predicate(...(args as T))) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args as T);
    };
    client.on(event, listener);
  });
}

async function apiErrorOf(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DiscordAPIError)) throw new Error(`expected a DiscordAPIError, got ${String(err)}`);
  return err;
}

describe('fake Discord with the real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guild: GuildView;
  let general: string;
  let forum: string;
  let member: { id: string; username: string };
  let staffRole: { id: string };
  /** Errors the test bot's interaction handlers ran into (the API's answers). */
  const handlerErrors: { command: string; error: unknown }[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start({ botUser: { username: 'Helper' } });
    guild = fake.createGuild({ name: 'Support Server', ownerName: 'alice' });
    staffRole = fake.createRole(guild.id, { name: 'Staff', permissions: PermissionFlagsBits.ManageMessages });
    member = fake.addMember(guild.id, { username: 'bob' });
    general = fake.createChannel(guild.id, { name: 'general' }).id;
    forum = fake.createChannel(guild.id, {
      type: ChannelType.GuildForum,
      name: 'tickets',
      available_tags: [{ name: 'Open' }, { name: 'Answered' }],
    }).id;
    client = await loggedInClient(fake);
    client.on(Events.InteractionCreate, (i) => void handleInteraction(i));
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  /** A tiny bot: just enough handlers to exercise every interaction path of the fake. */
  async function handleInteraction(i: Interaction): Promise<void> {
    const name = i.isChatInputCommand() || i.isAutocomplete() ? i.commandName : i.isButton() || i.isModalSubmit() ? i.customId : '?';
    try {
      if (i.isAutocomplete()) {
        const typed = String(i.options.getFocused());
        await i.respond(['alpha', 'beta', 'alps'].filter((c) => c.startsWith(typed)).map((c) => ({ name: c, value: c })));
      } else if (i.isChatInputCommand()) {
        await commandHandlers[i.commandName]?.(i);
      } else if (i.isButton() && i.customId === 'demo:click') {
        await i.update({ content: `clicked by ${i.user.username}`, components: [] });
      } else if (i.isModalSubmit() && i.customId === 'ticket:open') {
        await i.reply({ content: `subject=${i.fields.getTextInputValue('subject')}`, flags: MessageFlags.Ephemeral });
      }
    } catch (error) {
      handlerErrors.push({ command: name, error });
    }
  }

  const commandHandlers: Record<string, (i: ChatInputCommandInteraction) => Promise<unknown>> = {
    ping: (i) => i.reply({ content: 'pong', flags: MessageFlags.Ephemeral }),
    slow: async (i) => {
      await i.deferReply();
      await sleep(50);
      await i.editReply('done after deferring');
    },
    twice: async (i) => {
      await i.reply('first');
      // discord.js refuses a second reply itself; go straight to the API as a buggy bot would.
      await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'second' } }, auth: false });
    },
    late: async (i) => {
      await sleep(3200);
      await i.reply('too late');
    },
    form: (i) =>
      i.showModal(
        new ModalBuilder()
          .setCustomId('ticket:open')
          .setTitle('Open a ticket')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('subject').setLabel('Subject').setStyle(TextInputStyle.Short),
            ),
          ),
      ),
    export: (i) => i.reply({ files: [new AttachmentBuilder(Buffer.from('{"entries":[1,2,3]}'), { name: 'export.json' })], flags: MessageFlags.Ephemeral }),
    import: async (i) => {
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      const file = i.options.getAttachment('file', true);
      const text = await (await fetch(file.url)).text();
      await i.editReply(`read ${file.name}: ${text.length} bytes, first char ${text[0]}`);
    },
    steps: async (i) => {
      await i.deferReply();
      await i.followUp('step one');
      await i.followUp({ content: 'step two', flags: MessageFlags.Ephemeral });
    },
    panel: (i) =>
      i.reply({
        content: 'panel',
        components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('demo:click').setLabel('Click').setStyle(ButtonStyle.Primary))],
      }),
  };

  async function registerCommands(): Promise<void> {
    if (fake.commands(guild.id).length) return;
    await client.application!.commands.set(
      [
        { name: 'ping', description: 'Replies pong' },
        { name: 'slow', description: 'Defers, then edits' },
        { name: 'twice', description: 'Answers twice' },
        { name: 'late', description: 'Answers after 3 s' },
        { name: 'form', description: 'Shows a modal' },
        { name: 'export', description: 'Replies with a file' },
        { name: 'import', description: 'Reads an attachment', options: [{ type: 11, name: 'file', description: 'JSON file', required: true }] },
        { name: 'panel', description: 'Posts a button', default_member_permissions: PermissionFlagsBits.ManageGuild.toString() },
        { name: 'steps', description: 'Defers, then follows up twice' },
        { name: 'pick', description: 'Autocompletes', options: [{ type: 3, name: 'kb', description: 'Knowledge base', autocomplete: true }] },
      ],
      guild.id,
    );
  }

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

  it('registers guild commands and validates them', async () => {
    await registerCommands();
    expect(fake.commands(guild.id).map((c) => c.name)).toContain('ping');
    const bad = await apiErrorOf(client.application!.commands.set([{ name: 'Bad Name', description: 'x' }], guild.id));
    expect(bad.code).toBe(50035);
    expect(JSON.stringify(bad.rawError)).toContain('APPLICATION_COMMAND_INVALID_NAME');
  });

  it('answers a slash command; a deferral followed by an edit shows the edit', async () => {
    await registerCommands();
    const ping = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'ping' });
    expect(await ping.waitForResponse()).toMatchObject({ type: 4, content: 'pong', ephemeral: true });

    const slow = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'slow' });
    const reply = await slow.waitForResponse();
    expect(reply).toMatchObject({ type: 5, content: 'done after deferring', ephemeral: false });
    expect(fake.message(reply.messageId!)?.content).toBe('done after deferring');
  });

  it('fills a deferred reply with the first follow-up; later follow-ups are new messages', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'steps' });
    expect(await r.waitForResponse()).toMatchObject({ type: 5, content: 'step one' });
    expect(await r.waitForFollowUp(0)).toMatchObject({ content: 'step two', ephemeral: true });
    expect(fake.messages(general).some((m) => m.content === 'step two')).toBe(false);
  });

  it('refuses a second callback with 40060', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'twice' });
    const rejected = await r.waitForRejection();
    expect(rejected.code).toBe(40060);
    expect((await r.waitForResponse()).content).toBe('first');
  });

  it('refuses a callback after 3 seconds with 10062', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'late' });
    const rejected = await r.waitForRejection(6000);
    expect(rejected).toMatchObject({ status: 404, code: 10062 });
    expect(r.acknowledged).toBe(false);
  });

  it('shows a modal and receives its submission', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'form' });
    expect(await r.waitForModal()).toMatchObject({ custom_id: 'ticket:open', title: 'Open a ticket' });
    const submitted = await fake.submitModal({ customId: 'ticket:open', userId: member.id, fields: { subject: 'VPN down' } });
    expect(await submitted.waitForResponse()).toMatchObject({ content: 'subject=VPN down', ephemeral: true });
  });

  it('clicks a button and sees the message updated', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: guild.ownerId, name: 'panel' });
    const panel = await r.waitForResponse();
    const click = await fake.clickButton({ messageId: panel.messageId!, customId: 'demo:click', userId: member.id });
    expect(await click.waitForResponse()).toMatchObject({ type: 7, content: 'clicked by bob', components: [] });
    expect(fake.message(panel.messageId!)?.content).toBe('clicked by bob');
  });

  it('hides a command from members without its default_member_permissions', async () => {
    await registerCommands();
    await expect(fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'panel' })).rejects.toThrow(/default_member_permissions/);
  });

  it('receives file bytes from an interaction reply, and serves an uploaded option attachment', async () => {
    await registerCommands();
    const exp = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'export' });
    const reply = await exp.waitForResponse();
    expect(reply.files.map((f) => [f.name, f.data.toString()])).toEqual([['export.json', '{"entries":[1,2,3]}']]);

    const imp = await fake.invokeSlashCommand({
      guildId: guild.id,
      channelId: general,
      userId: member.id,
      name: 'import',
      options: { file: { filename: 'training.json', data: '[{"q":1}]' } },
    });
    expect((await imp.waitForResponse()).content).toBe('read training.json: 9 bytes, first char [');
  });

  it('answers autocomplete with the choices the bot returns', async () => {
    await registerCommands();
    const r = await fake.autocomplete({ guildId: guild.id, channelId: general, userId: member.id, name: 'pick', options: { kb: 'al' }, focused: 'kb' });
    expect((await r.waitForChoices()).map((c) => c.value)).toEqual(['alpha', 'alps']);
  });

  it('holds a command registration until released: the previous list stands meanwhile, the new one after', async () => {
    await client.application!.commands.set([{ name: 'old', description: 'from the previous run' }], guild.id);
    const held = fake.holdNext({ method: 'PUT', route: /\/guilds\/\d+\/commands$/ });
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
    fake.failNext({ status: 403, code: 50001, route: /\/guilds\/\d+\/commands$/ });
    await expect(client.application!.commands.set([{ name: 'nope', description: 'refused' }], guild.id)).rejects.toMatchObject({ status: 403, code: 50001, message: 'Missing Access' });
    expect(fake.commands(guild.id)).toEqual([]);
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.status === 403)).toHaveLength(1);
  });

  it('answers 429 on a send; discord.js waits, retries and the message arrives', async () => {
    const channel = (await client.channels.fetch(general)) as TextChannel;
    fake.rateLimitNext({ route: 'messages', count: 1, retryAfterMs: 200 });
    fake.failNext({ status: 502, route: 'messages' });
    const started = Date.now();
    await channel.send('after the rate limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // Retry-After is whole seconds on Discord
    const sends = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${general}/messages`).slice(-3);
    expect(sends.map((r) => r.status)).toEqual([429, 502, 200]);
    expect(fake.messages(general).at(-1)?.content).toBe('after the rate limit');
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

  it('resumes after the gateway connection drops, replaying missed events', async () => {
    const resumed = nextEvent(client, Events.ShardResume);
    fake.dropGatewayConnections();
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

  it('has no unexpected handler errors', () => {
    const unexpected = handlerErrors.filter((e) => !['twice', 'late'].includes(e.command));
    expect(unexpected).toEqual([]);
    const late = handlerErrors.find((e) => e.command === 'late')?.error;
    expect(late).toBeInstanceOf(DiscordAPIError);
    expect((late as DiscordAPIError).code).toBe(10062);
  });
});

describe('fake Discord protocol details (raw clients)', () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ rateLimits: 'realistic' });
  });
  afterAll(async () => {
    await fake?.stop();
  });

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

  it('answers 401 with Discord\'s body for a missing or wrong Authorization header', async () => {
    const res = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });
});
