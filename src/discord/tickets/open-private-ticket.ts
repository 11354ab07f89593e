import { ChannelType, PermissionFlagsBits } from 'discord.js';
import type { Guild, GuildMember, TextChannel, ThreadChannel } from 'discord.js';
import type { TicketType } from '../../core/desk/ticket-types.js';
import { UserError } from '../../core/errors.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { BotContext } from '../context.js';
import { answerNewTicket, explainRefusedTicketThread, postRestOfDescription, ticketOpeningMessages } from './open-ticket.js';
import { postStatusLine } from './status-line.js';
import { sendOnce } from '../channel-send.js';
import { createThreadOnce } from '../thread-create-once.js';

/** Discord's auto-archive choice for a ticket thread: a week, so a quiet ticket stays in the channel list. */
const ONE_WEEK_MINUTES = 10_080;

/** The text channel that holds private tickets, or a clear refusal telling an admin what to fix. */
export function requirePrivateChannel(guild: Guild, ctx: BotContext): TextChannel {
  const id = ctx.core.desk.settings.get(guild.id).privateChannelId;
  const channel = id ? guild.channels.cache.get(id) : undefined;
  if (!channel || channel.type !== ChannelType.GuildText) {
    throw new UserError('Private tickets are not set up: an admin needs to choose their text channel with `/ticket_settings private_channel`.');
  }
  const me = guild.members.me;
  const perms = me ? channel.permissionsFor(me) : null;
  if (!perms?.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.CreatePrivateThreads, PermissionFlagsBits.SendMessagesInThreads])) {
    throw new UserError(`I cannot open private threads in ${channel.toString()}: give me **View Channel**, **Create Private Threads** and **Send Messages in Threads** there.`);
  }
  return channel;
}

/**
 * Opens a private ticket: a private thread in the private-ticket channel that nobody can invite others to,
 * with the member added, the opening message, the pinned status line, then the bot's answer. Staff with
 * Manage Threads see every private thread; others are added when they claim it.
 */
export async function openPrivateTicket(
  member: GuildMember,
  type: TicketType,
  input: { subject: string; description: string },
  settings: GuildSettings,
  ctx: BotContext,
): Promise<ThreadChannel> {
  const channel = requirePrivateChannel(member.guild, ctx);
  // A private thread has no starter message to check: the lost one is the bot's, unknown and unclaimed, of that name.
  const thread = await createThreadOnce(
    channel,
    { kind: 'private thread', name: input.subject, isKnown: (threadId) => ctx.core.tickets.getByThread(member.guild.id, threadId) !== undefined },
    () => channel.threads.create({ name: input.subject, type: ChannelType.PrivateThread, invitable: false, autoArchiveDuration: ONE_WEEK_MINUTES }),
  ).catch(explainRefusedTicketThread);
  const log = ctx.core.logger.child({ module: 'private-ticket', threadId: thread.id });
  try {
    await thread.members.add(member.id);
    const [first, ...rest] = ticketOpeningMessages(member.id, input.description, `opened this private **${type.name}** ticket. Only you and staff can read it.`);
    await sendOnce(thread, { content: first!, allowedMentions: { users: [member.id] } });
    await postRestOfDescription(thread, rest, ctx);
    await postStatusLine(thread, (error) => log.warn({ err: error }, 'could not pin the status line (give the bot Pin Messages)'));
  } catch (error) {
    // A thread the member cannot reach is no ticket: remove it rather than leave an orphan.
    await thread.delete().catch((e: unknown) => log.warn({ err: e }, 'could not delete a half-opened private ticket'));
    throw error;
  }
  const ticket = ctx.core.tickets.open({ guildId: member.guild.id, threadId: thread.id, ownerId: member.id, subject: input.subject, typeId: type.id, private: true });
  answerNewTicket(thread, ticket.guildId, member.id, input, settings, ctx);
  return thread;
}
