import { ChannelType } from 'discord.js';
import type { AnyThreadChannel, Message, OmitPartialGroupDMChannel, PartialMessage } from 'discord.js';
import { describeStorageFailure } from '../../core/errors.js';
import type { BotContext } from '../context.js';
import { handlesType, isStaff } from '../permissions.js';
import { NO_MENTIONS } from '../reply.js';
import { answerInThread } from './answer-in-thread.js';
import { adoptMemberPost, setStatusTag } from './forum-tags.js';
import { followPostState } from '../../core/tickets/post-state.js';
import { sendOnce } from '../channel-send.js';

/** A text stand-in for a message with no text (only files, stickers or embeds), so the turn is kept. */
function describeTextless(message: Message): string {
  const parts: string[] = [];
  if (message.attachments.size > 0) parts.push(`attachments: ${[...message.attachments.values()].map((a) => a.name).join(', ')}`);
  if (message.stickers.size > 0) parts.push(`stickers: ${[...message.stickers.values()].map((s) => s.name).join(', ')}`);
  if (message.embeds.length > 0) parts.push(`${message.embeds.length} embed(s)`);
  return `[${parts.join('; ') || 'empty message'}]`;
}

/**
 * A member's message in a thread: if the thread is a ticket (or a new post in the ticket forum),
 * store it and answer it. Bot messages, other threads and closed tickets are left alone.
 */
export async function onMessageCreate(message: OmitPartialGroupDMChannel<Message>, ctx: BotContext): Promise<void> {
  if (message.author.bot || message.system || !message.inGuild()) return;
  const thread = message.channel;
  if (!thread.isThread()) return;
  const { core } = ctx;
  const settings = core.guildSettings.get(message.guildId);
  if (!settings?.forumChannelId) return;
  // Private tickets live in private threads of another channel; only threads that already are tickets count there.
  const inForum = thread.parentId === settings.forumChannelId;
  if (!inForum && !(thread.type === ChannelType.PrivateThread && core.tickets.getByThread(message.guildId, thread.id))) return;

  try {
    let ticket = core.tickets.getByThread(message.guildId, thread.id);
    const isNew = !ticket;
    if (!ticket) {
      // A post a member made directly in the ticket forum: its starter message shares the thread's id.
      if (message.id !== thread.id) return;
      ticket = core.tickets.open({ guildId: message.guildId, threadId: thread.id, ownerId: message.author.id, subject: thread.name });
    }

    const text = message.content.trim();
    const isStarter = message.id === thread.id;
    const fromStaff =
      message.author.id !== ticket.ownerId && (isStaff(message.member, message.member?.permissions, settings) || handlesType(message.member, ticket.id, ctx));
    // In line with the responder before the tag request is awaited: the member's next message must not overtake this one.
    const answering = answerInThread(
      thread,
      {
        guildId: message.guildId,
        threadId: thread.id,
        authorId: message.author.id,
        messageId: message.id,
        // The post's title is part of the question when the member wrote it in the forum directly.
        content: text === '' ? describeTextless(message) : isStarter ? `${thread.name}\n\n${text}` : text,
        textless: text === '',
        fromStaff,
      },
      settings,
      ctx,
    );
    const tagging = isNew
      ? adoptMemberPost(thread, settings, ctx).catch((e: unknown) => core.logger.warn({ err: e }, 'could not tag a new ticket'))
      : undefined;
    const [result] = await Promise.all([answering, tagging]);
    // A staff message pauses the bot in this ticket (stored first, like every message); a ticket waiting for staff is now answered.
    if (result.kind === 'stored' && result.reason === 'staff' && result.handoffAnswered) await setStatusTag(thread, settings, 'answered');
  } catch (error) {
    // The database refused the write (locked, read-only, disk full): say so where the member waits.
    const storage = describeStorageFailure(error);
    if (!storage) throw error;
    core.logger.error({ err: error, threadId: thread.id, messageId: message.id }, `A ticket message could not be stored: ${storage}`);
    await sendOnce(thread, { content: `⚠️ I could not save this message, so I cannot answer it yet. ${storage}`, allowedMentions: NO_MENTIONS })
      .catch((e: unknown) => core.logger.warn({ err: e }, 'could not report the storage failure in the ticket'));
  }
}

/**
 * A ticket's post changed in Discord: the ticket follows it (core/tickets/post-state.ts says how). A post a moderator
 * locked takes nothing more from the bot: an answer still being written there stops where it is and loses its writing
 * mark. Discord would let the bot write on when it has Manage Threads (topics/threads.mdx, Locked Threads), so the bot
 * stops itself.
 */
export function onThreadUpdate(thread: AnyThreadChannel, ctx: BotContext): void {
  if (followPostState(ctx.core.tickets, { guildId: thread.guildId, threadId: thread.id, locked: thread.locked ?? false })) {
    ctx.core.logger.info({ threadId: thread.id }, 'a ticket was locked in Discord: closed it');
  }
  if (thread.locked) void ctx.liveAnswers.stopAll(thread.id, 'locked');
}

export function onMessageUpdate(message: OmitPartialGroupDMChannel<Message | PartialMessage>, ctx: BotContext): void {
  if (message.partial || message.author.bot || typeof message.content !== 'string') return;
  ctx.core.tickets.editTurnByMessage(message.id, message.content);
}

export function onMessageDelete(message: OmitPartialGroupDMChannel<Message | PartialMessage>, ctx: BotContext): void {
  ctx.core.tickets.deleteTurnByMessage(message.id);
}
