import type { Ticket, TicketStore } from './store.js';

/** The close reason of a ticket whose post a moderator locked in Discord itself. */
export const LOCKED_IN_DISCORD_REASON = 'locked in Discord';
/** The close reason of a ticket whose post (or the channel holding it) was deleted in Discord. */
export const DELETED_IN_DISCORD_REASON = 'deleted in Discord';

/** What a ticket cares about in its post's state in Discord. */
export interface PostState {
  guildId: string;
  threadId: string;
  locked: boolean;
}

/**
 * The ticket follows its post. Locked by someone other than the bot, the post was closed by a
 * moderator: the open ticket closes (no one to name as closer), so the stale sweep and the answers
 * stop too. Archived alone, the post only went quiet (Discord archives idle posts, and the member's
 * next message or command unarchives it): the ticket stays open. The bot's own close marks the
 * ticket closed before it locks, so this never closes a ticket twice. Returns the ticket it closed.
 *
 * The same rule whether the lock is seen live (THREAD_UPDATE) or at start-up, for a lock made while
 * the bot was offline: a new gateway session does not replay what happened before it.
 */
export function followPostState(tickets: TicketStore, post: PostState, now = Date.now()): Ticket | undefined {
  if (!post.locked) return undefined;
  const ticket = tickets.getByThread(post.guildId, post.threadId);
  if (ticket?.status !== 'open') return undefined;
  return tickets.close(post.guildId, post.threadId, { closedBy: null, reason: LOCKED_IN_DISCORD_REASON }, now);
}

/**
 * The ticket's post no longer exists in Discord (a moderator deleted it, or the forum holding it):
 * the open ticket closes, with no one to name as closer. Left open, it would count against the
 * member's limit of open tickets forever, be listed to staff as open, and the member would be
 * pointed at a channel that is gone. Its conversation stays in the database. Returns the ticket it closed.
 */
export function followPostDeleted(tickets: TicketStore, post: Omit<PostState, 'locked'>, now = Date.now()): Ticket | undefined {
  const ticket = tickets.getByThread(post.guildId, post.threadId);
  if (ticket?.status !== 'open') return undefined;
  return tickets.close(post.guildId, post.threadId, { closedBy: null, reason: DELETED_IN_DISCORD_REASON }, now);
}
