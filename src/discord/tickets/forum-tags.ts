import { ChannelType } from 'discord.js';
import type { ForumChannel, GuildForumTagData, ThreadChannel } from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { ShownStatus } from './shown-status.js';
import { setStatusLine } from './status-line.js';

/** The forum tags that show a ticket's state, by the name shown in Discord. */
export const TICKET_TAG_NAMES = { open: 'Open', answered: 'Answered', needsStaff: 'Needs staff', closed: 'Closed' } as const satisfies Record<ShownStatus, string>;

const FORUM_TAG_LIMIT = 20;
const THREAD_TAG_LIMIT = 5;

/**
 * Makes sure the forum has our four status tags, creating the missing ones and keeping every
 * other tag the server already uses. Returns the tag ids by status.
 */
export async function ensureTicketTags(forum: ForumChannel): Promise<GuildSettings['tags']> {
  const existing = forum.availableTags;
  const byName = (name: string) => existing.find((t) => t.name.toLowerCase() === name.toLowerCase());
  const missing = Object.values(TICKET_TAG_NAMES).filter((name) => !byName(name));
  let tags = existing;
  if (missing.length > 0) {
    if (existing.length + missing.length > FORUM_TAG_LIMIT) {
      throw new UserError(
        `The forum has ${existing.length} tags and Discord allows ${FORUM_TAG_LIMIT}, so the ticket tags ${missing.join(', ')} cannot be added. ` +
          'Remove a few tags in the forum’s settings (or rename existing ones to Open, Answered, Needs staff, Closed) and run /setup again.',
      );
    }
    const updated = await forum.setAvailableTags([
      ...existing.map((t): GuildForumTagData => ({ id: t.id, name: t.name, moderated: t.moderated, emoji: t.emoji })),
      ...missing.map((name): GuildForumTagData => ({ name, moderated: name === TICKET_TAG_NAMES.closed })),
    ]);
    tags = updated.availableTags;
  }
  const idOf = (name: string) => tags.find((t) => t.name.toLowerCase() === name.toLowerCase())?.id ?? null;
  return {
    open: idOf(TICKET_TAG_NAMES.open),
    answered: idOf(TICKET_TAG_NAMES.answered),
    needsStaff: idOf(TICKET_TAG_NAMES.needsStaff),
    closed: idOf(TICKET_TAG_NAMES.closed),
  };
}

/** The thread's tags with our status tag swapped for `status`, other tags kept (Discord allows 5). */
export function tagsWithStatus(current: readonly string[], settings: GuildSettings, status: ShownStatus): string[] {
  const ours = new Set(Object.values(settings.tags).filter((id): id is string => Boolean(id)));
  const wanted = settings.tags[status];
  const kept = current.filter((id) => !ours.has(id));
  return (wanted ? [wanted, ...kept] : kept).slice(0, THREAD_TAG_LIMIT);
}

/**
 * A member's own forum post becomes a ticket: the Open tag and the ticket's auto-archive time
 * (TICKET_AUTO_ARCHIVE_MINUTES), in one request.
 */
export async function adoptMemberPost(thread: ThreadChannel, settings: GuildSettings, autoArchiveMinutes: number): Promise<void> {
  await thread.edit({ appliedTags: tagsWithStatus(thread.appliedTags, settings, 'open'), autoArchiveDuration: autoArchiveMinutes });
}

/** Sets the ticket's status tag (a private ticket's status line); a no-op when it already has it. */
export async function setStatusTag(thread: ThreadChannel, settings: GuildSettings, status: ShownStatus): Promise<void> {
  if (thread.type === ChannelType.PrivateThread) return setStatusLine(thread, status);
  const next = tagsWithStatus(thread.appliedTags, settings, status);
  const same = next.length === thread.appliedTags.length && next.every((id) => thread.appliedTags.includes(id));
  if (!same) await thread.setAppliedTags(next);
}
