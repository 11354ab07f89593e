import type { Message, ThreadChannel } from 'discord.js';
import type { HandleResult, TicketMessage } from '../../core/responder.js';
import { answerButtons } from '../components/answer-buttons.js';
import type { BotContext } from '../context.js';
import { NO_MENTIONS } from '../reply.js';
import { finishAnswer } from '../support/handoff.js';
import { setStatusTag } from './forum-tags.js';
import { StreamingReply, type MessageSink } from './streaming-reply.js';

/** Discord shows "typing…" for 10 s per request; renew a little sooner. */
const TYPING_RENEW_MS = 8000;

/** The answer's buttons, sent with the last message's final text (one request, not a post and then an edit). */
type AnswerExtras = { components: ReturnType<typeof answerButtons> };

/** `posted`: the messages of this answer still shown, in order (the last one gets the answer's buttons). */
function threadSink(thread: ThreadChannel, after: Promise<void>, posted = new Set<Message>()): MessageSink<AnswerExtras> {
  return {
    async send(content, extras) {
      await after;
      const message = await thread.send({ content, ...extras, allowedMentions: NO_MENTIONS });
      posted.add(message);
      return {
        edit: (next: string, more?: AnswerExtras) => message.edit({ content: next, ...more, allowedMentions: NO_MENTIONS }),
        delete: () => {
          posted.delete(message);
          return message.delete();
        },
      };
    },
  };
}

export function queuedNotice(position: number): string {
  return position <= 1
    ? '⏳ Working on your question — you are next in line.'
    : `⏳ Working on your question — ${position - 1} question${position === 2 ? '' : 's'} ahead of yours.`;
}

/**
 * Hands a ticket message to the responder and shows the answer in the thread: typing while
 * it works, a "you are in line" note when it has to wait, the AI's text as it streams, and
 * the Answered tag once done. Every message goes out with mentions disabled.
 */
export async function answerInThread(thread: ThreadChannel, message: TicketMessage, ctx: BotContext): Promise<HandleResult> {
  const log = ctx.core.logger.child({ module: 'tickets', threadId: thread.id });
  const turn = ctx.answerOrder.takeTurnToShow(thread.id);
  await ctx.answerOrder.takeCpuTurn();
  const posted = new Set<Message>();
  const reply = new StreamingReply<AnswerExtras>(threadSink(thread, turn.before, posted));
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
  try {
    const result = await ctx.core.responder.handleMessage(message, {
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
    if (result.kind !== 'answered') return result;
    const { turnId } = result.answer;
    await reply.finish(result.answer.text, turnId !== undefined ? { components: answerButtons(turnId) } : undefined);
    // The turn keeps its last message's id, for "Train from this".
    const lastMessage = [...posted].at(-1);
    if (lastMessage && turnId !== undefined) ctx.core.tickets.updateTurn(turnId, { messageId: lastMessage.id });
    const settings = ctx.core.guildSettings.get(thread.guildId);
    if (settings) await setStatusTag(thread, settings, 'answered').catch((e: unknown) => log.warn({ err: e }, 'could not set the Answered tag'));
    await finishAnswer(thread, result, ctx).catch((e: unknown) => log.warn({ err: e }, 'could not call staff'));
    return result;
  } finally {
    clearImmediate(startTyping);
    stopTyping();
    turn.shown();
  }
}
