import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFlags, ChannelType, GatewayIntentBits, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIApplicationCommand, APIEmbed, APIGuildForumTag, APIOverwrite } from 'discord-api-types/v10';
import { editChannel, startThread } from './channels.js';
import { missingAccess } from './errors.js';
import { CommandStore } from './commands.js';
import { Gateway, shardOf, type GatewaySession, type PrivilegedIntent } from './gateway.js';
import type { InteractionHandle } from './interaction-handle.js';
import { InteractionFactory, type AttachmentUpload, type AutocompleteInput, type MessageCommandInput, type SlashCommandInput } from './interaction-payloads.js';
import { Interactions } from './interactions.js';
import { parseMessageBody, type UploadedFile } from './message-input.js';
import { deleteMessage, editMessage, sendMessage, visibleMessages } from './messages.js';
import { isThread, toAPIRole, toAPIUser } from './model.js';
import { toPermissionBits } from './permissions.js';
import { HeldRequests, type HeldRequest } from './held-requests.js';
import { RateLimits, type FailRule, type RateLimitMode, type RateLimitRule } from './rate-limits.js';
import { registerRoutes } from './rest-routes.js';
import { addThreadMember, threadMemberIds } from './private-threads.js';
import { handleRequest, Router, type RequestLogEntry } from './rest-server.js';
import { SnowflakeGenerator } from './snowflake.js';
import { channelView, messageView, type ChannelView, type MessageView } from './views.js';
import { ThreadArchiver } from './thread-activity.js';
import { World, type TypingEvent } from './world.js';
import { DirectMessages, type DirectMessageView } from './direct-messages.js';

export interface FakeDiscordOptions {
  token?: string;
  botUser?: { id?: string; username?: string };
  /** Defaults to the bot user's id, as for any application created since 2020. */
  applicationId?: string;
  /** HELLO's heartbeat_interval (Discord: 41250 ms). */
  heartbeatIntervalMs?: number;
  /** Privileged intents enabled in the Developer Portal (all true by default). */
  privilegedIntents?: Partial<Record<PrivilegedIntent, boolean>>;
  /** How long an interaction accepts its callback (Discord: 3000 ms). */
  interactionResponseWindowMs?: number;
  rateLimits?: RateLimitMode;
  /**
   * How many milliseconds one minute of a thread's `auto_archive_duration` lasts (Discord: 60,000).
   * Idle threads archive themselves on this clock; e.g. 1 makes a 60-minute thread archive after 60 ms.
   */
  threadArchiveMinuteMs?: number;
  /** Guilds a shard may hold (Discord: 2,500). Tests shrink it to make a few guilds need several shards. */
  guildsPerShard?: number;
  /** `session_start_limit.max_concurrency`: shards that may IDENTIFY at once (Discord: 1 for most bots). */
  maxConcurrency?: number;
}

export interface GuildView {
  id: string;
  name: string;
  ownerId: string;
  /** The @everyone role shares the guild's id. */
  everyoneRoleId: string;
  /** The managed role Discord gives the bot on joining. */
  botRoleId: string;
}

export interface CreateChannelInput {
  type?: ChannelType.GuildText | ChannelType.GuildForum | ChannelType.GuildCategory | ChannelType.GuildAnnouncement | number;
  name: string;
  parentId?: string;
  topic?: string;
  available_tags?: Partial<APIGuildForumTag>[];
  permission_overwrites?: APIOverwrite[];
  flags?: number;
}

const toUploads = (files: AttachmentUpload[] = []): UploadedFile[] =>
  files.map((f, i) => ({
    field: `files[${i}]`,
    filename: f.filename,
    contentType: f.contentType ?? 'application/octet-stream',
    data: Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data),
  }));

/**
 * A local stand-in for Discord (REST under /api/v10 + WebSocket gateway, both on 127.0.0.1) that the
 * real discord.js client logs into with `new Client({ intents, rest: { api: fake.apiUrl } })`.
 * It keeps state, applies Discord's rules to the bot and to simulated members alike, and sends the
 * gateway events Discord would. See README.md in this folder for the API.
 */
export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: { id: string; username: string };
  readonly requests: RequestLogEntry[] = [];
  readonly limits = new RateLimits();
  private readonly held = new HeldRequests();
  private readonly world: World;
  private readonly dms: DirectMessages;
  private readonly commandStore: CommandStore;
  private readonly interactions: Interactions;
  private readonly factory: InteractionFactory;
  private readonly gateway: Gateway;
  private readonly handles = new Set<InteractionHandle>();
  private readonly privileged: Record<PrivilegedIntent, boolean>;
  private readonly archiver: ThreadArchiver;
  private readonly guildsPerShard: number;
  private port = 0;

  private constructor(
    private readonly server: Server,
    opts: FakeDiscordOptions,
  ) {
    const ids = new SnowflakeGenerator();
    const botId = opts.botUser?.id ?? opts.applicationId ?? ids.next();
    this.applicationId = opts.applicationId ?? botId;
    this.botUser = { id: botId, username: opts.botUser?.username ?? 'Support Bot' };
    this.token = opts.token ?? `${Buffer.from(botId).toString('base64url')}.fake.${randomBytes(20).toString('base64url')}`;
    this.privileged = { messageContent: true, guildMembers: true, presences: true, ...opts.privilegedIntents };
    if (opts.rateLimits) this.limits.mode = opts.rateLimits;
    const windowMs = opts.interactionResponseWindowMs ?? 3000;
    this.guildsPerShard = opts.guildsPerShard ?? 2500;

    this.gateway = new Gateway(server, {
      token: () => this.token,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
      allowed: () => this.privileged,
      requiredShards: () => this.recommendedShards(),
      onIdentified: (s) => this.sendReady(s),
    });
    this.world = new World(this.applicationId, botId, () => this.baseUrl, (event, data, scope) => {
      const guildId = event === 'GUILD_CREATE' ? (data as { id: string }).id : undefined;
      this.gateway.broadcast(event, data, {
        ...scope,
        ...(guildId
          ? { perSession: (s: GatewaySession) => this.world.apiGuildCreate(this.world.guild(guildId), s.has(GatewayIntentBits.GuildPresences)) }
          : {}),
      });
    });
    this.world.addUser({ id: botId, username: this.botUser.username, bot: true });
    this.world.on('change', () => {
      for (const h of this.handles) h.notify();
    });
    this.dms = new DirectMessages(this.world);
    this.archiver = new ThreadArchiver(this.world, opts.threadArchiveMinuteMs ?? 60_000);
    this.archiver.start();
    this.commandStore = new CommandStore(this.applicationId, this.world.ids);
    this.interactions = new Interactions(this.world, () => windowMs);
    this.interactions.dms = this.dms;
    this.factory = new InteractionFactory(this.world, this.commandStore, this.interactions, (payload) =>
      this.gateway.broadcast('INTERACTION_CREATE', payload, { intent: null }),
    );
    this.factory.dms = this.dms;

    const router = new Router();
    registerRoutes(router, {
      world: this.world,
      commands: this.commandStore,
      interactions: this.interactions,
      dms: this.dms,
      gatewayUrl: () => this.gatewayUrl,
      identifyCount: () => this.gateway.sessions.length,
      recommendedShards: () => this.recommendedShards(),
      maxConcurrency: () => opts.maxConcurrency ?? 1,
      messageContentAllowed: () => this.privileged.messageContent,
      guildMembersAllowed: () => this.privileged.guildMembers,
      applicationFlags: () => this.applicationFlags(),
    });
    server.on('request', (req, res) => {
      void handleRequest(
        {
          router,
          token: () => this.token,
          limits: this.limits,
          log: this.requests,
          serveFile: (path) => this.serveFile(path),
          onRejected: (params, r, err) => this.interactions.noteRejection(params.interactionId, params.token, r, err),
          onUnexpected: (err) => console.error('[fake discord] route crashed:', err),
          held: (method, path) => this.held.wait(method, path),
        },
        req,
        res,
      );
    });
  }

  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(server, opts);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  async stop(): Promise<void> {
    this.archiver.stop();
    this.held.releaseAll();
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Pass as discord.js's `rest.api` (it appends `/v10`). */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** As Discord recommends in GET /gateway/bot: enough shards for every guild the bot is in. */
  private recommendedShards(): number {
    const guilds = [...this.world.guilds.values()].filter((g) => g.members.has(this.botUser.id)).length;
    return Math.max(1, Math.ceil(guilds / this.guildsPerShard));
  }

  private applicationFlags(): number {
    let flags = 0;
    if (this.privileged.messageContent) flags |= ApplicationFlags.GatewayMessageContentLimited;
    if (this.privileged.guildMembers) flags |= ApplicationFlags.GatewayGuildMembersLimited;
    if (this.privileged.presences) flags |= ApplicationFlags.GatewayPresenceLimited;
    return flags;
  }

  private sendReady(session: GatewaySession): void {
    // A shard is told only of its own guilds.
    const guilds = [...this.world.guilds.values()].filter((g) => g.members.has(this.botUser.id) && shardOf(g.id, session.shard[1]) === session.shard[0]);
    session.dispatch('READY', {
      v: 10,
      user_settings: {},
      user: { ...toAPIUser(this.world.user(this.botUser.id)), verified: true, mfa_enabled: false, email: null },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${this.gatewayUrl}/resume`,
      shard: session.shard,
      application: { id: this.applicationId, flags: this.applicationFlags() },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
    });
    if (!session.has(GatewayIntentBits.Guilds)) return;
    for (const g of guilds) session.dispatch('GUILD_CREATE', this.world.apiGuildCreate(g, session.has(GatewayIntentBits.GuildPresences)));
  }

  private serveFile(path: string): { data: Buffer; contentType: string } | undefined {
    const m = /^\/(?:ephemeral-)?attachments\/\d+\/(\d+)\/[^/]+$/.exec(path);
    const a = m ? this.world.attachments.get(m[1]!) : undefined;
    return a ? { data: a.data, contentType: a.contentType } : undefined;
  }

  // ---- setting the scene

  createUser(input: { username: string; id?: string; globalName?: string }): { id: string; username: string } {
    const u = this.world.addUser(input);
    return { id: u.id, username: u.username };
  }

  /** A server with its owner (created as a user if new) and the bot as members. */
  /** `id` lets a test choose the guild's shard (`(id >> 22) % shards`); by default a new snowflake. */
  createGuild(input: { name: string; id?: string; ownerId?: string; ownerName?: string; botPermissions?: bigint | string }): GuildView {
    const ownerId = input.ownerId ?? this.world.addUser({ username: input.ownerName ?? 'owner' }).id;
    const g = this.world.createGuild({ ...input, ownerId });
    const botRoleId = [...g.roles.values()].find((r) => r.botId === this.botUser.id)!.id;
    return { id: g.id, name: g.name, ownerId, everyoneRoleId: g.id, botRoleId };
  }

  createRole(guildId: string, input: { name: string; permissions?: bigint | string; mentionable?: boolean; color?: number }): { id: string; name: string } {
    const r = this.world.createRole(guildId, input);
    return { id: r.id, name: r.name };
  }

  /** Sets a role's permissions (e.g. the bot's role, `guild.botRoleId`) and sends GUILD_ROLE_UPDATE. */
  setRolePermissions(guildId: string, roleId: string, permissions: bigint | string): void {
    const role = this.world.guild(guildId).roles.get(roleId);
    if (!role) throw new Error(`unknown role ${roleId}`);
    role.permissions = toPermissionBits(permissions);
    this.world.dispatch('GUILD_ROLE_UPDATE', { guild_id: guildId, role: toAPIRole(role) }, { intent: GatewayIntentBits.Guilds });
    this.world.changed();
  }

  addMember(guildId: string, input: { userId?: string; username?: string; roles?: string[]; nick?: string }): { id: string; username: string } {
    const m = this.world.addMember(guildId, input);
    return { id: m.userId, username: this.world.user(m.userId).username };
  }

  setMemberRoles(guildId: string, userId: string, roles: string[]): void {
    this.world.setMemberRoles(guildId, userId, roles);
  }

  createChannel(guildId: string, input: CreateChannelInput): ChannelView {
    const c = this.world.createChannel(guildId, {
      type: (input.type ?? ChannelType.GuildText) as ChannelType,
      name: input.name,
      ...(input.parentId ? { parentId: input.parentId } : {}),
      ...(input.topic ? { topic: input.topic } : {}),
      ...(input.available_tags ? { availableTags: input.available_tags } : {}),
      ...(input.permission_overwrites ? { permissionOverwrites: input.permission_overwrites } : {}),
      ...(input.flags !== undefined ? { flags: input.flags } : {}),
    });
    return channelView(this.world, c);
  }

  /** Turns privileged intents on or off, as in the Developer Portal (affects the next IDENTIFY). */
  setPrivilegedIntents(intents: Partial<Record<PrivilegedIntent, boolean>>): void {
    Object.assign(this.privileged, intents);
  }

  // ---- what members do (Discord's rules apply: a refused action throws DiscordHttpError)

  postAsUser(input: {
    channelId: string;
    userId: string;
    content?: string;
    attachments?: AttachmentUpload[];
    stickers?: string[];
    embeds?: APIEmbed[];
    replyTo?: string;
  }): MessageView {
    const body = {
      ...(input.content !== undefined ? { content: input.content } : {}),
      ...(input.embeds ? { embeds: input.embeds } : {}),
      ...(input.stickers ? { sticker_ids: input.stickers } : {}),
      ...(input.replyTo ? { message_reference: { message_id: input.replyTo } } : {}),
    };
    const m = sendMessage(this.world, input.userId, this.world.channel(input.channelId), parseMessageBody(body, toUploads(input.attachments)));
    return messageView(this.world, m);
  }

  /** A member's forum post: THREAD_CREATE, then MESSAGE_CREATE for its starter message. Tags by id or name. */
  createForumPostAsUser(input: {
    forumId: string;
    userId: string;
    title: string;
    content: string;
    tags?: string[];
    attachments?: AttachmentUpload[];
  }): { thread: ChannelView; message: MessageView } {
    const forum = this.world.channel(input.forumId);
    const tagIds = (input.tags ?? []).map((t) => {
      const tag = forum.availableTags.find((x) => x.id === t || x.name.toLowerCase() === t.toLowerCase());
      if (!tag) throw new Error(`forum ${forum.name} has no tag "${t}"`);
      return tag.id;
    });
    const files = toUploads(input.attachments);
    const body = {
      name: input.title,
      ...(tagIds.length ? { applied_tags: tagIds } : {}),
      message: { content: input.content, attachments: files.map((_, i) => ({ id: i })) },
    };
    const { thread, message } = startThread(this.world, input.userId, forum, body, files);
    return { thread: channelView(this.world, thread), message: messageView(this.world, message!) };
  }

  /**
   * A member's forum post whose first message arrives `starterDelayMs` after THREAD_CREATE, as when
   * their client is still uploading it. Resolves with the starter once it is posted.
   */
  createForumPostAsUserLater(input: { forumId: string; userId: string; title: string; content: string; starterDelayMs: number }): {
    thread: ChannelView;
    starter: Promise<MessageView>;
  } {
    const forum = this.world.channel(input.forumId);
    const body = { name: input.title, message: { content: input.content } };
    const { thread, sendStarter } = startThread(this.world, input.userId, forum, body, [], { deferStarter: true });
    const starter = new Promise<MessageView>((resolve) => setTimeout(() => resolve(messageView(this.world, sendStarter!())), input.starterDelayMs));
    return { thread: channelView(this.world, thread), starter };
  }

  editAsUser(input: { messageId: string; userId: string; content: string }): MessageView {
    const m = this.world.messages.get(input.messageId);
    if (!m || m.deleted) throw new Error(`message ${input.messageId} does not exist`);
    return messageView(this.world, editMessage(this.world, input.userId, m, parseMessageBody({ content: input.content }, [])));
  }

  /** Deletes a message as `byUserId` (default: its author). */
  deleteMessage(messageId: string, byUserId?: string): void {
    const m = this.world.messages.get(messageId);
    if (!m || m.deleted) throw new Error(`message ${messageId} does not exist`);
    deleteMessage(this.world, byUserId ?? m.authorId, m);
  }

  /** A member or moderator edits a thread (name, archived, locked, applied tags), sending THREAD_UPDATE. */
  editThreadAsUser(input: { threadId: string; userId: string; name?: string; archived?: boolean; locked?: boolean; appliedTags?: string[] }): ChannelView {
    const body = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.archived !== undefined ? { archived: input.archived } : {}),
      ...(input.locked !== undefined ? { locked: input.locked } : {}),
      ...(input.appliedTags !== undefined ? { applied_tags: input.appliedTags } : {}),
    };
    return channelView(this.world, editChannel(this.world, input.userId, this.world.channel(input.threadId), body));
  }

  /** A member with Manage Channels edits a forum or text channel (name, topic, tags): CHANNEL_UPDATE. */
  editChannelAsUser(input: { channelId: string; userId: string; name?: string; topic?: string; availableTags?: Partial<APIGuildForumTag>[] }): ChannelView {
    const body = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.topic !== undefined ? { topic: input.topic } : {}),
      ...(input.availableTags !== undefined ? { available_tags: input.availableTags } : {}),
    };
    return channelView(this.world, editChannel(this.world, input.userId, this.world.channel(input.channelId), body));
  }

  // ---- interactions

  private track(handle: InteractionHandle): InteractionHandle {
    this.handles.add(handle);
    return handle;
  }

  private requireBotConnected(): void {
    if (!this.gateway.sessions.some((s) => !s.invalid)) throw new Error('no bot session: log the client in before sending interactions');
  }

  /** Sends a slash command as the member would (the command must be registered and visible to them). */
  async invokeSlashCommand(input: SlashCommandInput): Promise<InteractionHandle> {
    this.requireBotConnected();
    return this.track(this.factory.slashCommand(input).handle);
  }

  /** Runs a message context-menu command (right-click a message → Apps) as the member would. */
  async invokeMessageCommand(input: MessageCommandInput): Promise<InteractionHandle> {
    this.requireBotConnected();
    return this.track(this.factory.messageCommand(input).handle);
  }

  async autocomplete(input: AutocompleteInput): Promise<InteractionHandle> {
    this.requireBotConnected();
    return this.track(this.factory.autocomplete(input).handle);
  }

  async clickButton(input: { messageId: string; customId: string; userId: string }): Promise<InteractionHandle> {
    this.requireBotConnected();
    return this.track(this.factory.button(input).handle);
  }

  /** The member clicks a button on a message the bot sent them by DM (`directMessagesTo(userId)`). */
  async clickDmButton(input: { messageId: string; customId: string; userId: string }): Promise<InteractionHandle> {
    this.requireBotConnected();
    return this.track(this.factory.dmButton(this.dms, input).handle);
  }

  async selectMenu(input: { messageId: string; customId: string; userId: string; values: string[] }): Promise<InteractionHandle> {
    this.requireBotConnected();
    return this.track(this.factory.select(input).handle);
  }

  /** Submits the modal the bot last showed `userId` with this custom_id; `fields` by text input custom_id. */
  async submitModal(input: { customId: string; fields: Record<string, string>; userId: string; channelId?: string }): Promise<InteractionHandle> {
    this.requireBotConnected();
    return this.track(this.factory.modalSubmit(input).handle);
  }

  /** Archives now every thread idle for its auto_archive_duration (on the `threadArchiveMinuteMs` clock); returns their ids. */
  archiveIdleThreads(): string[] {
    return this.archiver.archiveIdle();
  }

  // ---- faults

  /** The next `count` matching requests get 429 (with Retry-After); discord.js waits and retries by itself. */
  rateLimitNext(rule: { route?: RateLimitRule['route']; count?: number; retryAfterMs?: number; global?: boolean }): void {
    this.limits.rateLimitNext({ count: 1, retryAfterMs: 1000, ...rule } as RateLimitRule);
  }

  /**
   * The next `count` matching requests fail with `status`: a 5xx (discord.js retries those up to 3 times), or a 403
   * with a JSON error `code` (50001 Missing Access by default), which discord.js does not retry.
   */
  failNext(rule: { status: FailRule['status']; code?: number; count?: number; route?: FailRule['route'] }): void {
    this.limits.failNext({ count: 1, ...rule } as FailRule);
  }

  /**
   * Keeps the next `count` matching requests waiting until the test calls `release()` on the result, as a slow
   * Discord would (e.g. `{ method: 'PUT', route: /\/guilds\/\d+\/commands$/ }`: command registration in flight).
   * `await held.arrived` tells when the bot's request got there. See held-requests.ts for what Discord does meanwhile.
   */
  holdNext(rule: { method?: string; route: RegExp; count?: number }): HeldRequest {
    return this.held.holdNext(rule);
  }

  /** Kills every gateway connection (client sees 1006 and resumes), or closes them with `code`. */
  dropGatewayConnections(opts: { code?: number } = {}): void {
    this.gateway.dropConnections(opts.code);
  }

  /** Sends op 7 RECONNECT. */
  requestGatewayReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Sessions become unresumable: the next RESUME gets op 9 and the client must IDENTIFY again. */
  invalidateGatewaySessions(): void {
    this.gateway.invalidateSessions();
  }

  // ---- looking at the state

  messages(channelId: string): MessageView[] {
    return visibleMessages(this.world, channelId).map((m) => messageView(this.world, m));
  }

  /**
   * What a member gets from GET /channels/{id}/messages: the messages, newest first, or a DiscordHttpError 403 50001
   * when they cannot see the channel (a private thread they are not in, without Manage Threads).
   */
  readMessagesAsUser(channelId: string, userId: string): MessageView[] {
    const channel = this.world.channel(channelId);
    if (!this.world.can(channel, userId, PermissionFlagsBits.ViewChannel)) throw missingAccess();
    if (!this.world.can(channel, userId, PermissionFlagsBits.ReadMessageHistory)) return [];
    return this.messages(channelId).reverse();
  }

  /** What the bot sent `userId` by direct message, oldest first. */
  directMessagesTo(userId: string): DirectMessageView[] {
    return this.dms.messagesTo(userId);
  }

  /** The member allows or refuses DMs from the server's bots (refused: sends answer 403 50007, as on Discord). */
  setDmsOpen(userId: string, open: boolean): void {
    this.dms.setDmsOpen(userId, open);
  }

  /** The user ids added to a private thread (the creator first). */
  threadMembers(threadId: string): string[] {
    return threadMemberIds(this.world.channel(threadId));
  }

  /** A member adds someone to a thread (PUT /channels/{thread}/thread-members/{user}), with Discord's checks. */
  addThreadMemberAsUser(input: { threadId: string; userId: string; memberId: string }): void {
    addThreadMember(this.world, input.userId, this.world.channel(input.threadId), input.memberId);
  }

  /** Any message by id, including ephemeral ones; undefined if unknown or deleted. */
  message(id: string): MessageView | undefined {
    const m = this.world.messages.get(id);
    return m && !m.deleted ? messageView(this.world, m) : undefined;
  }

  channel(id: string): ChannelView {
    return channelView(this.world, this.world.channel(id));
  }

  /** Posts (threads) of a forum, oldest first, archived ones included. */
  threads(forumId: string): ChannelView[] {
    return [...this.world.channels.values()]
      .filter((c) => c.parentId === forumId && !c.deleted && isThread(c))
      .map((c) => channelView(this.world, c));
  }

  commands(guildId?: string): APIApplicationCommand[] {
    return this.commandStore.list(guildId);
  }

  get typing(): TypingEvent[] {
    return this.world.typing;
  }

  get gatewaySessions(): { id: string; intents: number; seq: number; connected: boolean; shard: [number, number] }[] {
    return this.gateway.sessions.map((s) => ({ id: s.id, intents: s.intents, seq: s.seq, connected: s.connection !== undefined && !s.invalid, shard: s.shard }));
  }

  /** Every gateway connection's path (e.g. `/?v=10&encoding=json`, `/resume?...`) and every close the fake sent. */
  get gatewayLog(): { connections: { path: string; at: number }[]; closes: { code: number; reason: string; at: number }[] } {
    return { connections: this.gateway.connectionLog, closes: this.gateway.closeLog };
  }

  /** Resolves with the first truthy value of `probe`, re-checked after every change (and every 25 ms). */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch {
          value = undefined;
        }
        if (!value) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const onChange = () => void check();
      const poll = setInterval(onChange, 25);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(poll);
        clearTimeout(timer);
        this.world.off('change', onChange);
      };
      this.world.on('change', onChange);
      check();
    });
  }

  /** The first message (already there or still to come) in `channelId` that satisfies `predicate`. */
  waitForMessage(channelId: string, predicate: (m: MessageView) => boolean = () => true, timeoutMs = 5000): Promise<MessageView> {
    return this.waitFor(() => this.messages(channelId).find(predicate), timeoutMs, `a message in ${channelId}`);
  }

  /** Like waitForMessage, but only for messages created after this call. */
  nextMessage(channelId: string, predicate: (m: MessageView) => boolean = () => true, timeoutMs = 5000): Promise<MessageView> {
    const seen = new Set(this.messages(channelId).map((m) => m.id));
    return this.waitFor(() => this.messages(channelId).find((m) => !seen.has(m.id) && predicate(m)), timeoutMs, `a new message in ${channelId}`);
  }
}
