import { ChannelType, GatewayIntentBits, MessageFlags, MessageType, PermissionFlagsBits } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, invalidFormBody, missingAccess, missingPermissions } from './errors.js';
import { computeMentions, mergeMentions } from './mentions.js';
import type { MessageInput, NewAttachment } from './message-input.js';
import { isThread, toAPIChannel, type AttachmentRecord, type ChannelRecord, type InteractionLink, type MessageRecord } from './model.js';
import { checkInteractionResponse, touchThread } from './thread-activity.js';
import type { World } from './world.js';
import { apiMessage } from './api-objects.js';

export interface SendOptions {
  type?: number;
  /** Forum starter messages share the thread's id. */
  id?: string;
  webhookId?: string;
  interaction?: InteractionLink;
  ephemeralTo?: string;
  /** A deferred interaction's "thinking…" placeholder. */
  loading?: boolean;
  /** Interaction responses are webhook messages: channel send permissions do not apply, thread locks do. */
  asInteractionResponse?: boolean;
  /** For an interaction response: the member who interacted, whose permissions a locked thread checks. */
  respondingTo?: string;
  /** The forum starter message is covered by the post's own permission check. */
  skipPermissionCheck?: boolean;
}

const SENDABLE = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
  ChannelType.GuildVoice,
]);

const archivedThread = (status = 400) => new DiscordHttpError(status, ErrorCode.ArchivedThread, 'Thread is archived');

/**
 * Gate for writing into a thread, as Discord applies it: a locked thread refuses anyone without
 * Manage Threads; an archived (unlocked) thread is unarchived by the new message.
 */
export function openThreadForWriting(world: World, actorId: string, channel: ChannelRecord, respondingTo: string | undefined): void {
  const t = channel.thread;
  if (!t) return;
  // An interaction response is judged by the member who interacted, not the bot (thread-activity.ts).
  if (respondingTo !== undefined) checkInteractionResponse(world, channel, respondingTo);
  else if (t.locked && !world.can(channel, actorId, PermissionFlagsBits.ManageThreads)) {
    if (t.archived) throw archivedThread(403);
    throw new DiscordHttpError(403, ErrorCode.ThreadLocked, 'Thread is locked');
  }
  if (t.archived) {
    t.archived = false;
    t.archiveTimestamp = Date.now();
    // Before the message's MESSAGE_CREATE, unless a test holds it for later (the order is undocumented: late-unarchive.ts).
    const update = toAPIChannel(channel);
    world.lateUnarchives.dispatch(channel.id, () => world.dispatch('THREAD_UPDATE', update, { intent: GatewayIntentBits.Guilds }));
  }
  touchThread(channel);
}

function checkCanSend(world: World, actorId: string, channel: ChannelRecord, input: MessageInput): void {
  const perms = world.permissionsIn(channel, actorId);
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) throw missingAccess();
  const send = isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  if ((perms & send) === 0n) throw missingPermissions();
  if (input.newAttachments.length > 0 && (perms & PermissionFlagsBits.AttachFiles) === 0n) throw missingPermissions();
}

function isEmpty(m: Pick<MessageRecord, 'content' | 'embeds' | 'components' | 'attachments' | 'stickerItems'>): boolean {
  return m.content.trim() === '' && m.embeds.length === 0 && m.components.length === 0 && m.attachments.length === 0 && m.stickerItems.length === 0;
}

const emptyMessage = () => new DiscordHttpError(400, ErrorCode.EmptyMessage, 'Cannot send an empty message');

function storeAttachments(world: World, channelId: string, files: NewAttachment[]): AttachmentRecord[] {
  return files.map((f) => {
    const id = world.ids.next();
    const a: AttachmentRecord = {
      id,
      filename: f.filename,
      ...(f.description ? { description: f.description } : {}),
      contentType: f.contentType,
      size: f.data.length,
      url: `${world.baseUrl()}/attachments/${channelId}/${id}/${encodeURIComponent(f.filename)}`,
      data: f.data,
    };
    world.attachments.set(id, a);
    return a;
  });
}

function mentionsFor(world: World, m: MessageRecord) {
  if (m.ephemeralTo) return { everyone: false, users: [], roles: [] };
  const guild = world.guild(m.guildId);
  const channel = world.channel(m.channelId);
  const replied = m.reference?.message_id ? world.messages.get(m.reference.message_id) : undefined;
  return computeMentions({
    content: m.content,
    allowedMentions: m.allowedMentions,
    canMentionEveryone: world.can(channel, m.authorId, PermissionFlagsBits.MentionEveryone),
    isMentionableRole: (id) => guild.roles.get(id)?.mentionable ?? false,
    isMember: (id) => guild.members.has(id),
    ...(replied && replied.authorId !== m.authorId ? { repliedUserId: replied.authorId } : {}),
  });
}

/** A message is gated by the Message Content intent unless the bot wrote it or it mentions the bot. */
export function isContentGated(world: World, m: MessageRecord): boolean {
  if (m.authorId === world.botUserId) return false;
  return !new RegExp(`<@!?${world.botUserId}>`).test(m.content);
}

export function dispatchMessage(world: World, event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', m: MessageRecord): void {
  if (m.ephemeralTo) return;
  world.dispatch(event, apiMessage(world, m, true), {
    intent: GatewayIntentBits.GuildMessages,
    contentGated: isContentGated(world, m),
  });
}

/** Creates a message as `actorId` would on Discord, enforcing its rules, and dispatches MESSAGE_CREATE. */
export function sendMessage(world: World, actorId: string, channel: ChannelRecord, input: MessageInput, opts: SendOptions = {}): MessageRecord {
  if (!SENDABLE.has(channel.type)) {
    throw new DiscordHttpError(400, ErrorCode.CannotSendInNonText, 'Cannot send messages in a non-text channel');
  }
  if (!opts.asInteractionResponse && !opts.skipPermissionCheck) checkCanSend(world, actorId, channel, input);
  if (channel.thread?.awaitingStarter && opts.id !== channel.id) {
    throw new DiscordHttpError(400, 40058, 'Cannot message this thread until after the post author has sent an initial message');
  }
  const reference = input.messageReference;
  if (reference?.message_id) {
    const target = world.messages.get(reference.message_id);
    if ((!target || target.deleted || target.channelId !== channel.id) && reference.fail_if_not_exists !== false) {
      throw invalidFormBody([{ path: ['message_reference'], code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
    }
  }
  const m: MessageRecord = {
    id: opts.id ?? world.ids.next(),
    channelId: channel.id,
    guildId: channel.guildId,
    authorId: actorId,
    type: opts.type ?? (reference ? MessageType.Reply : MessageType.Default),
    content: input.content ?? '',
    embeds: input.embeds ?? [],
    components: input.components ?? [],
    attachments: [],
    stickerItems: (input.stickerIds ?? []).map((id) => ({ id, name: 'sticker', format_type: 1 })),
    flags: (input.flags ?? 0) & ~(opts.ephemeralTo ? 0 : MessageFlags.Ephemeral),
    tts: input.tts ?? false,
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
    createdAt: Date.now(),
    editedAt: null,
    ...(input.allowedMentions ? { allowedMentions: input.allowedMentions } : {}),
    mentions: { everyone: false, users: [], roles: [] },
    pinged: { everyone: false, users: [], roles: [] },
    ...(reference?.message_id ? { reference: { message_id: reference.message_id, channel_id: channel.id, guild_id: channel.guildId } } : {}),
    ...(opts.webhookId ? { webhookId: opts.webhookId, applicationId: opts.webhookId } : {}),
    ...(opts.interaction ? { interaction: opts.interaction } : {}),
    ...(opts.ephemeralTo ? { ephemeralTo: opts.ephemeralTo } : {}),
    deleted: false,
  };
  if (opts.loading) m.flags |= MessageFlags.Loading;
  if (opts.ephemeralTo) m.flags |= MessageFlags.Ephemeral;
  if (!opts.loading && isEmpty({ ...m, attachments: input.newAttachments as never[] })) throw emptyMessage();
  if (!opts.ephemeralTo) openThreadForWriting(world, actorId, channel, opts.respondingTo);
  else if (opts.respondingTo !== undefined) checkInteractionResponse(world, channel, opts.respondingTo);

  m.attachments = storeAttachments(world, channel.id, input.newAttachments);
  m.mentions = mentionsFor(world, m);
  m.pinged = m.mentions;
  world.messages.set(m.id, m);
  if (!opts.ephemeralTo) {
    channel.lastMessageId = m.id;
    if (channel.thread) {
      if (m.id !== channel.id) channel.thread.messageCount += 1;
      channel.thread.totalMessageSent += 1;
    }
  }
  dispatchMessage(world, 'MESSAGE_CREATE', m);
  world.changed();
  return m;
}

/**
 * Create Message (`POST /channels/{id}/messages`): with `enforce_nonce` and a nonce this author used within the past few
 * minutes, the message created then is returned and nothing is created or dispatched (message-nonces.ts).
 */
export function createMessage(world: World, actorId: string, channel: ChannelRecord, input: MessageInput): MessageRecord {
  return world.nonces.createOnce(actorId, input, (id) => world.messages.get(id), () => sendMessage(world, actorId, channel, input));
}

/**
 * Edits `m` as `actorId`: only its author may, never in an archived thread, and in a locked one only with Manage
 * Threads ("Users won't be able to create or update messages in locked threads … If a user or bot user has the
 * MANAGE_THREADS permission, they will still be able to make changes to the thread and messages": discord-api-docs
 * developers/topics/threads.mdx, Locked Threads; 160005 "This thread is locked": topics/opcodes-and-status-codes.mdx).
 * An interaction's webhook edits (`viaInteraction`) are judged where the interaction is answered (thread-activity.ts).
 * Dispatches MESSAGE_UPDATE.
 */
export function editMessage(world: World, actorId: string, m: MessageRecord, input: MessageInput, opts: { viaInteraction?: boolean } = {}): MessageRecord {
  if (m.authorId !== actorId) {
    throw new DiscordHttpError(403, ErrorCode.CannotEditOthersMessage, 'Cannot edit a message authored by another user');
  }
  const channel = world.channel(m.channelId);
  if (!m.ephemeralTo && channel.thread?.archived) throw archivedThread();
  if (!m.ephemeralTo && !opts.viaInteraction && channel.thread?.locked && !world.can(channel, actorId, PermissionFlagsBits.ManageThreads)) {
    throw new DiscordHttpError(403, ErrorCode.ThreadLocked, 'Thread is locked');
  }

  const kept = input.keepAttachmentIds === undefined ? m.attachments : m.attachments.filter((a) => input.keepAttachmentIds!.includes(a.id));
  const next = {
    content: input.content ?? m.content,
    embeds: input.embeds ?? m.embeds,
    components: input.components ?? m.components,
    attachments: [...kept, ...(input.newAttachments as never[])],
    stickerItems: m.stickerItems,
  };
  if (isEmpty(next)) throw emptyMessage();

  const wasLoading = (m.flags & MessageFlags.Loading) !== 0;
  m.content = next.content;
  m.embeds = next.embeds;
  m.components = next.components;
  m.attachments = [...kept, ...storeAttachments(world, m.channelId, input.newAttachments)];
  if (input.flags !== undefined) {
    const keep = m.flags & (MessageFlags.Ephemeral | MessageFlags.IsComponentsV2);
    m.flags = keep | (input.flags & (MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2));
  }
  m.flags &= ~MessageFlags.Loading;
  // An edit is judged by its own allowed_mentions; omitted means Discord's default (everything).
  if (input.allowedMentions) m.allowedMentions = input.allowedMentions;
  else delete m.allowedMentions;
  if (!wasLoading) m.editedAt = Date.now();
  m.mentions = mentionsFor(world, m);
  m.pinged = mergeMentions(m.pinged, m.mentions);
  dispatchMessage(world, 'MESSAGE_UPDATE', m);
  world.changed();
  return m;
}

/**
 * Deletes `m` as `actorId` (its author, or anyone with Manage Messages); dispatches MESSAGE_DELETE. Never in an archived
 * thread (400 50083): threads.mdx says "the only operation that should happen within an archived thread is messages
 * being deleted", but Discord answers such deletes "Thread is archived" (victornpb/undiscord#399, abbydiode/UndiscordPlus#9;
 * Discord's own client unarchives the thread first, victornpb/undiscord#520), and Locked Threads allows deleting in a
 * locked thread only "if that thread is also active (or un-archived)".
 */
export function deleteMessage(world: World, actorId: string, m: MessageRecord): void {
  const channel = world.channel(m.channelId);
  if (m.authorId !== actorId && !world.can(channel, actorId, PermissionFlagsBits.ManageMessages)) throw missingPermissions();
  if (!m.ephemeralTo && channel.thread?.archived) throw archivedThread();
  m.deleted = true;
  if (!m.ephemeralTo) {
    world.dispatch('MESSAGE_DELETE', { id: m.id, channel_id: m.channelId, guild_id: m.guildId }, { intent: GatewayIntentBits.GuildMessages });
  }
  world.changed();
}

export function triggerTyping(world: World, actorId: string, channel: ChannelRecord): void {
  const perms = world.permissionsIn(channel, actorId);
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) throw missingAccess();
  const send = isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  if ((perms & send) === 0n) throw missingPermissions();
  const at = Date.now();
  world.typing.push({ channelId: channel.id, userId: actorId, at });
  world.dispatch(
    'TYPING_START',
    { channel_id: channel.id, guild_id: channel.guildId, user_id: actorId, timestamp: Math.floor(at / 1000) },
    { intent: GatewayIntentBits.GuildMessageTyping },
  );
  world.changed();
}

/** Messages a member sees in a channel, oldest first. */
export function visibleMessages(world: World, channelId: string): MessageRecord[] {
  return [...world.messages.values()].filter((m) => m.channelId === channelId && !m.deleted && !m.ephemeralTo);
}
