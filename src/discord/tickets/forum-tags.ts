import { ChannelType } from 'discord.js';
import type { Client, ForumChannel, GuildForumTagData, ThreadChannel } from 'discord.js';
import { UserError } from '../../core/errors.js';
import { KeyedSerialQueue } from '../../core/keyed-serial-queue.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { BotContext } from '../context.js';
import { editThread } from '../thread-edit.js';
import type { ShownStatus } from './shown-status.js';
import { setStatusLine } from './status-line.js';

/** The forum tags that show a ticket's state, by the name shown in Discord. */
export const TICKET_TAG_NAMES = { open: 'Open', answered: 'Answered', needsStaff: 'Needs staff', closed: 'Closed' } as const satisfies Record<ShownStatus, string>;

const FORUM_TAG_LIMIT = 20;
const THREAD_TAG_LIMIT = 5;

/**
 * The bot's rewrites of a forum's tag list, one at a time per forum. Modify Channel's `available_tags` replaces the
 * whole list (discord-api-docs resources/channel.mdx, Modify Channel, forum: "the set of tags that can be used"), and a
 * rewrite is built from discord.js's copy of the forum as it is when it starts. Two at once (two tickets opening right
 * after staff deleted the Open tag) would each add an Open tag of their own, the second list dropping the first's tag,
 * and Discord then refuses the post that names it. In line, the second starts from the first's result (discord.js
 * updates its copy from the PATCH's answer) and has nothing left to add.
 */
const tagListRewrites = new WeakMap<Client, KeyedSerialQueue>();

function oneRewriteAtATime<T>(forum: ForumChannel, rewrite: () => Promise<T>): Promise<T> {
  let queue = tagListRewrites.get(forum.client);
  if (!queue) tagListRewrites.set(forum.client, (queue = new KeyedSerialQueue()));
  return queue.run(forum.id, rewrite);
}

/**
 * Makes sure the forum has our four status tags, creating the missing ones and keeping every
 * other tag the server already uses. Returns the tag ids by status. One rewrite per forum at a time.
 */
export function ensureTicketTags(forum: ForumChannel): Promise<GuildSettings['tags']> {
  return oneRewriteAtATime(forum, () => addMissingTicketTags(forum));
}

async function addMissingTicketTags(forum: ForumChannel): Promise<GuildSettings['tags']> {
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

/**
 * The server's status tags as the forum has them now (discord.js's copy of the forum, which
 * CHANNEL_UPDATE keeps current). An admin can delete a status tag in Discord, or delete and make it
 * again (a new id), after /setup saved the ids; Discord refuses a post or an edit that names a tag the
 * forum no longer has (its JSON error codes include 10087 Unknown Tag; the fake answers 400 50035), so a
 * saved id it lost would make every new ticket fail. Such an id gives way to the forum's tag of the same
 * name, else null. No request.
 */
export function liveTicketTags(forum: ForumChannel, saved: GuildSettings['tags']): GuildSettings['tags'] {
  const live = (status: ShownStatus): string | null => {
    const id = saved[status];
    if (id !== null && forum.availableTags.some((t) => t.id === id)) return id;
    return forum.availableTags.find((t) => t.name.toLowerCase() === TICKET_TAG_NAMES[status].toLowerCase())?.id ?? null;
  };
  return { open: live('open'), answered: live('answered'), needsStaff: live('needsStaff'), closed: live('closed') };
}

/** The settings with `liveTicketTags` when the thread's parent is a forum (a private ticket's channel has no tags). */
function withLiveTags(thread: ThreadChannel, settings: GuildSettings): GuildSettings {
  const forum = thread.parent;
  return forum?.type === ChannelType.GuildForum ? { ...settings, tags: liveTicketTags(forum, settings.tags) } : settings;
}

/** The four status tags made again where the forum lost them (as /setup does), saved; throws when Discord refuses. */
export async function remakeTicketTags(forum: ForumChannel, settings: GuildSettings, ctx: BotContext): Promise<GuildSettings> {
  const current = { ...settings, tags: await ensureTicketTags(forum) };
  ctx.core.guildSettings.save(current);
  return current;
}

/**
 * The status tags to open a ticket with: the forum's as they are now, and when the Open tag is gone,
 * the four made again. When the bot cannot make them (no Manage Channels, 20 tags already), the post
 * goes without one (a forum that requires a tag then refuses it, and the member is told why).
 */
export async function ticketTagsForOpening(forum: ForumChannel, settings: GuildSettings, ctx: BotContext): Promise<GuildSettings> {
  const live = { ...settings, tags: liveTicketTags(forum, settings.tags) };
  if (live.tags.open !== null) return live;
  try {
    return await remakeTicketTags(forum, live, ctx);
  } catch (error) {
    ctx.core.logger.warn({ err: error, forumId: forum.id }, 'the forum’s Open tag was deleted and could not be made again: tickets open without it; run /setup');
    return live;
  }
}

/** The thread's tags with our status tag swapped for `status`, other tags kept (Discord allows 5). */
export function tagsWithStatus(current: readonly string[], settings: GuildSettings, status: ShownStatus): string[] {
  const ours = new Set(Object.values(settings.tags).filter((id): id is string => Boolean(id)));
  const wanted = settings.tags[status];
  const kept = current.filter((id) => !ours.has(id));
  return (wanted ? [wanted, ...kept] : kept).slice(0, THREAD_TAG_LIMIT);
}

/** The post's tags the forum still has: an edit naming one it lost is refused whole. */
function tagsStillInForum(thread: ThreadChannel): readonly string[] {
  const forum = thread.parent;
  return forum?.type === ChannelType.GuildForum ? thread.appliedTags.filter((id) => forum.availableTags.some((t) => t.id === id)) : thread.appliedTags;
}

/**
 * A member's own forum post becomes a ticket: the Open tag and the ticket's auto-archive time
 * (TICKET_AUTO_ARCHIVE_MINUTES), in one request.
 */
export async function adoptMemberPost(thread: ThreadChannel, settings: GuildSettings, ctx: BotContext): Promise<void> {
  const forum = thread.parent;
  const current = forum?.type === ChannelType.GuildForum ? await ticketTagsForOpening(forum, settings, ctx) : settings;
  await editThread(thread, { appliedTags: tagsWithStatus(tagsStillInForum(thread), current, 'open'), autoArchiveDuration: ctx.core.config.TICKET_AUTO_ARCHIVE_MINUTES });
}

/** Sets the ticket's status tag (a private ticket's status line); a no-op when it already has it. */
export async function setStatusTag(thread: ThreadChannel, settings: GuildSettings, status: ShownStatus): Promise<void> {
  if (thread.type === ChannelType.PrivateThread) return setStatusLine(thread, status);
  const next = tagsWithStatus(tagsStillInForum(thread), withLiveTags(thread, settings), status);
  const same = next.length === thread.appliedTags.length && next.every((id) => thread.appliedTags.includes(id));
  if (!same) await editThread(thread, { appliedTags: next });
}
