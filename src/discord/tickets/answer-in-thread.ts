import type { ThreadChannel } from 'discord.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { HandleResult, TicketMessage } from '../../core/responder.js';
import type { Logger } from '../../log.js';
import { answerButtons } from '../components/answer-buttons.js';
import type { BotContext } from '../context.js';
import { deleteOnce, editOnce, sendOnce } from '../channel-send.js';
import { NO_MENTIONS } from '../reply.js';
import { pingStaff } from '../support/handoff.js';
import { setStatusTag } from './forum-tags.js';
import { PostClosedError, postRefusesBot, showBeforeClosing, showInPostAsLeft } from './archived-post.js';
import type { StopReason } from './live-answers.js';
import { StreamingReply, type MessageSink } from './streaming-reply.js';

/** Discord shows "typing…" for 10 s per request; renew a little sooner. */
const TYPING_RENEW_MS = 8000;
/** Typing alone this long, and the member is told in words (a model starting on a CPU takes a minute). */
const WRITING_NOTICE_MS = 3000;
export const WRITING_NOTICE = '✍️ Writing an answer… The AI can take a minute to start on this machine; it will appear here.';

/** The answer's buttons, sent with the last message's final text (one request, not a post and then an edit). */
type AnswerExtras = { components: ReturnType<typeof answerButtons> };

/**
 * Posts in the thread once `after` (the thread's earlier answers) is shown; each part with its nonce
 * (streaming-reply.ts). Every request goes the bot's one retry path (channel-send.ts): retried after a dropped
 * connection or a 5xx, each retry logged. While the post is archived or locked against the bot, no request is
 * made (each would be refused, or a new part would reopen the post): the reply fails its flush and the finished
 * answer is shown by showInPostAsLeft (archived-post.ts).
 */
function threadSink(thread: ThreadChannel, after: Promise<void>): MessageSink<AnswerExtras> {
  const whileOpen = async <T>(request: () => Promise<T>): Promise<T> => {
    if (postRefusesBot(thread)) throw new PostClosedError();
    return request();
  };
  return {
    async send(content, extras, nonce) {
      await after;
      const message = await whileOpen(() => sendOnce(thread, { content, ...extras, allowedMentions: NO_MENTIONS }, nonce));
      return {
        id: message.id,
        content: message.content,
        edit: (next: string, more?: AnswerExtras) => whileOpen(() => editOnce(message, { content: next, ...more, allowedMentions: NO_MENTIONS })),
        delete: () => whileOpen(() => deleteOnce(message)),
      };
    },
  };
}

/** After an answer, what the core decided: call staff (when it says so) and set the status tag. */
async function showStatus(thread: ThreadChannel, result: Extract<HandleResult, { kind: 'answered' }>, settings: GuildSettings, ctx: BotContext, log: Logger): Promise<void> {
  const { outcome, ticket } = result;
  if (outcome.callStaff) await pingStaff(thread, ticket, 'fallback', settings, ctx).catch((e: unknown) => log.warn({ err: e }, 'could not call staff'));
  await setStatusTag(thread, settings, outcome.status).catch((e: unknown) => log.warn({ err: e, status: outcome.status }, 'could not set the status tag'));
}

/** The answer's last step in its post: its final text and buttons, then the status; only stopped if the ticket closed. */
async function finishAnswer(
  thread: ThreadChannel,
  reply: StreamingReply<AnswerExtras>,
  result: Extract<HandleResult, { kind: 'answered' }>,
  settings: GuildSettings,
  ctx: BotContext,
  log: Logger,
): Promise<void> {
  const isOpen = () => ctx.core.tickets.getByThread(thread.guildId, thread.id)?.status === 'open';
  // Asked again on a retry after the post was reopened: a lock may have landed while the answer was finishing.
  if (reply.wasStopped || !isOpen()) return reply.stop();
  const { turnId } = result.answer;
  await reply.finish(result.outcome.text, turnId !== undefined ? { components: answerButtons(turnId) } : undefined);
  // The turn keeps its last message's id, for "Train from this".
  const lastId = reply.lastPosted?.id;
  if (lastId !== undefined && turnId !== undefined) ctx.core.tickets.updateTurn(turnId, { messageId: lastId });
  // No Answered tag on a ticket that closed meanwhile.
  if (isOpen()) await showStatus(thread, result, settings, ctx, log);
}

/**
 * The requests that finish or stop one answer in its post, one at a time: a moderator's lock may stop the answer while
 * its own end is finishing it, and each may have to reopen an archived post (archived-post.ts); two at once would
 * archive the post again under the other's edits. A step that finds the answer settled makes no request.
 */
function postShowings(thread: ThreadChannel, reply: StreamingReply<AnswerExtras>, log: Logger) {
  let last: Promise<void> = Promise.resolve();
  // A step left unshown because the post refused the bot (locked, no Manage Threads) logged why; a later step that
  // finds the post still refusing (the lock's stop behind the answer's end) would only log the same warning again.
  let leftUnshown = false;
  const inTurn = (show: (thread: ThreadChannel, show: () => Promise<void>, log: Logger) => Promise<boolean>, step: () => Promise<void>): Promise<void> => {
    const next = last.then(async () => {
      if (reply.settled || (leftUnshown && postRefusesBot(thread))) return;
      leftUnshown = !(await show(thread, step, log));
    });
    last = next.catch(() => undefined);
    return next;
  };
  return {
    /** Reopens an archived post for `step` and archives it again as it was left. */
    asLeft: (step: () => Promise<void>) => inTurn(showInPostAsLeft, step),
    /** Reopens an archived post for `step` and leaves it to the bot's close. */
    beforeClosing: (step: () => Promise<void>) => inTurn(showBeforeClosing, step),
  };
}

/**
 * Stops an answer for a close or a lock (live-answers.ts), at once: from here no further text is sent. Its writing
 * mark then comes off where the post allows: before the bot's close (a post a moderator archived meanwhile is
 * reopened for that edit: a member's close has their client reopen it first, the bot's own from the sweep does
 * not), or in a post a moderator locked, left locked (and archived again if it was). A deleted post takes nothing.
 */
function stopAnswer(reply: StreamingReply<AnswerExtras>, why: StopReason, inPost: ReturnType<typeof postShowings>): Promise<void> {
  if (reply.settled) return Promise.resolve();
  reply.halt();
  if (why === 'deleted') return Promise.resolve();
  return why === 'closing' ? inPost.beforeClosing(() => reply.stop()) : inPost.asLeft(() => reply.stop());
}

export function queuedNotice(position: number): string {
  return position <= 1
    ? '⏳ Working on your question — you are next in line.'
    : `⏳ Working on your question — ${position - 1} question${position === 2 ? '' : 's'} ahead of yours.`;
}

/**
 * Hands a ticket message to the responder and shows the answer in the thread: typing while
 * it works, a "you are in line" note when it has to wait, the AI's text as it streams, then
 * the ticket's status tag. Every message goes out with mentions disabled.
 */
export async function answerInThread(thread: ThreadChannel, message: TicketMessage, settings: GuildSettings, ctx: BotContext): Promise<HandleResult> {
  const log = ctx.core.logger.child({ module: 'tickets', threadId: thread.id });
  const turn = ctx.answerOrder.takeTurnToShow(thread.id);
  await ctx.answerOrder.takeCpuTurn();
  const reply = new StreamingReply<AnswerExtras>(threadSink(thread, turn.before));
  const inPost = postShowings(thread, reply, log);
  let stoppedForClose = false;
  const unregister = ctx.liveAnswers.add(thread.id, {
    stop: (why) => {
      stoppedForClose = true;
      return stopAnswer(reply, why, inPost);
    },
  });
  let typing: NodeJS.Timeout | undefined;
  let typingNeeded = true;
  const stopTyping = () => {
    typingNeeded = false;
    clearInterval(typing);
  };
  // Typing starts once the responder has had its first go: a trained answer, or a queue notice,
  // makes it needless, and in a burst every needless request delays someone's answer behind
  // Discord's rate limit (a waiting ticket would otherwise renew typing every 8 s).
  const startTyping = setImmediate(() => {
    if (!typingNeeded) return;
    void thread.sendTyping().catch(() => undefined);
    typing = setInterval(() => void thread.sendTyping().catch(() => undefined), TYPING_RENEW_MS);
  });
  // Still nothing to show (no text, no place in line): say that the answer is coming.
  const writingNotice = setTimeout(() => {
    if (!typingNeeded) return;
    stopTyping();
    void reply.placeholder(WRITING_NOTICE).catch((e: unknown) => log.warn({ err: e }, 'writing notice failed'));
  }, WRITING_NOTICE_MS);
  try {
    const result = await ctx.core.responder.handleMessage({ ...message, guildName: thread.guild?.name }, {
      onQueued: (position, behind) => {
        // Behind this ticket's own earlier message the member watches that answer come first;
        // a notice posted now would sit above it and show the answers out of order.
        if (behind !== 'other-tickets') return;
        stopTyping();
        void reply.placeholder(queuedNotice(position)).catch((e: unknown) => log.warn({ err: e }, 'queue notice failed'));
      },
      onText: (text) => {
        stopTyping();
        reply.update(text);
      },
    });
    stopTyping();
    clearTimeout(writingNotice);
    if (result.kind === 'stored' && result.reason === 'ticket-closed') {
      // Its lane was cancelled by a close. Every close path today stops the reply first (liveAnswers.stopAll); one
      // that did not would leave the writing mark or the "Writing an answer…" notice in the closed post.
      await stopAnswer(reply, 'locked', inPost).catch((error: unknown) => log.warn({ err: error }, 'stopping the answer of a closed ticket failed'));
      return result;
    }
    if (result.kind !== 'answered') return result;
    // The ticket closed while the answer was written (the bot's close, a moderator's lock): whoever stopped the reply
    // shows it stopped; nothing more goes into the closed post.
    if (reply.wasStopped) return result;
    await inPost.asLeft(() => finishAnswer(thread, reply, result, settings, ctx, log)).catch((error: unknown) => {
      // Refused because a lock (or a close) landed while the answer was finishing: that stop, queued behind this
      // attempt, reopens the post if it can and takes the writing mark off; the failure is not this answer's to report.
      if (!stoppedForClose) throw error;
      log.info({ err: error }, 'the ticket closed while its answer was finishing: its stop takes the writing mark off');
    });
    return result;
  } finally {
    clearImmediate(startTyping);
    clearTimeout(writingNotice);
    stopTyping();
    unregister();
    turn.shown();
  }
}
