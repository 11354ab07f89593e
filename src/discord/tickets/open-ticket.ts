import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import type { ForumChannel, GuildMember, ThreadChannel } from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { BotContext } from '../context.js';
import { answerInThread } from './answer-in-thread.js';

export const SUBJECT_MAX = 100; // Discord's limit for a thread name
export const DESCRIPTION_MAX = 1800; // leaves room for the mention line in a 2000-character message

export function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/**
 * Opens a ticket for a member from the panel: a forum post titled with the subject, whose first
 * message mentions the member (and only them) and quotes the description; then answers it.
 */
export async function openTicketFromPanel(
  forum: ForumChannel,
  member: GuildMember,
  input: { subject: string; description: string; typeId?: number | null },
  settings: GuildSettings,
  ctx: BotContext,
): Promise<ThreadChannel> {
  const thread = await forum.threads
    .create({
      name: input.subject,
      appliedTags: settings.tags.open ? [settings.tags.open] : [],
      message: {
        content: `<@${member.id}> opened this ticket.\n\n${quote(input.description)}`,
        allowedMentions: { users: [member.id] },
      },
    })
    .catch(explainThreadLimit);
  const ticket = ctx.core.tickets.open({ guildId: forum.guildId, threadId: thread.id, ownerId: member.id, subject: input.subject, typeId: input.typeId ?? null });
  answerNewTicket(thread, ticket.guildId, member.id, input, settings, ctx);
  return thread;
}

/** Discord's cap on active threads, said plainly; any other error as it was. */
export function explainThreadLimit(error: unknown): never {
  if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.MaximumActiveThreads) {
    throw new UserError(
      'This server has reached Discord’s limit of 1,000 active threads, so no new ticket can be opened right now. Please tell the staff; closing old tickets frees room.',
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
