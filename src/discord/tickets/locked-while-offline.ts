import { followPostState } from '../../core/tickets/post-state.js';
import type { BotContext } from '../context.js';
import { fetchTicketThread } from '../support/ticket-thread.js';

/**
 * At start-up: open tickets whose post a moderator locked while the bot was offline close now, as a
 * lock seen live does (a new gateway session does not replay the THREAD_UPDATE it missed). Active
 * posts come from the cache GUILD_CREATE filled, so only archived ones cost a request each
 * (GET /channels/{id}); a post Discord no longer has is left to the stale sweep. Returns how many closed.
 */
export async function closeTicketsLockedWhileOffline(ctx: BotContext): Promise<number> {
  const log = ctx.core.logger.child({ module: 'tickets' });
  let closed = 0;
  for (const { guildId, threadId } of ctx.core.tickets.openThreads([...ctx.client.guilds.cache.keys()])) {
    try {
      const thread = await fetchTicketThread(ctx, threadId);
      if (!thread) continue;
      if (followPostState(ctx.core.tickets, { guildId, threadId, locked: thread.locked ?? false })) {
        closed++;
        log.info({ threadId }, 'a ticket was locked in Discord while the bot was offline: closed it');
      }
    } catch (error) {
      log.warn({ err: error, threadId }, 'could not check whether a ticket was locked in Discord while the bot was offline');
    }
  }
  return closed;
}
