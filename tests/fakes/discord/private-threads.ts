/**
 * Private threads (type 12) in text channels: who is in them, who may see them, and pins.
 *
 * Every rule here is from discord/discord-api-docs:
 * - developers/topics/threads.mdx, "Public & Private Threads": private threads are always created with the
 *   GUILD_PRIVATE_THREAD type and only in GUILD_TEXT channels.
 * - threads.mdx, "Permissions": "You must be invited to the thread to be able to view or participate in it,
 *   or be a moderator (MANAGE_THREADS permission)"; CREATE_PRIVATE_THREADS is the bit that creates them.
 * - developers/resources/channel.mdx, "Start Thread without Message": `invitable`, "whether non-moderators can
 *   add other non-moderators to a thread; only available when creating a private thread".
 * - channel.mdx, "Add Thread Member": "Requires the ability to send messages in the thread. Also requires the
 *   thread is not archived. Returns a 204 empty response if the member is successfully added or was already a
 *   member of the thread. Fires a Thread Members Update Gateway event."
 * - channel.mdx, "Leave Thread" (DELETE …/thread-members/@me): "Also requires the thread is not archived."
 * - channel.mdx, "Remove Thread Member": "Requires the MANAGE_THREADS permission, or the creator of the thread
 *   if it is a PRIVATE_THREAD. Also requires the thread is not archived."
 * - channel.mdx, "List Thread Members": an array of thread member objects (`id`, `user_id`, `join_timestamp`, `flags`).
 * - message.mdx, "Pin Message": PUT /channels/{id}/messages/pins/{message.id}, "Requires the PIN_MESSAGES
 *   permission. Fires a Channel Pins Update Gateway event."; "Get Channel Pins" needs VIEW_CHANNEL and returns no
 *   pins without READ_MESSAGE_HISTORY.
 * What a reader outside the thread gets is Discord's usual answer for a channel one cannot see: 403 50001 Missing Access.
 */
import { ChannelType, GatewayIntentBits, PermissionFlagsBits } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, missingAccess, missingPermissions } from './errors.js';
import { iso, isThread, type ChannelRecord } from './model.js';
import type { RestReply, Router } from './rest-server.js';
import type { World } from './world.js';
import { apiMessage } from './api-objects.js';

const joinedAt = new WeakMap<ChannelRecord, Map<string, number>>();

export const isPrivateThread = (c: ChannelRecord): boolean => c.type === ChannelType.PrivateThread;

/** A private thread hides itself (every permission) from whoever is neither in it nor a moderator. */
export function privateThreadAccess(channel: ChannelRecord, userId: string, bits: bigint): bigint {
  if (!isPrivateThread(channel) || !channel.thread) return bits;
  if ((bits & PermissionFlagsBits.ManageThreads) !== 0n) return bits;
  return channel.thread.members?.has(userId) ? bits : 0n;
}

/** On creation: the creator is the first member; `invitable` defaults to true as on Discord. */
export function initPrivateThread(thread: ChannelRecord, creatorId: string, invitable: unknown): void {
  thread.thread!.members = new Set();
  thread.thread!.invitable = invitable === undefined ? true : Boolean(invitable);
  joinedAt.set(thread, new Map());
  addMember(thread, creatorId);
}

function addMember(thread: ChannelRecord, userId: string): boolean {
  const members = thread.thread!.members;
  if (!members || members.has(userId)) return false;
  members.add(userId);
  joinedAt.get(thread)?.set(userId, Date.now());
  return true;
}

/** A thread member object (channel.mdx, Thread Member Object) for one member of a private thread. */
export function threadMemberObject(thread: ChannelRecord, userId: string) {
  return { id: thread.id, user_id: userId, join_timestamp: iso(joinedAt.get(thread)?.get(userId) ?? Date.now()), flags: 0 };
}

function requireActiveThread(thread: ChannelRecord): void {
  if (!isThread(thread)) throw new DiscordHttpError(400, ErrorCode.CannotExecuteOnChannelType, 'Cannot execute action on this channel type');
  if (thread.thread!.archived) throw new DiscordHttpError(400, ErrorCode.ArchivedThread, 'Thread is archived');
}

/** PUT /channels/{thread}/thread-members/{user} by `actorId`. */
export function addThreadMember(world: World, actorId: string, thread: ChannelRecord, userId: string): void {
  requireActiveThread(thread);
  if (!world.can(thread, actorId, PermissionFlagsBits.ViewChannel)) throw missingAccess();
  if (!world.can(thread, actorId, PermissionFlagsBits.SendMessagesInThreads)) throw missingPermissions();
  const moderator = world.can(thread, actorId, PermissionFlagsBits.ManageThreads);
  if (isPrivateThread(thread) && thread.thread!.invitable === false && !moderator && userId !== actorId) throw missingPermissions();
  world.member(thread.guildId, userId); // 404 10007 Unknown Member for someone not in the server
  if (!thread.thread!.members) return; // public threads: membership is only notification state here
  if (addMember(thread, userId)) membersUpdate(world, thread, { added: [userId] });
}

/** DELETE /channels/{thread}/thread-members/{user} by `actorId`. */
export function removeThreadMember(world: World, actorId: string, thread: ChannelRecord, userId: string): void {
  requireActiveThread(thread);
  if (!world.can(thread, actorId, PermissionFlagsBits.ViewChannel)) throw missingAccess();
  // "Leave Thread" (the user themself) only needs the thread not archived.
  const creatorOfPrivate = isPrivateThread(thread) && thread.thread!.ownerId === actorId;
  if (userId !== actorId && !creatorOfPrivate && !world.can(thread, actorId, PermissionFlagsBits.ManageThreads)) throw missingPermissions();
  if (thread.thread!.members?.delete(userId)) membersUpdate(world, thread, { removed: [userId] });
}

/** A member who left the server leaves its private threads too (guild-membership.ts), each with THREAD_MEMBERS_UPDATE. */
export function dropFromPrivateThreads(world: World, guildId: string, userId: string): void {
  for (const thread of world.channels.values()) {
    if (thread.guildId === guildId && !thread.deleted && thread.thread?.members?.delete(userId)) membersUpdate(world, thread, { removed: [userId] });
  }
}

function membersUpdate(world: World, thread: ChannelRecord, change: { added?: string[]; removed?: string[] }): void {
  world.dispatch(
    'THREAD_MEMBERS_UPDATE',
    {
      id: thread.id,
      guild_id: thread.guildId,
      member_count: Math.min(thread.thread!.members?.size ?? 0, 50),
      ...(change.added ? { added_members: change.added.map((u) => threadMemberObject(thread, u)) } : {}),
      ...(change.removed ? { removed_member_ids: change.removed } : {}),
    },
    { intent: GatewayIntentBits.GuildMembers },
  );
  world.changed();
}

/** The user ids in a private thread (empty for other channels). */
export function threadMemberIds(thread: ChannelRecord): string[] {
  return [...(thread.thread?.members ?? [])];
}

function pin(world: World, actorId: string, channel: ChannelRecord, messageId: string, pinned: boolean): void {
  if (!world.can(channel, actorId, PermissionFlagsBits.ViewChannel)) throw missingAccess();
  if (!world.can(channel, actorId, PermissionFlagsBits.PinMessages)) throw missingPermissions();
  const message = world.message(channel.id, messageId);
  message.pinned = pinned;
  world.dispatch('CHANNEL_PINS_UPDATE', { guild_id: channel.guildId, channel_id: channel.id, last_pin_timestamp: iso(Date.now()) }, {
    intent: GatewayIntentBits.Guilds,
  });
  world.changed();
}

/** The routes of this module, for the bot (`visible` is the bot's 50001 check on the channel). */
export function registerPrivateThreadRoutes(router: Router, world: World, visible: (id: string) => ChannelRecord): void {
  const bot = () => world.botUserId;
  const noContent = (): RestReply => ({ status: 204 });
  router.add('GET', '/channels/:channelId/thread-members', (r) => {
    const thread = visible(r.params.channelId!);
    return { status: 200, body: threadMemberIds(thread).map((u) => threadMemberObject(thread, u)) };
  });
  router.add('PUT', '/channels/:channelId/thread-members/:userId', (r) => {
    const thread = visible(r.params.channelId!);
    addThreadMember(world, bot(), thread, r.params.userId === '@me' ? bot() : r.params.userId!);
    return noContent();
  });
  router.add('DELETE', '/channels/:channelId/thread-members/:userId', (r) => {
    const thread = visible(r.params.channelId!);
    removeThreadMember(world, bot(), thread, r.params.userId === '@me' ? bot() : r.params.userId!);
    return noContent();
  });
  router.add('GET', '/channels/:channelId/messages/pins', (r) => {
    const channel = visible(r.params.channelId!);
    const pinned = world.can(channel, bot(), PermissionFlagsBits.ReadMessageHistory)
      ? [...world.messages.values()].filter((m) => m.channelId === channel.id && m.pinned && !m.deleted)
      : [];
    return {
      status: 200,
      body: { items: pinned.reverse().map((m) => ({ pinned_at: iso(m.createdAt), message: apiMessage(world, m) })), has_more: false },
    };
  });
  router.add('PUT', '/channels/:channelId/messages/pins/:messageId', (r) => {
    pin(world, bot(), visible(r.params.channelId!), r.params.messageId!, true);
    return noContent();
  });
  router.add('DELETE', '/channels/:channelId/messages/pins/:messageId', (r) => {
    pin(world, bot(), visible(r.params.channelId!), r.params.messageId!, false);
    return noContent();
  });
}
