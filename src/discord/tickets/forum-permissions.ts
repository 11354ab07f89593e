import { PermissionFlagsBits } from 'discord.js';
import type { ForumChannel } from 'discord.js';

/**
 * What the bot needs in the ticket forum, by the name Discord shows in the channel's permission
 * settings. A forum's own overrides can take away what the invite granted, so /setup checks the
 * permissions in the forum itself (Discord applies @everyone, role and member overwrites on top
 * of the roles: discord-api-docs developers/topics/permissions.mdx, "Permission Overwrites").
 */
export const FORUM_PERMISSIONS: readonly [bigint, string, string][] = [
  [PermissionFlagsBits.ViewChannel, 'View Channel', 'see the forum and its tickets'],
  [PermissionFlagsBits.SendMessages, 'Create Posts', 'open ticket posts from the panel'],
  [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Posts', 'answer inside tickets'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History', 'read the tickets it answers'],
  [PermissionFlagsBits.ManageThreads, 'Manage Threads', 'tag, lock and archive tickets'],
  [PermissionFlagsBits.ManageChannels, 'Manage Channels', 'add the status tags to the forum'],
  [PermissionFlagsBits.AttachFiles, 'Attach Files', 'attach long descriptions and exports'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links', 'show embeds in replies'],
];

/** The permissions the bot lacks in `forum`, each with why it needs it; empty when all is well. */
export function missingForumPermissions(forum: ForumChannel): { name: string; why: string }[] {
  const me = forum.guild.members.me;
  const perms = me ? forum.permissionsFor(me) : null;
  return FORUM_PERMISSIONS.filter(([bit]) => !perms?.has(bit)).map(([, name, why]) => ({ name, why }));
}
