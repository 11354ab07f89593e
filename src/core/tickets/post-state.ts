import type { Ticket, TicketStore } from './store.js';

/** The close reason of a ticket whose post a moderator locked in Discord itself. */
export const LOCKED_IN_DISCORD_REASON = 'locked in Discord';

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
