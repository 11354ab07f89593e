import { DiscordAPIError, RESTJSONErrorCodes, type Client } from 'discord.js';
import type { Core } from '../core/core.js';
import type { DiscordDirectory } from '../dashboard/auth.js';
import { isStaff } from './permissions.js';

/** What the dashboard may ask Discord: whether a member is staff right now (fetched fresh, not cached), and a server's name. */
export function discordDirectory(client: Client<true>, core: Core): DiscordDirectory {
  return {
    async isStaff(guildId, userId) {
      const guild = client.guilds.cache.get(guildId);
      if (!guild) return false;
      try {
        const member = await guild.members.fetch({ user: userId, force: true });
        return isStaff(member, member.permissions, core.guildSettings.get(guildId));
      } catch (error) {
        // Left the server: no longer staff. Anything else (Discord down) is not an answer.
        if (error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.UnknownMember || error.code === RESTJSONErrorCodes.UnknownUser)) return false;
        throw error;
      }
    },
    guildName: (guildId) => client.guilds.cache.get(guildId)?.name,
  };
}
