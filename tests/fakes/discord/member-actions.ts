import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIEmbed, APIGuildForumTag } from 'discord-api-types/v10';
import { deleteChannel, editChannel, startThread } from './channels.js';
import type { AttachmentUpload } from './command-options.js';
import { missingAccess } from './errors.js';
import { parseMessageBody, type UploadedFile } from './message-input.js';
import { deleteMessage, editMessage, sendMessage, visibleMessages } from './messages.js';
import { channelView, messageView, type ChannelView, type MessageView } from './views.js';
import type { World } from './world.js';

/**
 * What simulated members do, turned into the request body their Discord client would send and passed through
 * the same rule checks as the bot's REST calls (channels.ts, messages.ts): a refused action throws DiscordHttpError.
 */

export interface PostAsUserInput {
  channelId: string;
  userId: string;
  content?: string;
  attachments?: AttachmentUpload[];
  stickers?: string[];
  embeds?: APIEmbed[];
  replyTo?: string;
}

export interface ForumPostInput {
  forumId: string;
  userId: string;
  title: string;
  content: string;
  /** Tags by id or name. */
  tags?: string[];
  attachments?: AttachmentUpload[];
}

export interface LateForumPostInput {
  forumId: string;
  userId: string;
  title: string;
  content: string;
  starterDelayMs: number;
}

export interface EditThreadInput {
  threadId: string;
  userId: string;
  name?: string;
  archived?: boolean;
  locked?: boolean;
  appliedTags?: string[];
}

export interface EditChannelInput {
  channelId: string;
  userId: string;
  name?: string;
  topic?: string;
  availableTags?: Partial<APIGuildForumTag>[];
  /** Channel flags, e.g. 16 (REQUIRE_TAG): the forum setting "Require people to select tags when posting". */
  flags?: number;
}

const toUploads = (files: AttachmentUpload[] = []): UploadedFile[] =>
  files.map((f, i) => ({
    field: `files[${i}]`,
    filename: f.filename,
    contentType: f.contentType ?? 'application/octet-stream',
    data: Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data),
  }));

export function postAsUser(world: World, input: PostAsUserInput): MessageView {
  const body = {
    ...(input.content !== undefined ? { content: input.content } : {}),
    ...(input.embeds ? { embeds: input.embeds } : {}),
    ...(input.stickers ? { sticker_ids: input.stickers } : {}),
    ...(input.replyTo ? { message_reference: { message_id: input.replyTo } } : {}),
  };
  const m = sendMessage(world, input.userId, world.channel(input.channelId), parseMessageBody(body, toUploads(input.attachments)));
  return messageView(world, m);
}

export function createForumPostAsUser(world: World, input: ForumPostInput): { thread: ChannelView; message: MessageView } {
  const forum = world.channel(input.forumId);
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
  const { thread, message } = startThread(world, input.userId, forum, body, files);
  return { thread: channelView(world, thread), message: messageView(world, message!) };
}

/** The starter message is posted `starterDelayMs` after THREAD_CREATE, as when the member's client is still uploading it. */
export function createForumPostAsUserLater(world: World, input: LateForumPostInput): { thread: ChannelView; starter: Promise<MessageView> } {
  const forum = world.channel(input.forumId);
  const body = { name: input.title, message: { content: input.content } };
  const { thread, sendStarter } = startThread(world, input.userId, forum, body, [], { deferStarter: true });
  const starter = new Promise<MessageView>((resolve) => setTimeout(() => resolve(messageView(world, sendStarter!())), input.starterDelayMs));
  return { thread: channelView(world, thread), starter };
}

export function editAsUser(world: World, input: { messageId: string; userId: string; content: string }): MessageView {
  const m = world.messages.get(input.messageId);
  if (!m || m.deleted) throw new Error(`message ${input.messageId} does not exist`);
  return messageView(world, editMessage(world, input.userId, m, parseMessageBody({ content: input.content }, [])));
}

/** Deletes a message as `byUserId` (default: its author). */
export function deleteMessageAsUser(world: World, messageId: string, byUserId?: string): void {
  const m = world.messages.get(messageId);
  if (!m || m.deleted) throw new Error(`message ${messageId} does not exist`);
  deleteMessage(world, byUserId ?? m.authorId, m);
}

export function editThreadAsUser(world: World, input: EditThreadInput): ChannelView {
  const body = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.archived !== undefined ? { archived: input.archived } : {}),
    ...(input.locked !== undefined ? { locked: input.locked } : {}),
    ...(input.appliedTags !== undefined ? { applied_tags: input.appliedTags } : {}),
  };
  return channelView(world, editChannel(world, input.userId, world.channel(input.threadId), body));
}

export function editChannelAsUser(world: World, input: EditChannelInput): ChannelView {
  const body = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.topic !== undefined ? { topic: input.topic } : {}),
    ...(input.availableTags !== undefined ? { available_tags: input.availableTags } : {}),
    ...(input.flags !== undefined ? { flags: input.flags } : {}),
  };
  return channelView(world, editChannel(world, input.userId, world.channel(input.channelId), body));
}

/** A moderator deletes a channel or a thread (a forum post) in their Discord client: the same rules as DELETE /channels/{id} (channels.ts). */
export function deleteChannelAsUser(world: World, input: { channelId: string; userId: string }): void {
  deleteChannel(world, input.userId, world.channel(input.channelId));
}

/** GET /channels/{id}/messages as a member: newest first; 403 50001 without View Channel, nothing without Read Message History. */
export function readMessagesAsUser(world: World, channelId: string, userId: string): MessageView[] {
  const channel = world.channel(channelId);
  if (!world.can(channel, userId, PermissionFlagsBits.ViewChannel)) throw missingAccess();
  if (!world.can(channel, userId, PermissionFlagsBits.ReadMessageHistory)) return [];
  return visibleMessages(world, channelId)
    .map((m) => messageView(world, m))
    .reverse();
}
