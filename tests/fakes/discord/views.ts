import type { APIAllowedMentions, APIEmbed, APIGuildForumTag } from 'discord-api-types/v10';
import type { ChannelRecord, MentionSet, MessageRecord } from './model.js';
import type { World } from './world.js';

/** A message as a member of the server sees it (plus what the bot asked for in allowed_mentions). */
export interface MessageView {
  id: string;
  channelId: string;
  guildId: string;
  author: { id: string; username: string; bot: boolean };
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  attachments: { id: string; filename: string; size: number; contentType: string; url: string; data: Buffer }[];
  stickerIds: string[];
  flags: number;
  type: number;
  createdAt: number;
  editedAt: number | null;
  /** The message this one replies to. */
  replyTo?: string;
  /** As sent; undefined when the sender omitted allowed_mentions. */
  allowedMentions?: APIAllowedMentions;
  /** Who got pinged: by the message when sent and by any later edit. */
  mentionsPinged: MentionSet;
  ephemeral: boolean;
  /** Pinned in its channel (PUT /channels/{id}/messages/pins/{message}). */
  pinned: boolean;
  /** Set for interaction responses and follow-ups. */
  interactionId?: string;
  /** The `nonce` the message was created with (Create Message), as MESSAGE_CREATE carries it. */
  nonce?: string | number;
}

export interface ChannelView {
  id: string;
  guildId: string;
  type: number;
  name: string;
  parentId: string | null;
  topic: string | null;
  flags: number;
  availableTags: APIGuildForumTag[];
  /** Threads only. */
  ownerId?: string;
  appliedTags: string[];
  /** Names of the applied tags, looked up in the parent forum. */
  appliedTagNames: string[];
  archived: boolean;
  /** A thread's auto_archive_duration in minutes; null for other channels. */
  autoArchiveDuration: number | null;
  locked: boolean;
  messageCount: number;
}

export function messageView(world: World, m: MessageRecord): MessageView {
  const author = world.user(m.authorId);
  return {
    id: m.id,
    channelId: m.channelId,
    guildId: m.guildId,
    author: { id: author.id, username: author.username, bot: author.bot },
    content: m.content,
    embeds: m.embeds,
    components: m.components,
    attachments: m.attachments.map((a) => ({ id: a.id, filename: a.filename, size: a.size, contentType: a.contentType, url: a.url, data: a.data })),
    stickerIds: m.stickerItems.map((s) => s.id),
    flags: m.flags,
    pinned: m.pinned ?? false,
    type: m.type,
    createdAt: m.createdAt,
    editedAt: m.editedAt,
    ...(m.reference?.message_id ? { replyTo: m.reference.message_id } : {}),
    ...(m.allowedMentions ? { allowedMentions: m.allowedMentions } : {}),
    mentionsPinged: m.pinged,
    ephemeral: m.ephemeralTo !== undefined,
    ...(m.interaction ? { interactionId: m.interaction.id } : {}),
    ...(m.nonce !== undefined ? { nonce: m.nonce } : {}),
  };
}

export function channelView(world: World, c: ChannelRecord): ChannelView {
  const parent = world.parentOf(c);
  const applied = c.thread?.appliedTags ?? [];
  return {
    id: c.id,
    guildId: c.guildId,
    type: c.type,
    name: c.name,
    parentId: c.parentId,
    topic: c.topic,
    flags: c.flags,
    availableTags: c.availableTags.map((t) => ({ ...t })),
    ...(c.thread ? { ownerId: c.thread.ownerId } : {}),
    appliedTags: [...applied],
    appliedTagNames: applied.map((id) => parent?.availableTags.find((t) => t.id === id)?.name ?? `?${id}`),
    archived: c.thread?.archived ?? false,
    autoArchiveDuration: c.thread?.autoArchiveDuration ?? null,
    locked: c.thread?.locked ?? false,
    messageCount: c.thread?.messageCount ?? 0,
  };
}
