import { followPostState } from '../../core/tickets/post-state.js';
import type { BotContext } from '../context.js';
import { servedGuildIds } from '../served-guilds.js';
import { fetchTicketThread } from '../support/ticket-thread.js';
import { closeTicketOfDeletedPost } from './deleted-posts.js';

/**
 * At start-up: open tickets follow what moderators did to their posts while the bot was offline, as
 * they do when it is seen live (a new gateway session does not replay the THREAD_UPDATE or
 * THREAD_DELETE it missed). A locked post closes its ticket; a post Discord no longer has (deleted,
 * or gone with its forum) too. Active posts come from the cache GUILD_CREATE filled, so only
 * archived or deleted ones cost a request each (GET /channels/{id}). Returns how many closed.
 */
export async function followPostsChangedWhileOffline(ctx: BotContext): Promise<number> {
  const log = ctx.core.logger.child({ module: 'tickets' });
  let closed = 0;
  for (const { guildId, threadId } of ctx.core.tickets.openThreads(servedGuildIds(ctx.client))) {
    try {
      const thread = await fetchTicketThread(ctx, threadId);
      if (!thread) {
        closeTicketOfDeletedPost(ctx, guildId, threadId);
        closed++;
      } else if (followPostState(ctx.core.tickets, { guildId, threadId, locked: thread.locked ?? false })) {
        closed++;
        log.info({ threadId }, 'a ticket was locked in Discord while the bot was offline: closed it');
      }
    } catch (error) {
      log.warn({ err: error, threadId }, 'could not check what happened to a ticket’s post while the bot was offline');
    }
  }
  return closed;
}
