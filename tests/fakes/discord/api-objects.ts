import type { APIMessage } from 'discord-api-types/v10';
import { iso, isThread, toAPIChannel, toAPIMember, toAPIRole, toAPIUser, type AttachmentRecord, type GuildRecord, type MessageRecord } from './model.js';
import type { World } from './world.js';

/**
 * The API objects built from several records of the world: a guild as GUILD_CREATE carries it (its channels,
 * threads and members), a message with its mentions, referenced message and author's member.
 * Single records become API shapes in model.ts.
 */

export function apiGuildCreate(world: World, guild: GuildRecord, allMembers: boolean) {
  const channels = [...world.channels.values()].filter((c) => c.guildId === guild.id && !c.deleted);
  const members = [...guild.members.values()].filter((m) => allMembers || m.userId === world.botUserId);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [...guild.roles.values()].map(toAPIRole),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    incidents_data: null,
    hub_type: null,
    // GUILD_CREATE-only fields
    joined_at: iso(guild.members.get(world.botUserId)?.joinedAt ?? Date.now()),
    large: guild.members.size > 250,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: members.map((m) => toAPIMember(m, world.user(m.userId))),
    channels: channels.filter((c) => !isThread(c)).map(toAPIChannel),
    threads: channels.filter((c) => isThread(c) && !c.thread!.archived).map(toAPIChannel),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function apiAttachment(a: AttachmentRecord) {
  return {
    id: a.id,
    filename: a.filename,
    ...(a.description ? { description: a.description } : {}),
    content_type: a.contentType,
    size: a.size,
    url: a.url,
    proxy_url: a.url,
  };
}

/** A partial member (no `user`) as Discord attaches to message authors and mentions in guilds. */
function partialMember(world: World, guildId: string, userId: string) {
  const member = world.guilds.get(guildId)?.members.get(userId);
  if (!member) return undefined;
  const { user: _user, ...rest } = toAPIMember(member, world.user(userId));
  return rest;
}

export function apiMessage(world: World, m: MessageRecord, withGuildFields = false): APIMessage & Record<string, unknown> {
  const author = world.user(m.authorId);
  const referenced = m.reference?.message_id ? world.messages.get(m.reference.message_id) : undefined;
  const msg: APIMessage & Record<string, unknown> = {
    id: m.id,
    type: m.type,
    channel_id: m.channelId,
    author: toAPIUser(author),
    content: m.content,
    timestamp: iso(m.createdAt),
    edited_timestamp: m.editedAt === null ? null : iso(m.editedAt),
    tts: m.tts,
    mention_everyone: m.mentions.everyone,
    mentions: m.mentions.users.map((id) => ({
      ...toAPIUser(world.user(id)),
      ...(withGuildFields && partialMember(world, m.guildId, id) ? { member: partialMember(world, m.guildId, id) } : {}),
    })),
    mention_roles: [...m.mentions.roles],
    attachments: m.attachments.map((a) => apiAttachment(a)),
    embeds: m.embeds,
    components: m.components as APIMessage['components'] & [],
    pinned: m.pinned ?? false,
    flags: m.flags,
    ...(m.stickerItems.length ? { sticker_items: m.stickerItems } : {}),
    ...(m.nonce !== undefined ? { nonce: m.nonce } : {}),
    ...(m.webhookId ? { webhook_id: m.webhookId } : {}),
    ...(m.applicationId ? { application_id: m.applicationId } : {}),
    ...(m.reference ? { message_reference: { type: 0, ...m.reference } } : {}),
    ...(referenced && !referenced.deleted ? { referenced_message: apiMessage(world, referenced) } : {}),
  };
  if (m.interaction) {
    const user = toAPIUser(world.user(m.interaction.userId));
    msg.interaction_metadata = {
      id: m.interaction.id,
      type: m.interaction.type,
      user,
      authorizing_integration_owners: { 0: m.guildId },
      // "present only on follow-up messages" (discord-api-docs resources/message.mdx, Message Interaction Metadata).
      ...(m.interaction.originalResponseMessageId ? { original_response_message_id: m.interaction.originalResponseMessageId } : {}),
    } as never;
    msg.interaction = { id: m.interaction.id, type: m.interaction.type, name: m.interaction.name, user } as never;
  }
  if (withGuildFields) {
    msg.guild_id = m.guildId;
    const member = partialMember(world, m.guildId, m.authorId);
    if (member && !m.webhookId) msg.member = member;
  }
  return msg;
}
