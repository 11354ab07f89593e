import { EventEmitter } from 'node:events';
import { ChannelType, GatewayIntentBits, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIGuildForumTag, APIOverwrite } from 'discord-api-types/v10';
import { ErrorCode, notFound } from './errors.js';
import {
  toAPIChannel,
  toAPIMember,
  toAPIRole,
  type AttachmentRecord,
  type ChannelRecord,
  type GuildRecord,
  type MemberRecord,
  type MessageRecord,
  type RoleRecord,
  type UserRecord,
} from './model.js';
import { channelPermissions, toPermissionBits } from './permissions.js';
import { SnowflakeGenerator } from './snowflake.js';
import { apiGuildCreate } from './api-objects.js';
import { DEFAULT_NONCE_WINDOW_MS, MessageNonces } from './message-nonces.js';
import { LateUnarchives } from './late-unarchive.js';

/** Where a dispatch may go: the gateway filters by intent and strips gated message content per session. */
export interface DispatchScope {
  /** Intent bit a session needs to receive it; null = always sent (READY, INTERACTION_CREATE, ...). */
  intent: number | null;
  /** The payload carries message content subject to the Message Content intent. */
  contentGated?: boolean;
}

export type Dispatch = (event: string, data: unknown, scope: DispatchScope) => void;

/** @everyone's default permissions on a new server. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

/**
 * The bot's managed role: exactly the permissions its invite link asks for (README.md,
 * `permissions=2252194950794256`), as Discord creates that role from the OAuth2 `permissions` parameter
 * (discord-api-docs developers/topics/oauth2.mdx, "Bot Authorization Flow"). No Manage Messages,
 * no Mention Everyone: a test that needs more grants it with setRolePermissions.
 */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.ManageChannels |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.ManageThreads |
  PermissionFlagsBits.CreatePrivateThreads |
  PermissionFlagsBits.PinMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory;

export interface TypingEvent {
  channelId: string;
  userId: string;
  at: number;
}

/**
 * The fake Discord's state (users, servers, channels, messages) and the lookups every route shares.
 * Emits 'change' after every mutation so tests can wait on state.
 */
export class World extends EventEmitter {
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly attachments = new Map<string, AttachmentRecord>();
  readonly typing: TypingEvent[] = [];
  /** Create Message's `enforce_nonce` memory (message-nonces.ts); `FakeDiscordOptions.nonceWindowMs` replaces it. */
  nonces = new MessageNonces(DEFAULT_NONCE_WINDOW_MS);
  /** When a message's unarchive reaches the gateway: at once, or after the message (late-unarchive.ts). */
  readonly lateUnarchives = new LateUnarchives();

  constructor(
    readonly applicationId: string,
    readonly botUserId: string,
    readonly baseUrl: () => string,
    readonly dispatch: Dispatch,
  ) {
    super();
  }

  changed(): void {
    this.emit('change');
  }

  // ---- lookups (404 with Discord's codes when missing)

  user(id: string): UserRecord {
    const u = this.users.get(id);
    if (!u) throw notFound(ErrorCode.UnknownUser, 'User');
    return u;
  }

  guild(id: string): GuildRecord {
    const g = this.guilds.get(id);
    if (!g) throw notFound(ErrorCode.UnknownGuild, 'Guild');
    return g;
  }

  channel(id: string): ChannelRecord {
    const c = this.channels.get(id);
    if (!c || c.deleted) throw notFound(ErrorCode.UnknownChannel, 'Channel');
    return c;
  }

  message(channelId: string, id: string): MessageRecord {
    const m = this.messages.get(id);
    if (!m || m.deleted || m.channelId !== channelId) throw notFound(ErrorCode.UnknownMessage, 'Message');
    return m;
  }

  member(guildId: string, userId: string): MemberRecord {
    const m = this.guild(guildId).members.get(userId);
    if (!m) throw notFound(ErrorCode.UnknownMember, 'Member');
    return m;
  }

  parentOf = (c: ChannelRecord): ChannelRecord | undefined => (c.parentId ? this.channels.get(c.parentId) : undefined);

  permissionsIn(channel: ChannelRecord, userId: string): bigint {
    return channelPermissions(this.guild(channel.guildId), channel, userId, this.parentOf);
  }

  can(channel: ChannelRecord, userId: string, permission: bigint): boolean {
    return (this.permissionsIn(channel, userId) & permission) === permission;
  }

  activeThreads(guildId: string): ChannelRecord[] {
    return [...this.channels.values()].filter((c) => c.guildId === guildId && !c.deleted && c.thread && !c.thread.archived);
  }

  // ---- setup

  addUser(input: { id?: string; username: string; globalName?: string; bot?: boolean }): UserRecord {
    const user: UserRecord = {
      id: input.id ?? this.ids.next(),
      username: input.username,
      globalName: input.globalName ?? null,
      bot: input.bot ?? false,
    };
    this.users.set(user.id, user);
    return user;
  }

  createGuild(input: { name: string; id?: string; ownerId: string; ownerName?: string; botPermissions?: bigint | string }): GuildRecord {
    const id = input.id ?? this.ids.next();
    const guild: GuildRecord = { id, name: input.name, ownerId: input.ownerId, roles: new Map(), members: new Map() };
    guild.roles.set(id, this.newRole(id, { name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS, position: 0 }));
    const botRole = this.newRole(this.ids.next(), {
      name: this.user(this.botUserId).username,
      permissions: toPermissionBits(input.botPermissions ?? DEFAULT_BOT_PERMISSIONS),
      position: 1,
      managed: true,
      botId: this.botUserId,
    });
    guild.roles.set(botRole.id, botRole);
    if (!this.users.has(input.ownerId)) this.addUser({ id: input.ownerId, username: input.ownerName ?? 'owner' });
    guild.members.set(input.ownerId, { userId: input.ownerId, roles: [], nick: null, joinedAt: Date.now() });
    guild.members.set(this.botUserId, { userId: this.botUserId, roles: [botRole.id], nick: null, joinedAt: Date.now() });
    this.guilds.set(id, guild);
    this.dispatch('GUILD_CREATE', apiGuildCreate(this, guild, true), { intent: GatewayIntentBits.Guilds });
    this.changed();
    return guild;
  }

  private newRole(
    id: string,
    r: { name: string; permissions: bigint; position: number; managed?: boolean; botId?: string; mentionable?: boolean; color?: number },
  ): RoleRecord {
    return {
      id,
      name: r.name,
      permissions: r.permissions,
      color: r.color ?? 0,
      position: r.position,
      hoist: false,
      mentionable: r.mentionable ?? false,
      managed: r.managed ?? false,
      ...(r.botId ? { botId: r.botId } : {}),
    };
  }

  createRole(guildId: string, input: { name: string; permissions?: bigint | string; mentionable?: boolean; color?: number }): RoleRecord {
    const guild = this.guild(guildId);
    const role = this.newRole(this.ids.next(), {
      name: input.name,
      permissions: toPermissionBits(input.permissions ?? 0n),
      position: guild.roles.size,
      ...(input.mentionable !== undefined ? { mentionable: input.mentionable } : {}),
      ...(input.color !== undefined ? { color: input.color } : {}),
    });
    guild.roles.set(role.id, role);
    this.dispatch('GUILD_ROLE_CREATE', { guild_id: guildId, role: toAPIRole(role) }, { intent: GatewayIntentBits.Guilds });
    this.changed();
    return role;
  }

  addMember(guildId: string, input: { userId?: string; username?: string; roles?: string[]; nick?: string }): MemberRecord {
    const guild = this.guild(guildId);
    const user = (input.userId && this.users.get(input.userId)) || this.addUser({
      ...(input.userId ? { id: input.userId } : {}),
      username: input.username ?? `member${guild.members.size}`,
    });
    for (const roleId of input.roles ?? []) if (!guild.roles.has(roleId)) throw new Error(`addMember: unknown role ${roleId}`);
    const member: MemberRecord = { userId: user.id, roles: [...(input.roles ?? [])], nick: input.nick ?? null, joinedAt: Date.now() };
    guild.members.set(user.id, member);
    this.dispatch('GUILD_MEMBER_ADD', { ...toAPIMember(member, user), guild_id: guildId }, { intent: GatewayIntentBits.GuildMembers });
    this.changed();
    return member;
  }

  setMemberRoles(guildId: string, userId: string, roles: string[]): void {
    const member = this.member(guildId, userId);
    member.roles = [...roles];
    this.dispatch(
      'GUILD_MEMBER_UPDATE',
      { ...toAPIMember(member, this.user(userId)), guild_id: guildId },
      { intent: GatewayIntentBits.GuildMembers },
    );
    this.changed();
  }

  createChannel(
    guildId: string,
    input: {
      type?: ChannelType;
      name: string;
      parentId?: string;
      topic?: string;
      availableTags?: Partial<APIGuildForumTag>[];
      permissionOverwrites?: APIOverwrite[];
      flags?: number;
    },
  ): ChannelRecord {
    this.guild(guildId);
    const channel: ChannelRecord = {
      id: this.ids.next(),
      guildId,
      type: input.type ?? ChannelType.GuildText,
      name: input.name,
      position: [...this.channels.values()].filter((c) => c.guildId === guildId && !c.thread).length,
      parentId: input.parentId ?? null,
      topic: input.topic ?? null,
      nsfw: false,
      rateLimitPerUser: 0,
      availableTags: (input.availableTags ?? []).map((t) => this.newTag(t)),
      flags: input.flags ?? 0,
      permissionOverwrites: input.permissionOverwrites ?? [],
      lastMessageId: null,
      deleted: false,
    };
    this.channels.set(channel.id, channel);
    this.dispatch('CHANNEL_CREATE', toAPIChannel(channel), { intent: GatewayIntentBits.Guilds });
    this.changed();
    return channel;
  }

  newTag(t: Partial<APIGuildForumTag>, keepId = false): APIGuildForumTag {
    return {
      id: keepId && t.id ? t.id : this.ids.next(),
      name: t.name ?? 'tag',
      moderated: t.moderated ?? false,
      emoji_id: t.emoji_id ?? null,
      emoji_name: t.emoji_name ?? null,
    };
  }
}
