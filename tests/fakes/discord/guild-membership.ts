import { GatewayIntentBits } from 'discord-api-types/v10';
import { apiGuildCreate } from './api-objects.js';
import { ErrorCode, missingAccess, notFound } from './errors.js';
import { toAPIUser } from './model.js';
import { dropFromPrivateThreads } from './private-threads.js';
import type { World } from './world.js';

/**
 * Who is in a server: the bot removed from it (kicked, or the server deleted) or invited back, a server out in an
 * outage, and a member leaving. Sources (discord/discord-api-docs unless named):
 *
 * - developers/events/gateway-events.mdx, "Guild Delete": "Sent when a guild becomes or was already unavailable due to
 *   an outage, or when the user leaves or is removed from a guild. The inner payload is an unavailable guild object.
 *   If the `unavailable` field is not set, the user was removed from the guild." (discord-api-types:
 *   `GatewayGuildDeleteDispatchData.unavailable?: true`.) Sent under the Guilds intent (events/gateway.mdx, List of Intents).
 * - "Guild Create": sent "when a user is initially connecting", "when a Guild becomes available again to the client",
 *   and "when the current user joins a new Guild" (the bot invited back).
 * - After removal the bot's requests about that server fail: GET /guilds/{id} answers 404 10004 Unknown Guild for a
 *   server the bot is not in (issue #5840: it used to be 403 50001 and changed in 2023 "to fix a security issue"); the
 *   server's other routes and its channels answer 403 50001 Missing Access (issue #1716: "50001 … In this case it would
 *   seem your bot is not a member of the guild").
 * - "Guild Member Remove": "Sent when a user is removed from a guild (leave/kick/ban)", `{guild_id, user}`, under the
 *   privileged GuildMembers intent only (events/gateway.mdx, List of Intents; Privileged Intents). The member's private
 *   thread memberships go with them: "Thread Members Update" ("Sent when anyone is added to or removed from a thread. If
 *   the current user does not have the GUILD_MEMBERS Gateway Intent, then this event will only be sent if the current
 *   user was added to or removed from the thread"). That Discord drops a departed member from threads is *undocumented*;
 *   its clients show them gone, and the fake follows.
 */

/** The bot kicked from the server, or the server deleted: GUILD_DELETE without `unavailable`, then 403/404 for it. */
export function removeBotFromGuild(world: World, guildId: string): void {
  const guild = world.guild(guildId);
  if (!guild.members.delete(world.botUserId)) throw new Error(`removeBotFromGuild: the bot is not in ${guildId}`);
  world.dispatch('GUILD_DELETE', { id: guildId }, { intent: GatewayIntentBits.Guilds });
  world.changed();
}

/** The bot invited back: it is a member again (with its managed role) and gets GUILD_CREATE, as for a new server. */
export function addBotToGuild(world: World, guildId: string): void {
  const guild = world.guild(guildId);
  if (guild.members.has(world.botUserId)) throw new Error(`addBotToGuild: the bot is already in ${guildId}`);
  const botRole = [...guild.roles.values()].find((r) => r.botId === world.botUserId);
  guild.members.set(world.botUserId, { userId: world.botUserId, roles: botRole ? [botRole.id] : [], nick: null, joinedAt: Date.now() });
  world.dispatch('GUILD_CREATE', apiGuildCreate(world, guild, true), { intent: GatewayIntentBits.Guilds });
  world.changed();
}

/**
 * A Discord outage for the server: GUILD_DELETE with `unavailable: true` (the bot is still in it), then GUILD_CREATE
 * when it is back. Only the events are modelled; what REST answers meanwhile is not documented.
 */
export function setGuildUnavailable(world: World, guildId: string, unavailable: boolean): void {
  const guild = world.guild(guildId);
  if (!guild.members.has(world.botUserId)) throw new Error(`setGuildUnavailable: the bot is not in ${guildId}`);
  if (unavailable) world.dispatch('GUILD_DELETE', { id: guildId, unavailable: true }, { intent: GatewayIntentBits.Guilds });
  else world.dispatch('GUILD_CREATE', apiGuildCreate(world, guild, true), { intent: GatewayIntentBits.Guilds });
  world.changed();
}

/** A member leaves (or is kicked or banned): out of the server and its private threads; GUILD_MEMBER_REMOVE (GuildMembers intent). */
export function removeMember(world: World, guildId: string, userId: string): void {
  const guild = world.guild(guildId);
  if (userId === world.botUserId) throw new Error('removeMember: use removeBotFromGuild for the bot');
  if (!guild.members.delete(userId)) throw new Error(`removeMember: ${userId} is not in ${guildId}`);
  dropFromPrivateThreads(world, guildId, userId);
  world.dispatch('GUILD_MEMBER_REMOVE', { guild_id: guildId, user: toAPIUser(world.user(userId)) }, { intent: GatewayIntentBits.GuildMembers });
  world.changed();
}

/**
 * The bot's access to what a request names: a server it is not in answers GET /guilds/{id} with 404 10004, and
 * everything else about that server (its routes, its channels and threads) with 403 50001. Unknown ids are left
 * to the route (10003, 10004 as before).
 */
export function checkBotInGuild(world: World, params: Record<string, string>, method: string, path: string): void {
  const channelId = params.channelId ?? params.threadId;
  const guildId = params.guildId ?? (channelId ? world.channels.get(channelId)?.guildId : undefined);
  const guild = guildId ? world.guilds.get(guildId) : undefined;
  if (!guild || guild.members.has(world.botUserId)) return;
  if (method === 'GET' && /^\/guilds\/\d+$/.test(path)) throw notFound(ErrorCode.UnknownGuild, 'Guild');
  throw missingAccess();
}
