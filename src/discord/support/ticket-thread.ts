import { DiscordAPIError, RESTJSONErrorCodes, type ThreadChannel } from 'discord.js';
import type { BotContext } from '../context.js';

/** A ticket's thread, from the cache or fetched (discord.js looks in its cache first); undefined when Discord no longer has it. */
export async function fetchTicketThread(ctx: BotContext, threadId: string): Promise<ThreadChannel | undefined> {
  try {
    const channel = await ctx.client.channels.fetch(threadId);
    return channel?.isThread() ? channel : undefined;
  } catch (error) {
    // The thread was deleted. Anything else is worth another try later.
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownChannel) return undefined;
    throw error;
  }
}
