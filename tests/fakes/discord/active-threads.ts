/**
 * GET /guilds/{guild}/threads/active: List Active Guild Threads, as the bot gets it. From discord/discord-api-docs:
 * - developers/resources/guild.mdx, "List Active Guild Threads": "Returns all active threads in the guild, including
 *   public and private threads. Threads are ordered by their `id`, in descending order." Response `{threads, members}`,
 *   `members` being "a thread member object for each returned thread the current user has joined".
 * - developers/topics/threads.mdx, "Enumerating threads": it "returns all active threads in a guild that the current
 *   user can access, includes public & private threads": a private thread the bot is neither in nor moderates
 *   (Manage Threads) is left out, as it is from GUILD_CREATE's `threads`.
 * - threads.mdx, "Thread Fields": a thread's `owner_id` is "the id of the user that started the thread" and `parent_id` the channel it
 *   was created in, so a caller can tell its own threads in one channel apart (the bot does, after a dropped
 *   connection lost the answer to its Start Thread).
 * The fake tracks membership of private threads only (public threads' membership is notification state it does not
 * model), so `members` lists the private threads the bot is in.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { threadMemberObject } from './private-threads.js';
import { toAPIChannel } from './model.js';
import type { World } from './world.js';

export function listActiveThreads(world: World, guildId: string, userId: string) {
  const visible = world
    .activeThreads(guildId)
    .filter((t) => world.can(t, userId, PermissionFlagsBits.ViewChannel))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  return {
    threads: visible.map(toAPIChannel),
    members: visible.filter((t) => t.thread!.members?.has(userId)).map((t) => threadMemberObject(t, userId)),
  };
}
