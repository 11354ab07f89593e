import { PermissionFlagsBits } from 'discord.js';
import type { GuildMember, Interaction, Message } from 'discord.js';
import type { GuildSettings } from '../core/guilds/settings.js';

/** Who may run a command: anyone, the server's staff (staff role or Manage Server), or managers only. */
export type Access = 'everyone' | 'staff' | 'manager';

type MemberLike = Interaction['member'] | GuildMember | Message['member'];

function roleIds(member: MemberLike): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

export function isManager(permissions: { has(bit: bigint): boolean } | null | undefined): boolean {
  return permissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

/** Staff: the role chosen in /setup, or anyone who may manage the server. */
export function isStaff(
  member: MemberLike,
  permissions: { has(bit: bigint): boolean } | null | undefined,
  settings: GuildSettings | undefined,
): boolean {
  if (isManager(permissions)) return true;
  const staffRole = settings?.staffRoleId;
  return staffRole ? roleIds(member).includes(staffRole) : false;
}

export function hasAccess(access: Access, interaction: Interaction, settings: GuildSettings | undefined): boolean {
  if (access === 'everyone') return true;
  if (access === 'manager') return isManager(interaction.memberPermissions);
  return isStaff(interaction.member, interaction.memberPermissions, settings);
}

export function refusal(access: Access, settings: GuildSettings | undefined): string {
  if (access === 'manager') return 'Only members with the **Manage Server** permission can use this command.';
  return settings?.staffRoleId
    ? `Only staff (<@&${settings.staffRoleId}>) or members with **Manage Server** can use this command.`
    : 'Only members with **Manage Server** can use this command until an admin runs `/setup` to choose a staff role.';
}

/** A member of the role that handles this ticket's type (types may name their own role). */
export function handlesType(member: MemberLike, ticketId: number, ctx: { core: { desk: { types: { roleOfTicket(ticketId: number): string | null } } } }): boolean {
  const role = ctx.core.desk.types.roleOfTicket(ticketId);
  return role ? roleIds(member).includes(role) : false;
}
