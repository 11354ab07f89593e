import { ChannelType } from 'discord-api-types/v10';
import type { GuildMemberFlags, RoleFlags, UserFlags } from 'discord-api-types/v10';
import type {
  APIAllowedMentions,
  APIChannel,
  APIEmbed,
  APIGuildForumTag,
  APIGuildMember,
  APIMessageReference,
  APIOverwrite,
  APIRole,
  APIStickerItem,
  APIUser,
} from 'discord-api-types/v10';

/** The fake's own records: plain mutable state, turned into API shapes only when sent. */

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RoleRecord {
  id: string;
  name: string;
  permissions: bigint;
  color: number;
  position: number;
  hoist: boolean;
  mentionable: boolean;
  managed: boolean;
  /** Set for the role Discord creates for a bot when it joins. */
  botId?: string;
}

export interface MemberRecord {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: number;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, RoleRecord>;
  members: Map<string, MemberRecord>;
}

export interface ThreadState {
  ownerId: string;
  archived: boolean;
  locked: boolean;
  autoArchiveDuration: number;
  archiveTimestamp: number;
  createTimestamp: number;
  /** A forum post whose starter message has not arrived yet: nobody else may post (40058). */
  awaitingStarter?: boolean;
  /** The last message, unarchive or auto-archive change: the auto-archive timer runs from here. */
  lastActivityAt: number;
  appliedTags: string[];
  /** Private threads (type 12): who was added (see private-threads.ts), and whether non-moderators may add others. */
  members?: Set<string>;
  invitable?: boolean;
  /** Messages sent in the thread, not counting the starter message. */
  messageCount: number;
  totalMessageSent: number;
}

export interface ChannelRecord {
  id: string;
  guildId: string;
  type: ChannelType;
  name: string;
  position: number;
  parentId: string | null;
  topic: string | null;
  nsfw: boolean;
  rateLimitPerUser: number;
  availableTags: APIGuildForumTag[];
  flags: number;
  permissionOverwrites: APIOverwrite[];
  lastMessageId: string | null;
  thread?: ThreadState;
  deleted: boolean;
}

export interface AttachmentRecord {
  id: string;
  filename: string;
  description?: string;
  contentType: string;
  size: number;
  url: string;
  data: Buffer;
}

export interface MentionSet {
  everyone: boolean;
  users: string[];
  roles: string[];
}

export interface InteractionLink {
  id: string;
  type: number;
  name: string;
  userId: string;
  /** A follow-up's original response (`interaction_metadata.original_response_message_id`). */
  originalResponseMessageId?: string;
}

export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string;
  authorId: string;
  type: number;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  attachments: AttachmentRecord[];
  stickerItems: APIStickerItem[];
  flags: number;
  tts: boolean;
  nonce?: string | number;
  createdAt: number;
  editedAt: number | null;
  /** As the sender passed it (undefined when omitted, which means "ping everything mentioned"). */
  allowedMentions?: APIAllowedMentions;
  /** Mentions in effect for the current content and allowed_mentions. */
  mentions: MentionSet;
  /** Everyone who was ever pinged by this message, at creation or by an edit. */
  pinged: MentionSet;
  reference?: APIMessageReference;
  webhookId?: string;
  applicationId?: string;
  interaction?: InteractionLink;
  /** Ephemeral messages are seen by this user only and never reach the gateway. */
  ephemeralTo?: string;
  /** Set by the pin routes (private-threads.ts). */
  pinned?: boolean;
  deleted: boolean;
}

export function isThread(c: ChannelRecord): boolean {
  return c.type === ChannelType.PublicThread || c.type === ChannelType.PrivateThread || c.type === ChannelType.AnnouncementThread;
}

export function isForum(c: ChannelRecord): boolean {
  return c.type === ChannelType.GuildForum || c.type === ChannelType.GuildMedia;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export function toAPIUser(u: UserRecord): APIUser {
  return {
    id: u.id,
    username: u.username,
    discriminator: '0',
    global_name: u.globalName,
    avatar: null,
    ...(u.bot ? { bot: true } : {}),
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
  };
}

export function toAPIRole(r: RoleRecord): APIRole {
  return {
    id: r.id,
    name: r.name,
    color: r.color,
    colors: { primary_color: r.color, secondary_color: null, tertiary_color: null },
    hoist: r.hoist,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions.toString(),
    managed: r.managed,
    mentionable: r.mentionable,
    flags: 0 as RoleFlags,
    ...(r.botId ? { tags: { bot_id: r.botId } } : {}),
  };
}

export function toAPIMember(m: MemberRecord, user: UserRecord): APIGuildMember {
  return {
    user: toAPIUser(user),
    nick: m.nick,
    avatar: null,
    banner: null,
    roles: [...m.roles],
    joined_at: iso(m.joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

export function toAPIChannel(c: ChannelRecord): APIChannel {
  if (c.thread) {
    const t = c.thread;
    return {
      id: c.id,
      type: c.type,
      guild_id: c.guildId,
      parent_id: c.parentId,
      owner_id: t.ownerId,
      name: c.name,
      last_message_id: c.lastMessageId,
      rate_limit_per_user: c.rateLimitPerUser,
      message_count: t.messageCount,
      member_count: 1,
      total_message_sent: t.totalMessageSent,
      applied_tags: [...t.appliedTags],
      flags: c.flags,
      ...(t.members ? { member_count: Math.min(t.members.size, 50) } : {}),
      thread_metadata: {
        ...(t.invitable !== undefined ? { invitable: t.invitable } : {}),
        archived: t.archived,
        auto_archive_duration: t.autoArchiveDuration,
        archive_timestamp: iso(t.archiveTimestamp),
        locked: t.locked,
        create_timestamp: iso(t.createTimestamp),
      },
    } as APIChannel;
  }
  const base = {
    id: c.id,
    type: c.type,
    guild_id: c.guildId,
    name: c.name,
    position: c.position,
    parent_id: c.parentId,
    topic: c.topic,
    nsfw: c.nsfw,
    rate_limit_per_user: c.rateLimitPerUser,
    permission_overwrites: c.permissionOverwrites.map((o) => ({ ...o })),
    last_message_id: c.lastMessageId,
    flags: c.flags,
  };
  if (c.type === ChannelType.GuildForum || c.type === ChannelType.GuildMedia) {
    return {
      ...base,
      available_tags: c.availableTags.map((t) => ({ ...t })),
      default_reaction_emoji: null,
      default_thread_rate_limit_per_user: 0,
      default_sort_order: null,
      default_forum_layout: 0,
      default_auto_archive_duration: 4320,
    } as APIChannel;
  }
  return base as APIChannel;
}
