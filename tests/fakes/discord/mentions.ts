import type { APIAllowedMentions } from 'discord-api-types/v10';
import type { MentionSet } from './model.js';

export interface MentionContext {
  content: string;
  allowedMentions: APIAllowedMentions | undefined;
  /** The author holds Mention @everyone, @here and All Roles in the channel. */
  canMentionEveryone: boolean;
  isMentionableRole: (roleId: string) => boolean;
  isMember: (userId: string) => boolean;
  /** Author of the message this one replies to, if any. */
  repliedUserId?: string;
}

/** Code blocks and inline code render literally on Discord, so mentions inside them ping nobody. */
function withoutCode(content: string): string {
  return content.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
}

/**
 * Who a message pings: what its content mentions, filtered by `allowed_mentions` (omitted = everything
 * mentioned) and by the author's right to ping @everyone/@here and non-mentionable roles.
 */
export function computeMentions(ctx: MentionContext): MentionSet {
  const text = withoutCode(ctx.content);
  const am = ctx.allowedMentions;
  const parse = am ? (am.parse ?? []) : ['users', 'roles', 'everyone'];

  const userIds = unique([...text.matchAll(/<@!?(\d{15,21})>/g)].map((m) => m[1]!));
  const roleIds = unique([...text.matchAll(/<@&(\d{15,21})>/g)].map((m) => m[1]!));

  const users = userIds.filter(
    (id) => ctx.isMember(id) && (parse.includes('users' as never) || (am?.users ?? []).includes(id)),
  );
  const roles = roleIds.filter(
    (id) =>
      (parse.includes('roles' as never) || (am?.roles ?? []).includes(id)) &&
      (ctx.isMentionableRole(id) || ctx.canMentionEveryone),
  );
  const everyone =
    parse.includes('everyone' as never) && ctx.canMentionEveryone && /@(everyone|here)\b/.test(text);

  const repliedPings = am ? am.replied_user === true : true;
  if (ctx.repliedUserId && repliedPings && !users.includes(ctx.repliedUserId)) users.push(ctx.repliedUserId);

  return { everyone, users, roles };
}

export function mergeMentions(a: MentionSet, b: MentionSet): MentionSet {
  return { everyone: a.everyone || b.everyone, users: unique([...a.users, ...b.users]), roles: unique([...a.roles, ...b.roles]) };
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
