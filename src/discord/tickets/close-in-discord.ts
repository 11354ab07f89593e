import { ChannelType, DiscordAPIError, PermissionFlagsBits, RESTJSONErrorCodes } from 'discord.js';
import type { ForumChannel, ThreadChannel } from 'discord.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { BotContext } from '../context.js';
import { editThread } from '../thread-edit.js';
import { ANSWER_BUTTON } from '../components/answer-buttons.js';
import { editOnce } from '../channel-send.js';
import { fetchTicketThread } from '../support/ticket-thread.js';
import { inServedGuilds } from '../served-guilds.js';
import { liveTicketTags, remakeTicketTags, tagsWithStatus } from './forum-tags.js';
import { setStatusLine } from './status-line.js';

/** How many of a ticket's latest messages are checked for answer buttons to take off (one request). */
const BUTTON_SCAN_LIMIT = 100;

const PERMISSION_NAMES: [bigint, string][] = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
  [PermissionFlagsBits.ManageThreads, 'Manage Threads'],
];

/** Which of the permissions closing needs the bot lacks in the ticket's post. */
function missingForClosing(thread: ThreadChannel): string[] {
  const me = thread.guild.members.me;
  const perms = me ? thread.permissionsFor(me) : null;
  if (!perms) return PERMISSION_NAMES.map(([, name]) => name);
  return PERMISSION_NAMES.filter(([bit]) => !perms.has(bit)).map(([, name]) => name);
}

/** A refusal from Discord, in words an admin can act on. */
function describeRefusal(error: unknown, thread: ThreadChannel, step: string): string {
  const forum = thread.parent ? `<#${thread.parent.id}>` : 'the ticket forum';
  if (error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess)) {
    const missing = missingForClosing(thread);
    return missing.length > 0
      ? `Discord refused to ${step}: the bot lacks **${missing.join('**, **')}** in ${forum}. Grant it (Server Settings → Roles, or the forum’s permissions); the bot retries every minute.`
      : `Discord refused to ${step} (missing permissions in ${forum}); the bot retries every minute.`;
  }
  const detail = error instanceof DiscordAPIError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return `Discord refused to ${step} (${detail}); the bot retries every minute.`;
}

/** Takes the Solved / Not helpful / Talk to staff buttons off the bot's answers: they must not look live in a closed ticket. */
async function removeAnswerButtons(thread: ThreadChannel, ctx: BotContext): Promise<void> {
  const messages = await thread.messages.fetch({ limit: BUTTON_SCAN_LIMIT });
  const withButtons = messages.filter(
    (m) =>
      m.author.id === ctx.client.user.id &&
      m.components.some((row) => 'components' in row && row.components.some((c) => 'customId' in c && c.customId?.startsWith(`${ANSWER_BUTTON}:`))),
  );
  for (const message of withButtons.values()) await editOnce(message, { components: [] });
}

/**
 * The post's tags with Closed in place of our other status tags. When the Closed tag was deleted
 * from the forum, the four tags are made again (as /setup does) and saved; undefined (leave the
 * tags) with a problem when that is not possible.
 */
async function closedTags(thread: ThreadChannel, settings: GuildSettings, ctx: BotContext, problems: string[]): Promise<string[] | undefined> {
  const forum = thread.parent;
  if (!forum || forum.type !== ChannelType.GuildForum) return undefined;
  let current = { ...settings, tags: liveTicketTags(forum as ForumChannel, settings.tags) };
  if (current.tags.closed === null) {
    try {
      current = await remakeTicketTags(forum as ForumChannel, current, ctx);
    } catch (error) {
      problems.push(`The forum’s **Closed** tag was deleted and the bot could not add it again: ${describeRefusal(error, thread, 'edit the forum’s tags').replace(/^Discord refused to edit the forum’s tags: /, '')} Run \`/setup\` once it can.`);
      return undefined;
    }
  }
  return tagsWithStatus(thread.appliedTags.filter((id) => forum.availableTags.some((t) => t.id === id)), current, 'closed');
}

/**
 * Brings a closed ticket's post in line with the database: answer buttons off, the Closed tag,
 * locked and archived (tags, lock and archive in one request: Discord refuses any other change to
 * an archived thread, so an archived post is unarchived first). Every step can be redone. Returns
 * the problems (empty when Discord now agrees) and records the outcome for the retry.
 */
export async function finishClosingInDiscord(thread: ThreadChannel, ticketId: number, settings: GuildSettings, ctx: BotContext): Promise<string[]> {
  const problems: string[] = [];
  try {
    if (thread.archived) await editThread(thread, { archived: false });
    await removeAnswerButtons(thread, ctx).catch((error: unknown) => problems.push(describeRefusal(error, thread, 'take the buttons off the answers')));
    // A private ticket has no tags: its pinned status line says Closed (before archiving, which freezes its messages).
    if (thread.type === ChannelType.PrivateThread) await setStatusLine(thread, 'closed').catch((error: unknown) => problems.push(describeRefusal(error, thread, 'update the status line')));
    const appliedTags = await closedTags(thread, settings, ctx, problems);
    await editThread(thread, { ...(appliedTags ? { appliedTags } : {}), locked: true, archived: true });
  } catch (error) {
    problems.push(describeRefusal(error, thread, 'lock and archive the ticket’s post'));
  }
  // A lost tag alone does not keep the post open: closing is done once it is locked and archived.
  const locked = thread.locked === true && thread.archived === true;
  if (locked) ctx.core.closing.done(ticketId);
  else ctx.core.closing.failed(ticketId, problems.join(' '));
  if (problems.length > 0) ctx.core.logger.error({ threadId: thread.id, guildId: thread.guildId }, `Closing ticket ${ticketId} in Discord: ${problems.join(' ')}`);
  return problems;
}

/**
 * Finishes every close Discord has not followed yet (after a refusal, a crash or a restart):
 * at start-up and in every sweep. A post that no longer exists has nothing left to close.
 */
export async function repairPendingCloses(ctx: BotContext): Promise<{ repaired: number; failed: number }> {
  const done = { repaired: 0, failed: 0 };
  for (const pending of inServedGuilds(ctx.client, ctx.core.closing.pending())) {
    const settings = ctx.core.guildSettings.get(pending.guildId);
    try {
      const thread = await fetchTicketThread(ctx, pending.threadId);
      if (!thread || !settings) {
        ctx.core.closing.done(pending.ticketId);
        continue;
      }
      const problems = await finishClosingInDiscord(thread, pending.ticketId, settings, ctx);
      if (ctx.core.closing.get(pending.ticketId)) done.failed++;
      else if (problems.length === 0 || thread.locked) done.repaired++;
    } catch (error) {
      done.failed++;
      ctx.core.logger.warn({ err: error, threadId: pending.threadId }, 'could not finish closing a ticket in Discord; the next sweep tries again');
    }
  }
  return done;
}
