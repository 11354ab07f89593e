import { ChannelType, type DMChannel, type GatewayThreadDeleteDispatchData, type NonThreadGuildBasedChannel } from 'discord.js';
import { followPostDeleted } from '../../core/tickets/post-state.js';
import type { BotContext } from '../context.js';
import { fetchTicketThread } from '../support/ticket-thread.js';

/**
 * Tickets whose post was deleted in Discord close (core/tickets/post-state.ts says why). Discord says so
 * in two ways (tests/fakes/discord/channels.ts, deleteChannel, cites the sources):
 * - a post deleted: THREAD_DELETE with only its id, guild and parent;
 * - its forum (or the private-ticket channel) deleted: one CHANNEL_DELETE, and nothing for the threads in it.
 * A deletion while the bot was offline is found at start-up (offline-changes.ts).
 */

/** Closes the ticket of a deleted post, if it was open; stops an answer being written there. */
export function closeTicketOfDeletedPost(ctx: BotContext, guildId: string, threadId: string): void {
  if (!followPostDeleted(ctx.core.tickets, { guildId, threadId })) return;
  ctx.core.logger.child({ module: 'tickets' }).info({ threadId }, 'a ticket’s post was deleted in Discord: closed the ticket');
  void ctx.liveAnswers.stopAll(threadId, 'deleted');
}

/**
 * THREAD_DELETE read from the gateway dispatch itself (`client.ws`), not discord.js's threadDelete: that
 * is emitted only for a thread in its cache (client/actions/ThreadDelete.js), and its default sweeper
 * drops archived threads from the cache 4 hours after they were archived (Options.DefaultSweeperSettings),
 * which are exactly the quiet tickets a moderator tidies away.
 */
export function onThreadDeleteDispatch(data: GatewayThreadDeleteDispatchData, ctx: BotContext): void {
  closeTicketOfDeletedPost(ctx, data.guild_id, data.id);
}

/**
 * A channel deleted: the open tickets whose post was in it close. A post still in discord.js's cache names
 * its parent (discord.js keeps a deleted channel's threads cached); any other is asked of Discord, and
 * "Unknown Channel" means it went with the channel. Returns how many closed.
 */
export async function onChannelDelete(channel: DMChannel | NonThreadGuildBasedChannel, ctx: BotContext): Promise<number> {
  if (channel.isDMBased() || !mayHoldTickets(channel, ctx)) return 0;
  let closed = 0;
  for (const { guildId, threadId } of ctx.core.tickets.openThreads([channel.guildId])) {
    if (!(await wentWith(channel.id, threadId, ctx))) continue;
    closeTicketOfDeletedPost(ctx, guildId, threadId);
    closed++;
  }
  return closed;
}

/**
 * Whether a deleted channel can have held ticket posts: a forum or media channel (the ticket forum, or one /setup used
 * before), or the channel private tickets are threads of. Any other text channel holds threads too, but never tickets,
 * and asking Discord about every uncached open ticket at each such deletion would be a burst of requests for nothing
 * (a ticket in a channel missed here is still found by the start-up check, offline-changes.ts).
 */
function mayHoldTickets(channel: NonThreadGuildBasedChannel, ctx: BotContext): boolean {
  if (channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia) return true;
  return channel.id === ctx.core.desk.settings.get(channel.guildId).privateChannelId;
}

/** Whether a ticket's post was in the deleted channel; when Discord cannot be asked now, start-up asks again. */
async function wentWith(channelId: string, threadId: string, ctx: BotContext): Promise<boolean> {
  const cached = ctx.client.channels.cache.get(threadId);
  if (cached?.isThread()) return cached.parentId === channelId;
  try {
    return (await fetchTicketThread(ctx, threadId)) === undefined;
  } catch (error) {
    ctx.core.logger.child({ module: 'tickets' }).warn({ err: error, threadId }, 'could not check whether a ticket’s post went with a deleted channel');
    return false;
  }
}
