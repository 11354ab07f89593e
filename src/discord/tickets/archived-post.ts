import { DiscordAPIError, PermissionFlagsBits, RESTJSONErrorCodes, SnowflakeUtil, type ThreadChannel } from 'discord.js';
import type { Logger } from '../../log.js';
import { editThread } from '../thread-edit.js';
import { retryWhileOutcomeUnknown } from '../unknown-outcome.js';

/**
 * A post someone closed in Discord while the bot was writing an answer into it.
 *
 * Discord's rules (discord-api-docs, modelled and cited in tests/fakes/discord/messages.ts and channels.ts):
 * - "Users cannot edit messages … in archived threads" (topics/threads.mdx): an edit or delete gets 400 50083
 *   "Thread is archived".
 * - A new message in an archived thread that is not locked unarchives it; in a locked thread only members with
 *   Manage Threads may write (else 403 160005, or 50083 when it is also archived) (topics/threads.mdx, Locked Threads).
 * - Unarchiving needs only Send Messages when the thread is not locked, Manage Threads otherwise, and so does archiving
 *   it again (resources/channel.mdx, Modify Channel, thread).
 *
 * The bot's rule (core/tickets/post-state.ts): archived alone, the ticket stays open; locked, it closed. An archive
 * made while an answer streams is a person's "Close Post" (Discord archives idle posts only after an hour without
 * activity), so the answer is finished where it stands and the post is archived again as that person left it: the
 * member can read it, the forum's list stays as the moderator made it, nothing is posted twice. A locked post gets
 * only its writing mark taken off (the ticket closed, nothing more goes in). Without the permission to do either, the
 * answer stays stored, and the bot says so once in its log.
 */

/** Thrown instead of a request the post would refuse: the reply keeps its text and finishes it later. */
export class PostClosedError extends Error {
  constructor() {
    super('the ticket’s post is archived or locked');
    this.name = 'PostClosedError';
  }
}

/** True when the bot's own messages in the post can be neither posted nor edited right now. */
export function postRefusesBot(thread: ThreadChannel): boolean {
  return isArchived(thread) || (thread.locked === true && !botManagesThreads(thread));
}

/**
 * Archived, as far as the bot can tell. Its copy of the post may still show an archive that a newer message undid:
 * "Sending a message will automatically unarchive the thread, unless the thread has been locked" (topics/threads.mdx),
 * and the THREAD_UPDATE saying so may reach the bot after that message's MESSAGE_CREATE, since Discord does not document
 * their order (tests/fakes/discord/late-unarchive.ts). Read as a moderator's archive, a member's message in a post
 * Discord archived after a week of quiet had the bot archive again the post the member had just reopened. So an
 * archive older than the post's newest message (`archive_timestamp` "is changed when creating, archiving, or
 * unarchiving a thread", threads.mdx; a message's time is in its snowflake id, both on Discord's clock) counts as undone
 * by it; discord.js sets `lastMessageId` on every MESSAGE_CREATE. A locked post is archived all the same: no member's
 * message reopens it. Both times go by the millisecond, so an archive and a message can share one, and their order is
 * then unknown. A member's message counts as the later: read the other way, a member who wrote in the very millisecond
 * of the bot's own archive-again had the post they had just reopened archived again (tests/e2e/stale-thread-answer.test.ts).
 * The bot's own message counts as the earlier: a moderator's archive in the millisecond of the answer's first part is
 * then honoured (tests/e2e/archived-while-answering.test.ts), and had the bot's message come after it, archiving the
 * post again is what the bot does for that moderator anyway.
 */
function isArchived(thread: ThreadChannel): boolean {
  if (thread.archived !== true) return false;
  if (thread.locked === true || thread.archiveTimestamp === null || !thread.lastMessageId) return true;
  const messageAt = SnowflakeUtil.timestampFrom(thread.lastMessageId);
  if (thread.archiveTimestamp !== messageAt) return thread.archiveTimestamp > messageAt;
  return thread.messages.cache.get(thread.lastMessageId)?.author.id === thread.client.user.id;
}

function botManagesThreads(thread: ThreadChannel): boolean {
  const me = thread.guild.members.me;
  return me ? thread.permissionsFor(me)?.has(PermissionFlagsBits.ManageThreads) === true : false;
}

/** Discord (or our guard) refused a request because the post is archived or locked. */
function isClosedPostRefusal(error: unknown): boolean {
  if (error instanceof PostClosedError) return true;
  return error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.InvalidActionOnArchivedThread || error.code === RESTJSONErrorCodes.ThreadLocked);
}

const setArchived = (thread: ThreadChannel, archived: boolean, reason: string) =>
  retryWhileOutcomeUnknown(() => editThread(thread, { archived, reason }), { kind: 'thread edit', client: thread.client });

/**
 * Runs `show` (the requests that finish an answer in the post). When the post was archived meanwhile, it is
 * unarchived for `show` and archived again after it; when the bot may not do that, nothing is shown and one
 * warning is logged (the answer is in the database). Other errors are thrown as they are.
 */
export function showInPostAsLeft(thread: ThreadChannel, show: () => Promise<void>, log: Logger): Promise<void> {
  return showInPost(thread, show, log, 'archive again');
}

/**
 * Runs `show` (an answer's stop) for a close the bot makes itself, with no member's client to unarchive the post
 * first (the stale sweep): a post archived meanwhile is unarchived for `show` and left so, as the close locks and
 * archives it next. The post then ends as the close leaves it, with the answer's writing mark taken off.
 */
export function showBeforeClosing(thread: ThreadChannel, show: () => Promise<void>, log: Logger): Promise<void> {
  return showInPost(thread, show, log, 'leave to the close');
}

/** How often a moderator archiving the post again under the bot's last edit has that edit redone (then it is logged and left). */
const MAX_REOPENINGS = 3;

async function showInPost(thread: ThreadChannel, show: () => Promise<void>, log: Logger, after: 'archive again' | 'leave to the close'): Promise<void> {
  if (!postRefusesBot(thread)) {
    try {
      return await show();
    } catch (error) {
      // Closed before the bot heard of it (the THREAD_UPDATE was still on its way).
      if (!isClosedPostRefusal(error)) throw error;
    }
  }
  const what = thread.locked ? 'locked' : 'archived';
  if (!(await reopen(thread, what, log))) return;
  if (after === 'leave to the close') {
    log.info({ threadId: thread.id }, `The ticket's post was ${what} in Discord while the bot wrote its answer: reopened it to take the writing mark off before closing it.`);
    return show();
  }
  log.info({ threadId: thread.id }, `The ticket's post was ${what} in Discord while the bot wrote its answer: reopened it for the answer's last edits, and archived it again.`);
  let leftArchived = false;
  try {
    for (let reopenings = 1; ; reopenings++) {
      try {
        return await show();
      } catch (error) {
        // A moderator archived the post again while the bot's edit was on its way, and Discord refused the edit (50083):
        // the post is reopened once more for it, and archived again below, as they left it. A lock is not redone here:
        // the lock's stop, queued behind this (answer-in-thread.ts), takes the writing mark off.
        if (!isClosedPostRefusal(error) || thread.locked) throw error;
        if (reopenings >= MAX_REOPENINGS) {
          leftArchived = true;
          log.warn({ threadId: thread.id }, `The ticket's post was archived again ${reopenings} times while the bot made its last edit: left it archived; the answer is stored but not shown in full.`);
          return;
        }
        log.info({ threadId: thread.id }, 'The ticket’s post was archived again while the bot made its last edit: reopened it once more for that edit.');
        leftArchived = !(await reopen(thread, 'archived', log));
        if (leftArchived) return;
      }
    }
  } finally {
    if (!leftArchived) {
      await setArchived(thread, true, 'archived again as the moderator left it').catch((error: unknown) =>
        log.warn({ err: error, threadId: thread.id }, 'could not archive the ticket’s post again after finishing the answer'),
      );
    }
  }
}

/** Unarchives the post for the bot's edits; false (with one warning) when the bot may not or Discord refuses. */
async function reopen(thread: ThreadChannel, what: 'locked' | 'archived', log: Logger): Promise<boolean> {
  if (thread.locked && !botManagesThreads(thread)) {
    log.warn({ threadId: thread.id }, `The ticket's post was ${what} in Discord while the bot wrote its answer, and the bot lacks Manage Threads to reopen it: the answer is stored but not shown in full.`);
    return false;
  }
  try {
    await setArchived(thread, false, 'finishing the answer the bot was writing');
    return true;
  } catch (error) {
    log.warn({ err: error, threadId: thread.id }, `The ticket's post was ${what} in Discord while the bot wrote its answer, and Discord refused to reopen it: the answer is stored but not shown in full.`);
    return false;
  }
}
