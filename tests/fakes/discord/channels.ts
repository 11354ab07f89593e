import { ChannelFlags, ChannelType, GatewayIntentBits, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIGuildForumTag } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, FormErrors, missingAccess, missingPermissions } from './errors.js';
import { parseMessageBody, type MessageInput, type UploadedFile } from './message-input.js';
import { sendMessage } from './messages.js';
import { initPrivateThread } from './private-threads.js';
import { isForum, isThread, toAPIChannel, type ChannelRecord, type MessageRecord } from './model.js';
import { touchThread } from './thread-activity.js';
import type { World } from './world.js';

const ARCHIVE_DURATIONS = [60, 1440, 4320, 10080];
const MAX_ACTIVE_THREADS = 1000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkAppliedTags(world: World, actorId: string, forum: ChannelRecord, tags: unknown, errors: FormErrors): string[] | undefined {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags)) {
    errors.add(['applied_tags'], 'BASE_TYPE_LIST', 'Must be an array.');
    return undefined;
  }
  const ids = tags.map(String);
  errors.maxLength(['applied_tags'], ids, 5);
  ids.forEach((id, i) => {
    const tag = forum.availableTags.find((t) => t.id === id);
    if (!tag) errors.add(['applied_tags', i], 'BASE_TYPE_CHOICES', `Value must be one of the channel's available tags.`);
    else if (tag.moderated && !world.can(forum, actorId, PermissionFlagsBits.ManageThreads)) throw missingPermissions();
  });
  return ids;
}

export interface StartedThread {
  thread: ChannelRecord;
  message?: MessageRecord;
  /** With `deferStarter`: posts the starter message later. */
  sendStarter?: () => MessageRecord;
}

/**
 * POST /channels/{id}/threads. In a forum it is a post: `name` plus a starter `message` (THREAD_CREATE,
 * then MESSAGE_CREATE for the starter, which shares the thread's id). In a text channel, a bare thread.
 */
export function startThread(
  world: World,
  actorId: string,
  parent: ChannelRecord,
  raw: unknown,
  files: UploadedFile[],
  opts: { deferStarter?: boolean } = {},
): StartedThread {
  const body = isObject(raw) ? raw : {};
  const errors = new FormErrors();
  const forum = isForum(parent);
  if (!forum && parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement) {
    throw new DiscordHttpError(400, ErrorCode.CannotSendInNonText, 'Cannot send messages in a non-text channel');
  }
  const perms = world.permissionsIn(parent, actorId);
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) throw missingAccess();
  // Private threads only in text channels, with their own permission bit (private-threads.ts cites the docs).
  const wantsPrivate = !forum && body.type === ChannelType.PrivateThread;
  if (wantsPrivate && parent.type !== ChannelType.GuildText) throw new DiscordHttpError(400, ErrorCode.CannotExecuteOnChannelType, 'Cannot execute action on this channel type');
  const needed = forum ? PermissionFlagsBits.SendMessages : wantsPrivate ? PermissionFlagsBits.CreatePrivateThreads : PermissionFlagsBits.CreatePublicThreads;
  if ((perms & needed) === 0n) throw missingPermissions();

  const name = typeof body.name === 'string' ? body.name : undefined;
  if (errors.required(['name'], name)) errors.lengthBetween(['name'], name, 1, 100);
  const duration = body.auto_archive_duration;
  if (duration !== undefined && !ARCHIVE_DURATIONS.includes(Number(duration))) {
    errors.add(['auto_archive_duration'], 'BASE_TYPE_CHOICES', 'Value must be one of {60, 1440, 4320, 10080}.');
  }
  const appliedTags = forum ? checkAppliedTags(world, actorId, parent, body.applied_tags, errors) : undefined;
  let message: MessageInput | undefined;
  if (forum) {
    if (errors.required(['message'], body.message)) {
      try {
        message = parseMessageBody(body.message, files, ['message']);
      } catch (e) {
        if (e instanceof DiscordHttpError && e.errors) for (const [k, v] of Object.entries(e.errors)) errors.list.push(...flatten([k], v));
        else throw e;
      }
    }
  }
  errors.throwIfAny();
  if (forum && (parent.flags & ChannelFlags.RequireTag) !== 0 && !appliedTags?.length) {
    throw new DiscordHttpError(400, 40067, 'A tag is required to create a forum post in this channel');
  }
  if (world.activeThreads(parent.guildId).length >= MAX_ACTIVE_THREADS) {
    throw new DiscordHttpError(400, ErrorCode.MaxActiveThreads, 'Maximum number of active threads reached');
  }
  const now = Date.now();
  const thread: ChannelRecord = {
    id: world.ids.next(),
    guildId: parent.guildId,
    type: wantsPrivate ? ChannelType.PrivateThread : ChannelType.PublicThread,
    name: name!,
    position: 0,
    parentId: parent.id,
    topic: null,
    nsfw: false,
    rateLimitPerUser: typeof body.rate_limit_per_user === 'number' ? body.rate_limit_per_user : 0,
    availableTags: [],
    flags: 0,
    permissionOverwrites: [],
    lastMessageId: null,
    thread: {
      ownerId: actorId,
      archived: false,
      locked: false,
      autoArchiveDuration: Number(duration ?? 4320),
      archiveTimestamp: now,
      createTimestamp: now,
      lastActivityAt: now,
      appliedTags: appliedTags ?? [],
      messageCount: 0,
      totalMessageSent: 0,
    },
    deleted: false,
  };
  if (message && (message.content ?? '').trim() === '' && !message.embeds?.length && !message.components?.length && !message.newAttachments.length && !message.stickerIds?.length) {
    throw new DiscordHttpError(400, ErrorCode.EmptyMessage, 'Cannot send an empty message');
  }
  if (wantsPrivate) initPrivateThread(thread, actorId, body.invitable);
  world.channels.set(thread.id, thread);
  world.dispatch('THREAD_CREATE', { ...toAPIChannel(thread), newly_created: true }, { intent: GatewayIntentBits.Guilds });
  parent.lastMessageId = thread.id;
  const send = (input: MessageInput) => {
    delete thread.thread!.awaitingStarter;
    return sendMessage(world, actorId, thread, input, { id: thread.id, skipPermissionCheck: true });
  };
  if (message && opts.deferStarter) {
    // A member's client may create the post before its first message arrives (an upload, a slow
    // network): THREAD_CREATE comes first, and until the starter arrives nobody else may post
    // (40058; discord/discord-api-docs#6340, Pycord#1637, discord.js#8788).
    thread.thread!.awaitingStarter = true;
    world.changed();
    return { thread, sendStarter: () => send(message!) };
  }
  const starter = message ? send(message) : undefined;
  world.changed();
  return starter ? { thread, message: starter } : { thread };
}

function flatten(path: string[], node: unknown): { path: string[]; code: string; message: string }[] {
  if (!isObject(node)) return [];
  const out: { path: string[]; code: string; message: string }[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (k === '_errors' && Array.isArray(v)) for (const e of v as { code: string; message: string }[]) out.push({ path, ...e });
    else out.push(...flatten([...path, k], v));
  }
  return out;
}

/** PATCH /channels/{id}: thread edits (name, archived, locked, applied_tags) or forum/text edits (name, topic, available_tags). */
export function editChannel(world: World, actorId: string, channel: ChannelRecord, raw: unknown): ChannelRecord {
  const body = isObject(raw) ? raw : {};
  return isThread(channel) ? editThread(world, actorId, channel, body) : editGuildChannel(world, actorId, channel, body);
}

function editThread(world: World, actorId: string, channel: ChannelRecord, body: Record<string, unknown>): ChannelRecord {
  const t = channel.thread!;
  const parent = world.parentOf(channel);
  const moderator = world.can(channel, actorId, PermissionFlagsBits.ManageThreads);
  const isOwner = t.ownerId === actorId;
  if (!world.can(channel, actorId, PermissionFlagsBits.ViewChannel)) throw missingAccess();
  // "When setting archived to false, when locked is also false, only the SEND_MESSAGES permission is required.
  // Otherwise, requires the MANAGE_THREADS permission" (discord-api-docs developers/resources/channel.mdx, Modify
  // Channel, thread): anyone who may write in the thread may reopen it (as a message would); Send Messages in Threads
  // is the send permission inside a thread, as in unarchiveForInteraction (thread-activity.ts).
  const onlyUnarchives = body.archived === false && !t.locked && Object.keys(body).every((k) => k === 'archived');
  const mayUnarchive = onlyUnarchives && world.can(channel, actorId, PermissionFlagsBits.SendMessagesInThreads);
  if (!moderator && !isOwner && !mayUnarchive) throw missingPermissions();
  // An archived thread must be unarchived (in the same request) before anything else changes.
  const otherFields = Object.keys(body).filter((k) => k !== 'archived');
  if (t.archived && body.archived !== false && otherFields.length > 0) {
    throw new DiscordHttpError(400, ErrorCode.ArchivedThread, 'Thread is archived');
  }
  if (t.locked && body.archived === false && !moderator) throw missingPermissions();
  // "Editing a thread to change rate_limit_per_user or locked requires MANAGE_THREADS", even for its
  // creator (discord-api-docs developers/topics/threads.mdx, permissions list; channel.mdx, Modify Channel).
  const changesLock = typeof body.locked === 'boolean' && body.locked !== t.locked;
  const changesSlowmode = typeof body.rate_limit_per_user === 'number' && body.rate_limit_per_user !== channel.rateLimitPerUser;
  if ((changesLock || changesSlowmode) && !moderator) throw missingPermissions();
  const errors = new FormErrors();
  if (body.name !== undefined) {
    if (typeof body.name !== 'string') errors.add(['name'], 'BASE_TYPE_STRING', 'Could not interpret value as string.');
    else errors.lengthBetween(['name'], body.name, 1, 100);
  }
  if (body.auto_archive_duration !== undefined && !ARCHIVE_DURATIONS.includes(Number(body.auto_archive_duration))) {
    errors.add(['auto_archive_duration'], 'BASE_TYPE_CHOICES', 'Value must be one of {60, 1440, 4320, 10080}.');
  }
  const tags = parent && isForum(parent) ? checkAppliedTags(world, actorId, parent, body.applied_tags, errors) : undefined;
  errors.throwIfAny();

  if (typeof body.name === 'string') channel.name = body.name;
  if (tags) t.appliedTags = tags;
  if (body.auto_archive_duration !== undefined) {
    t.autoArchiveDuration = Number(body.auto_archive_duration);
    touchThread(channel); // changing the auto-archive time is activity (threads.mdx)
  }
  if (typeof body.rate_limit_per_user === 'number') channel.rateLimitPerUser = body.rate_limit_per_user;
  if (typeof body.locked === 'boolean') t.locked = body.locked;
  if (typeof body.archived === 'boolean' && body.archived !== t.archived) {
    t.archived = body.archived;
    t.archiveTimestamp = Date.now();
    if (!body.archived) touchThread(channel);
  }
  world.dispatch('THREAD_UPDATE', toAPIChannel(channel), { intent: GatewayIntentBits.Guilds });
  world.changed();
  return channel;
}

function editGuildChannel(world: World, actorId: string, channel: ChannelRecord, body: Record<string, unknown>): ChannelRecord {
  if (!world.can(channel, actorId, PermissionFlagsBits.ViewChannel)) throw missingAccess();
  if (!world.can(channel, actorId, PermissionFlagsBits.ManageChannels)) throw missingPermissions();
  const errors = new FormErrors();
  if (body.name !== undefined) errors.lengthBetween(['name'], typeof body.name === 'string' ? body.name : '', 1, 100);
  if (typeof body.topic === 'string') errors.maxLength(['topic'], body.topic, isForum(channel) ? 4096 : 1024);
  let tags: APIGuildForumTag[] | undefined;
  if (body.available_tags !== undefined) {
    if (!isForum(channel) || !Array.isArray(body.available_tags)) {
      errors.add(['available_tags'], 'BASE_TYPE_LIST', 'Must be an array.');
    } else {
      errors.maxLength(['available_tags'], body.available_tags, 20);
      tags = body.available_tags.map((raw, i) => {
        const t = isObject(raw) ? raw : {};
        const name = typeof t.name === 'string' ? t.name : '';
        errors.lengthBetween(['available_tags', i, 'name'], name, 1, 20);
        const known = typeof t.id === 'string' && channel.availableTags.some((x) => x.id === t.id);
        return world.newTag({ ...(t as Partial<APIGuildForumTag>), name }, known);
      });
      const names = tags.map((t) => t.name.toLowerCase());
      if (new Set(names).size !== names.length) errors.add(['available_tags'], 'TAG_NAMES_NOT_UNIQUE', 'Tag names must be unique');
    }
  }
  errors.throwIfAny();
  if (typeof body.name === 'string') channel.name = body.name;
  if (typeof body.topic === 'string' || body.topic === null) channel.topic = body.topic as string | null;
  if (typeof body.flags === 'number') channel.flags = body.flags;
  if (tags) channel.availableTags = tags;
  world.dispatch('CHANNEL_UPDATE', toAPIChannel(channel), { intent: GatewayIntentBits.Guilds });
  world.changed();
  return channel;
}

/**
 * DELETE /channels/{id} by `actorId` (resources/channel.mdx, Delete/Close Channel: Manage Channels, or Manage
 * Threads for a thread; THREAD_DELETE for a thread, CHANNEL_DELETE otherwise). THREAD_DELETE carries only `id`,
 * `guild_id`, `parent_id` and `type` (events/gateway-events.mdx, Thread Delete). A deleted forum or text channel
 * takes its threads with it, and Discord sends no THREAD_DELETE for them: only the parent's CHANNEL_DELETE
 * (discordjs/discord.js#10883, "THREAD_DELETE is not sent when you delete parent channels"; Javacord/Javacord#1028;
 * Rapptz/discord.py#9796). Everything deleted answers 404 10003 Unknown Channel from then on.
 */
export function deleteChannel(world: World, actorId: string, channel: ChannelRecord): void {
  const permission = isThread(channel) ? PermissionFlagsBits.ManageThreads : PermissionFlagsBits.ManageChannels;
  if (!world.can(channel, actorId, permission)) throw missingPermissions();
  channel.deleted = true;
  if (!isThread(channel)) {
    for (const child of world.channels.values()) if (child.parentId === channel.id && isThread(child)) child.deleted = true;
  }
  if (isThread(channel)) {
    world.dispatch(
      'THREAD_DELETE',
      { id: channel.id, guild_id: channel.guildId, parent_id: channel.parentId, type: channel.type },
      { intent: GatewayIntentBits.Guilds },
    );
  } else {
    world.dispatch('CHANNEL_DELETE', toAPIChannel(channel), { intent: GatewayIntentBits.Guilds });
  }
  world.changed();
}
