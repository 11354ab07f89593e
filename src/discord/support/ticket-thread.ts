import type { ThreadChannel } from 'discord.js';
import type { BotContext } from '../context.js';

/** A ticket's thread, from the cache or fetched; undefined when Discord no longer has it. */
export async function fetchTicketThread(ctx: BotContext, threadId: string): Promise<ThreadChannel | undefined> {
  const cached = ctx.client.channels.cache.get(threadId);
  if (cached?.isThread()) return cached;
  try {
    const channel = await ctx.client.channels.fetch(threadId);
    return channel?.isThread() ? channel : undefined;
  } catch (error) {
    // 10003 Unknown Channel: the thread was deleted. Anything else is worth another try later.
    if ((error as { code?: unknown }).code === 10003) return undefined;
    throw error;
  }
}
