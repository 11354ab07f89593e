import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIApplicationCommand } from 'discord-api-types/v10';
import type { CommandStore } from './commands.js';
import type { DirectMessages, DirectMessageView } from './direct-messages.js';
import type { Gateway, PrivilegedIntent } from './gateway.js';
import { addBotToGuild, removeBotFromGuild, removeMember, setGuildUnavailable } from './guild-membership.js';
import { DiscordFaults } from './faults.js';
import type { HeldRequests } from './held-requests.js';
import type { InteractionHandle } from './interaction-handle.js';
import type { AutocompleteInput, InteractionFactory, MessageCommandInput, SlashCommandInput } from './interaction-payloads.js';
import type { InteractionRecord } from './interactions.js';
import {
  createForumPostAsUser,
  createForumPostAsUserLater,
  deleteChannelAsUser,
  deleteMessageAsUser,
  editAsUser,
  editChannelAsUser,
  editThreadAsUser,
  postAsUser,
  readMessagesAsUser,
  type EditChannelInput,
  type EditThreadInput,
  type ForumPostInput,
  type LateForumPostInput,
  type PostAsUserInput,
} from './member-actions.js';
import { visibleMessages } from './messages.js';
import { isThread } from './model.js';
import { assembleParts, type FakeDiscordOptions } from './parts.js';
import { addThreadMember, threadMemberIds } from './private-threads.js';
import type { RateLimits } from './rate-limits.js';
import type { RequestLogEntry } from './rest-server.js';
import {
  addMember,
  createChannel,
  createGuild,
  createRole,
  createUser,
  setRolePermissions,
  type CreateChannelInput,
  type CreateGuildInput,
  type GuildView,
} from './scene.js';
import { SnowflakeGenerator } from './snowflake.js';
import { channelView, messageView, type ChannelView, type MessageView } from './views.js';
import type { ThreadArchiver } from './thread-activity.js';
import { waitForState } from './waiting.js';
import type { TypingEvent, World } from './world.js';

export type { FakeDiscordOptions } from './parts.js';

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
  readonly requests: RequestLogEntry[];
  readonly limits: RateLimits;
  /** Discord misbehaving on command: requests rate-limited, failed, dropped or held; gateway connections dropped. */
  readonly faults: DiscordFaults;
  private readonly held: HeldRequests;
  private readonly world: World;
  private readonly dms: DirectMessages;
  private readonly commandStore: CommandStore;
  private readonly factory: InteractionFactory;
  private readonly gateway: Gateway;
  private readonly handles: Set<InteractionHandle>;
  private readonly privileged: Record<PrivilegedIntent, boolean>;
  private readonly archiver: ThreadArchiver;
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
    const bot = { token: this.token, applicationId: this.applicationId, botUser: this.botUser };
    const parts = assembleParts(server, bot, opts, { baseUrl: () => this.baseUrl, gatewayUrl: () => this.gatewayUrl });
    this.requests = parts.requests;
    this.limits = parts.limits;
    this.held = parts.held;
    this.world = parts.world;
    this.dms = parts.dms;
    this.commandStore = parts.commandStore;
    this.factory = parts.factory;
    this.gateway = parts.gateway;
    this.handles = parts.handles;
    this.privileged = parts.privileged;
    this.archiver = parts.archiver;
    this.faults = new DiscordFaults(parts.limits, parts.held, parts.gateway, parts.world);
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

  // ---- setting the scene

  createUser(input: { username: string; id?: string; globalName?: string }): { id: string; username: string } {
    return createUser(this.world, input);
  }

  /** A server with its owner (created as a user if new) and the bot as members. */
  createGuild(input: CreateGuildInput): GuildView {
    return createGuild(this.world, input);
  }

  createRole(guildId: string, input: { name: string; permissions?: bigint | string; mentionable?: boolean; color?: number }): { id: string; name: string } {
    return createRole(this.world, guildId, input);
  }

  /** Sets a role's permissions (e.g. the bot's role, `guild.botRoleId`) and sends GUILD_ROLE_UPDATE. */
  setRolePermissions(guildId: string, roleId: string, permissions: bigint | string): void {
    setRolePermissions(this.world, guildId, roleId, permissions);
  }

  addMember(guildId: string, input: { userId?: string; username?: string; roles?: string[]; nick?: string }): { id: string; username: string } {
    return addMember(this.world, guildId, input);
  }

  setMemberRoles(guildId: string, userId: string, roles: string[]): void {
    this.world.setMemberRoles(guildId, userId, roles);
  }

  createChannel(guildId: string, input: CreateChannelInput): ChannelView {
    return createChannel(this.world, guildId, input);
  }

  /**
   * The bot kicked (or the server deleted): GUILD_DELETE without `unavailable`, then 404 10004 / 403 50001 there;
   * the app's commands in that server are gone (`CommandStore.dropGuild`), a re-invite brings none back.
   */
  removeBotFromGuild(guildId: string): void {
    removeBotFromGuild(this.world, guildId);
    this.commandStore.dropGuild(guildId);
  }

  /** The bot is invited back to a server it was removed from: GUILD_CREATE, and its requests there work again. */
  addBotToGuild(guildId: string): void {
    addBotToGuild(this.world, guildId);
  }

  /** A Discord outage for the server (GUILD_DELETE with `unavailable: true`; the bot stays in it), or its end (GUILD_CREATE). */
  setGuildUnavailable(guildId: string, unavailable: boolean): void {
    setGuildUnavailable(this.world, guildId, unavailable);
  }

  /** A member leaves or is kicked: GUILD_MEMBER_REMOVE (GuildMembers intent), and out of the server's private threads. */
  removeMember(guildId: string, userId: string): void {
    removeMember(this.world, guildId, userId);
  }

  /** Turns privileged intents on or off, as in the Developer Portal (affects the next IDENTIFY). */
  setPrivilegedIntents(intents: Partial<Record<PrivilegedIntent, boolean>>): void {
    Object.assign(this.privileged, intents);
  }

  // ---- what members do (Discord's rules apply: a refused action throws DiscordHttpError)

  postAsUser(input: PostAsUserInput): MessageView {
    return postAsUser(this.world, input);
  }

  /** A member's forum post: THREAD_CREATE, then MESSAGE_CREATE for its starter message. Tags by id or name. */
  createForumPostAsUser(input: ForumPostInput): { thread: ChannelView; message: MessageView } {
    return createForumPostAsUser(this.world, input);
  }

  /**
   * A member's forum post whose first message arrives `starterDelayMs` after THREAD_CREATE, as when
   * their client is still uploading it. Resolves with the starter once it is posted.
   */
  createForumPostAsUserLater(input: LateForumPostInput): { thread: ChannelView; starter: Promise<MessageView> } {
    return createForumPostAsUserLater(this.world, input);
  }

  editAsUser(input: { messageId: string; userId: string; content: string }): MessageView {
    return editAsUser(this.world, input);
  }

  /** Deletes a message as `byUserId` (default: its author). */
  deleteMessage(messageId: string, byUserId?: string): void {
    deleteMessageAsUser(this.world, messageId, byUserId);
  }

  /** A member or moderator edits a thread (name, archived, locked, applied tags), sending THREAD_UPDATE. */
  editThreadAsUser(input: EditThreadInput): ChannelView {
    return editThreadAsUser(this.world, input);
  }

  /** A member with Manage Channels edits a forum or text channel (name, topic, tags): CHANNEL_UPDATE. */
  editChannelAsUser(input: EditChannelInput): ChannelView {
    return editChannelAsUser(this.world, input);
  }

  /** A moderator deletes a thread (Manage Threads: THREAD_DELETE) or a channel (Manage Channels: CHANNEL_DELETE; its threads go too, unannounced). */
  deleteChannelAsUser(input: { channelId: string; userId: string }): void {
    deleteChannelAsUser(this.world, input);
  }

  // ---- interactions

  /** Sends what `make` builds as INTERACTION_CREATE, once a bot session can receive it; the handle follows the world's changes. */
  private async interact(make: () => InteractionRecord): Promise<InteractionHandle> {
    if (!this.gateway.sessions.some((s) => !s.invalid)) throw new Error('no bot session: log the client in before sending interactions');
    const { handle } = make();
    this.handles.add(handle);
    return handle;
  }

  /** Sends a slash command as the member would (the command must be registered and visible to them). */
  invokeSlashCommand(input: SlashCommandInput): Promise<InteractionHandle> {
    return this.interact(() => this.factory.slashCommand(input));
  }

  /** Runs a message context-menu command (right-click a message → Apps) as the member would. */
  invokeMessageCommand(input: MessageCommandInput): Promise<InteractionHandle> {
    return this.interact(() => this.factory.messageCommand(input));
  }

  autocomplete(input: AutocompleteInput): Promise<InteractionHandle> {
    return this.interact(() => this.factory.autocomplete(input));
  }

  clickButton(input: { messageId: string; customId: string; userId: string }): Promise<InteractionHandle> {
    return this.interact(() => this.factory.button(input));
  }

  /** The member clicks a button on a message the bot sent them by DM (`directMessagesTo(userId)`). */
  clickDmButton(input: { messageId: string; customId: string; userId: string }): Promise<InteractionHandle> {
    return this.interact(() => this.factory.dmButton(this.dms, input));
  }

  selectMenu(input: { messageId: string; customId: string; userId: string; values: string[] }): Promise<InteractionHandle> {
    return this.interact(() => this.factory.select(input));
  }

  /** Submits the modal the bot last showed `userId` with this custom_id; `fields` by text input custom_id. */
  submitModal(input: { customId: string; fields: Record<string, string>; userId: string; channelId?: string }): Promise<InteractionHandle> {
    return this.interact(() => this.factory.modalSubmit(input));
  }

  /**
   * Archives now every thread idle for its auto_archive_duration (on the `threadArchiveMinuteMs` clock); returns their ids.
   * `asIfAt` judges idleness at a later moment (a test's "an hour later" without the wait); the archive itself is now.
   */
  archiveIdleThreads(asIfAt?: number): string[] {
    return this.archiver.archiveIdle(asIfAt);
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
    return readMessagesAsUser(this.world, channelId, userId);
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
    return waitForState(this.world, probe, timeoutMs, what);
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
