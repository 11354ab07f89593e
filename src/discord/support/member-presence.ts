import { DiscordAPIError, RESTJSONErrorCodes, type Guild } from 'discord.js';

/**
 * Whether a member has left the server (left, kicked or banned). The bot does not request the privileged Server
 * Members intent, so Discord never tells it (GUILD_MEMBER_REMOVE, and THREAD_MEMBERS_UPDATE for anyone but the bot,
 * need it: discord-api-docs events/gateway.mdx, List of Intents; events/gateway-events.mdx, Thread Members Update),
 * and its member cache keeps whoever it once saw. So it asks Discord, bypassing that cache, at the few moments it
 * would address the member: GET /guilds/{id}/members/{user} answers 404 10007 Unknown Member for someone not in the
 * server. Any other error throws, for the caller's retry.
 */
export async function memberHasLeft(guild: Guild, userId: string): Promise<boolean> {
  try {
    await guild.members.fetch({ user: userId, force: true });
    return false;
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMember) return true;
    throw error;
  }
}
