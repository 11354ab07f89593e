import { ChannelType, GatewayIntentBits } from 'discord-api-types/v10';
import type { APIGuildForumTag, APIOverwrite } from 'discord-api-types/v10';
import { toAPIRole } from './model.js';
import { toPermissionBits } from './permissions.js';
import { channelView, type ChannelView } from './views.js';
import type { World } from './world.js';

/**
 * Setting the scene: the users, servers, roles, members and channels a test creates before the bot acts, in the
 * shapes tests pass and get back (the world's records stay inside the fake). Each sends the event Discord would.
 */

export interface GuildView {
  id: string;
  name: string;
  ownerId: string;
  /** The @everyone role shares the guild's id. */
  everyoneRoleId: string;
  /** The managed role Discord gives the bot on joining. */
  botRoleId: string;
}

export interface CreateGuildInput {
  name: string;
  /** Lets a test choose the guild's shard (`(id >> 22) % shards`); by default a new snowflake. */
  id?: string;
  ownerId?: string;
  ownerName?: string;
  botPermissions?: bigint | string;
}

export interface CreateChannelInput {
  type?: ChannelType.GuildText | ChannelType.GuildForum | ChannelType.GuildCategory | ChannelType.GuildAnnouncement | number;
  name: string;
  parentId?: string;
  topic?: string;
  available_tags?: Partial<APIGuildForumTag>[];
  permission_overwrites?: APIOverwrite[];
  flags?: number;
}

export function createUser(world: World, input: { username: string; id?: string; globalName?: string }): { id: string; username: string } {
  const u = world.addUser(input);
  return { id: u.id, username: u.username };
}

/** A server with its owner (created as a user if new) and the bot as members. */
export function createGuild(world: World, input: CreateGuildInput): GuildView {
  const ownerId = input.ownerId ?? world.addUser({ username: input.ownerName ?? 'owner' }).id;
  const g = world.createGuild({ ...input, ownerId });
  const botRoleId = [...g.roles.values()].find((r) => r.botId === world.botUserId)!.id;
  return { id: g.id, name: g.name, ownerId, everyoneRoleId: g.id, botRoleId };
}

export function createRole(
  world: World,
  guildId: string,
  input: { name: string; permissions?: bigint | string; mentionable?: boolean; color?: number },
): { id: string; name: string } {
  const r = world.createRole(guildId, input);
  return { id: r.id, name: r.name };
}

/** Sets a role's permissions and sends GUILD_ROLE_UPDATE. */
export function setRolePermissions(world: World, guildId: string, roleId: string, permissions: bigint | string): void {
  const role = world.guild(guildId).roles.get(roleId);
  if (!role) throw new Error(`unknown role ${roleId}`);
  role.permissions = toPermissionBits(permissions);
  world.dispatch('GUILD_ROLE_UPDATE', { guild_id: guildId, role: toAPIRole(role) }, { intent: GatewayIntentBits.Guilds });
  world.changed();
}

export function addMember(
  world: World,
  guildId: string,
  input: { userId?: string; username?: string; roles?: string[]; nick?: string },
): { id: string; username: string } {
  const m = world.addMember(guildId, input);
  return { id: m.userId, username: world.user(m.userId).username };
}

export function createChannel(world: World, guildId: string, input: CreateChannelInput): ChannelView {
  const c = world.createChannel(guildId, {
    type: (input.type ?? ChannelType.GuildText) as ChannelType,
    name: input.name,
    ...(input.parentId ? { parentId: input.parentId } : {}),
    ...(input.topic ? { topic: input.topic } : {}),
    ...(input.available_tags ? { availableTags: input.available_tags } : {}),
    ...(input.permission_overwrites ? { permissionOverwrites: input.permission_overwrites } : {}),
    ...(input.flags !== undefined ? { flags: input.flags } : {}),
  });
  return channelView(world, c);
}
