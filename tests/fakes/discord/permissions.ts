import { OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelRecord, GuildRecord } from './model.js';
import { privateThreadAccess } from './private-threads.js';

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

export function toPermissionBits(value: bigint | string | number): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

export function hasPermission(bits: bigint, needed: bigint): boolean {
  return (bits & PermissionFlagsBits.Administrator) !== 0n || (bits & needed) === needed;
}

/** Guild-level permissions: @everyone plus the member's roles; the owner and Administrator get all. */
export function guildPermissions(guild: GuildRecord, userId: string): bigint {
  if (guild.ownerId === userId) return ALL_PERMISSIONS;
  const member = guild.members.get(userId);
  if (!member) return 0n;
  let bits = guild.roles.get(guild.id)?.permissions ?? 0n;
  for (const roleId of member.roles) bits |= guild.roles.get(roleId)?.permissions ?? 0n;
  return (bits & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : bits;
}

/**
 * Permissions in a channel, with Discord's overwrite order: @everyone, then roles (deny before allow),
 * then the member. Threads use their parent's overwrites.
 */
export function channelPermissions(
  guild: GuildRecord,
  channel: ChannelRecord,
  userId: string,
  parentOf: (c: ChannelRecord) => ChannelRecord | undefined,
): bigint {
  const base = guildPermissions(guild, userId);
  if (base === ALL_PERMISSIONS) return ALL_PERMISSIONS;
  const source = channel.thread ? (parentOf(channel) ?? channel) : channel;
  const member = guild.members.get(userId);
  let bits = base;
  const everyone = source.permissionOverwrites.find((o) => o.id === guild.id);
  if (everyone) bits = (bits & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let roleAllow = 0n;
  let roleDeny = 0n;
  for (const o of source.permissionOverwrites) {
    if (o.type === OverwriteType.Role && o.id !== guild.id && member?.roles.includes(o.id)) {
      roleAllow |= BigInt(o.allow);
      roleDeny |= BigInt(o.deny);
    }
  }
  bits = (bits & ~roleDeny) | roleAllow;
  const own = source.permissionOverwrites.find((o) => o.type === OverwriteType.Member && o.id === userId);
  if (own) bits = (bits & ~BigInt(own.deny)) | BigInt(own.allow);
  // Without View Channel a member has no other permission in the channel.
  return (bits & PermissionFlagsBits.ViewChannel) === 0n ? 0n : privateThreadAccess(channel, userId, bits);
}
