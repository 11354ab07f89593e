import { Events, type Client } from 'discord.js';
import type { Logger } from '../log.js';

/**
 * The servers the bot may act in now: those Discord said it is in (READY, then GUILD_CREATE) and has not removed it
 * from since (GUILD_DELETE without `unavailable`: discord.js drops the server from its cache), nor out in an outage
 * (GUILD_DELETE with `unavailable: true`: discord.js keeps it with `available: false`). Sources: discord-api-docs
 * events/gateway-events.mdx, "Guild Delete" ("If the `unavailable` field is not set, the user was removed from the
 * guild") and "Guild Create"; discord.js `client/actions/GuildDelete.js`.
 *
 * Scheduled work (the stale sweep, close repairs, the start-up checks) acts only here: in any other server Discord
 * refuses every request (403 50001 Missing Access), and retrying each minute would only fill the log. The database
 * keeps those servers' tickets and settings, so a bot invited back (GUILD_CREATE) carries on where it stopped.
 */
export function servesGuild(client: Client, guildId: string): boolean {
  return client.guilds.cache.get(guildId)?.available === true;
}

export function servedGuildIds(client: Client): string[] {
  return [...client.guilds.cache.values()].filter((g) => g.available).map((g) => g.id);
}

/** The items that belong to servers the bot may act in now. */
export function inServedGuilds<T extends { guildId: string }>(client: Client, items: readonly T[]): T[] {
  return items.filter((item) => servesGuild(client, item.guildId));
}

/**
 * One info line when the bot is removed from a server (kicked, or the server deleted) or added to one (invited, or
 * invited back), and when Discord reports a server out in an outage and back: what an admin reading the log needs
 * to know why the bot went quiet there.
 */
export function logGuildMembership(client: Client, log: Logger): void {
  client.on(Events.GuildDelete, (guild) =>
    log.info(
      { guildId: guild.id },
      `Removed from server "${guild.name}" (${guild.id}): the bot stops working there. Its tickets and settings are kept; invite the bot again to carry on.`,
    ),
  );
  client.on(Events.GuildCreate, (guild) => log.info({ guildId: guild.id }, `Added to server "${guild.name}" (${guild.id}).`));
  client.on(Events.GuildUnavailable, (guild) =>
    log.info({ guildId: guild.id }, `Discord reports server "${guild.name}" (${guild.id}) unavailable (an outage): the bot waits until it is back.`),
  );
  client.on(Events.GuildAvailable, (guild) => log.info({ guildId: guild.id }, `Server "${guild.name}" (${guild.id}) is available again.`));
}
