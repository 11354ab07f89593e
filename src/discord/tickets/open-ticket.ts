import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import type { ForumChannel, GuildMember, ThreadChannel } from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { BotContext } from '../context.js';
import { NO_MENTIONS } from '../reply.js';
import { splitMessage } from '../render/split-message.js';
import { answerInThread } from './answer-in-thread.js';
import { sendOnce } from '../channel-send.js';
import { createThreadOnce } from '../thread-create-once.js';
import { ticketTagsForOpening } from './forum-tags.js';

export const SUBJECT_MAX = 100; // Discord's limit for a thread name
export const DESCRIPTION_MAX = 1800; // what the modal accepts; quoted, it may need more than one message

export function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/**
 * The post's messages: the mention line and the quoted description, split where Discord's
 * 2,000-character limit needs it. Quoting adds two characters a line, so a pasted log of ~90
 * short lines no longer fits in the first message (Discord answers 400 50035); the rest follows.
 */
export function ticketOpeningMessages(memberId: string, description: string, opened = 'opened this ticket.'): string[] {
  return splitMessage(`<@${memberId}> ${opened}\n\n${quote(description)}`);
}

/**
 * Opens a ticket for a member from the panel: a forum post titled with the subject, whose first
 * message mentions the member (and only them) and quotes the description (continued in the next
 * messages when it is long); then answers it.
 */
export async function openTicketFromPanel(
  forum: ForumChannel,
  member: GuildMember,
  input: { subject: string; description: string; typeId?: number | null },
  settings: GuildSettings,
  ctx: BotContext,
): Promise<ThreadChannel> {
  const [first, ...rest] = ticketOpeningMessages(member.id, input.description);
  const tags = (await ticketTagsForOpening(forum, settings, ctx)).tags;
  const thread = await createThreadOnce(
    forum,
    {
      kind: 'forum post',
      name: input.subject,
      isKnown: (threadId) => ctx.core.tickets.getByThread(forum.guildId, threadId) !== undefined,
      // A forum post's starter message has the post's id (threads.mdx, Creating Threads in Forum and Media Channels): the lost post opens with this member's
      // line. Only that line is compared: it holds no member text, which Discord may have cleaned (Start Thread in Forum).
      isOurs: async (post) => firstLine((await post.fetchStarterMessage())?.content) === firstLine(first),
    },
    () =>
      forum.threads.create({
        name: input.subject,
        appliedTags: tags.open ? [tags.open] : [],
        // Discord hides a post after this long without activity; the setting defaults to the longest it allows.
        autoArchiveDuration: ctx.core.config.TICKET_AUTO_ARCHIVE_MINUTES,
        message: { content: first!, allowedMentions: { users: [member.id] } },
      }),
  ).catch(explainRefusedTicketThread);
  const ticket = ctx.core.tickets.open({ guildId: forum.guildId, threadId: thread.id, ownerId: member.id, subject: input.subject, typeId: input.typeId ?? null });
  await postRestOfDescription(thread, rest, ctx);
  answerNewTicket(thread, ticket.guildId, member.id, input, settings, ctx);
  return thread;
}

const firstLine = (text: string | undefined) => text?.split('\n', 1)[0];

/** The rest of a long description, in order, before the answer (the whole text is stored with the ticket either way). */
export async function postRestOfDescription(thread: ThreadChannel, rest: string[], ctx: BotContext): Promise<void> {
  for (const content of rest) {
    await sendOnce(thread, { content, allowedMentions: NO_MENTIONS }).catch((error: unknown) => ctx.core.logger.warn({ err: error, threadId: thread.id }, 'could not post the rest of a ticket description'));
  }
}

/** Why Discord refused a ticket's thread, said plainly where the member or an admin can act on it; any other error as it was. */
export function explainRefusedTicketThread(error: unknown): never {
  if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.MaximumActiveThreads) {
    throw new UserError(
      'This server has reached Discord’s limit of 1,000 active threads, so no new ticket can be opened right now. Please tell the staff; closing old tickets frees room.',
    );
  }
  // The forum requires a tag on every post (its REQUIRE_TAG flag) and the Open tag is gone: ticketTagsForOpening could not make it again.
  if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.TagRequiredToCreateAForumPostInThisChannel) {
    throw new UserError(
      'The ticket forum requires a tag on every post, and its **Open** tag was deleted, so no ticket can be opened right now. Please tell an admin to run `/setup` again (the bot needs **Manage Channels** on the forum to add the tag back).',
    );
  }
  throw error;
}

/** Answers a ticket's opening question in the background: the member is told where the ticket is without waiting for the AI. */
export function answerNewTicket(
  thread: ThreadChannel,
  guildId: string,
  memberId: string,
  input: { subject: string; description: string },
  settings: GuildSettings,
  ctx: BotContext,
): void {
  void answerInThread(
    thread,
    { guildId, threadId: thread.id, authorId: memberId, messageId: null, content: `${input.subject}\n\n${input.description}`, fromStaff: false },
    settings,
    ctx,
  ).catch((error: unknown) => ctx.core.logger.error({ err: error, threadId: thread.id }, 'answering a new ticket failed'));
}
