import { ChannelType } from 'discord.js';
import type { ChatInputCommandInteraction } from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { StatsPeriod } from '../../core/support/ticket-stats.js';
import { deskStatsEmbed } from '../render/desk-stats.js';
import { ticketStatsEmbed } from '../render/ticket-stats.js';
import { respond } from '../reply.js';
import type { BotContext } from '../context.js';
import { isStaff } from '../permissions.js';
import { DMS_CLOSED_TEXT, sendDirectMessage } from '../support/direct-message.js';
import { transcriptCaption, transcriptFile } from '../support/transcripts.js';
import { answerFeedbackButtons } from './answer-feedback.js';
import type { ComponentHandler, MessageCommand, SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';
import { channel, text } from './option-schema.js';
import { suggestionCommands, suggestionComponents } from './suggestions.js';
import { requireTicketThread } from './guards.js';
import { trainFromMessageCommands, trainFromMessageComponents } from './train-from-message.js';

const aiPause = defineCommand({
  name: 'ai_pause',
  description: 'Stop the bot answering in this ticket (staff answer here)',
  access: 'staff',
  ephemeral: false,
  async execute(interaction, ctx) {
    const { ticket } = requireTicketThread(interaction, ctx);
    ctx.core.support.takeover.pause(ticket, interaction.user.id);
    await respond(interaction, '⏸️ The bot is paused in this ticket: staff will answer here. `/ai_resume` lets it answer again.', false);
  },
});

const aiResume = defineCommand({
  name: 'ai_resume',
  description: 'Let the bot answer in this ticket again',
  access: 'staff',
  ephemeral: false,
  async execute(interaction, ctx) {
    const { ticket } = requireTicketThread(interaction, ctx);
    ctx.core.support.takeover.resume(ticket);
    await respond(interaction, '▶️ The bot answers in this ticket again.', false);
  },
});

const PERIODS: readonly { name: string; value: StatsPeriod }[] = [
  { name: 'Last 24 hours', value: 'day' },
  { name: 'Last 7 days', value: 'week' },
  { name: 'Last 30 days', value: 'month' },
  { name: 'All time', value: 'all' },
];

const ticketStats = defineCommand({
  name: 'ticket_stats',
  description: 'Tickets, answer times, answer sources, deflection, votes and knowledge gaps',
  access: 'staff',
  options: {
    period: text({ description: 'Which period (default: last 7 days)', choices: PERIODS }),
  },
  async execute(interaction, ctx, options) {
    const period = options.period ?? 'week';
    // Discord sends only a listed choice; a definition older than this code could still send another.
    if (!PERIODS.some((p) => p.value === period)) throw new UserError('The period must be day, week, month or all.');
    const report = ctx.core.support.stats.report(interaction.guildId, period);
    const { ratings } = ctx.core.desk;
    const since = report.range.since;
    const desk = deskStatsEmbed({ byType: ratings.byTypeSince(interaction.guildId, since), byStaff: ratings.byStaffSince(interaction.guildId, since), times: ratings.timesByType(interaction.guildId, since) });
    await respond(interaction, { embeds: desk ? [ticketStatsEmbed(report), desk] : [ticketStatsEmbed(report)] });
  },
});

/**
 * Staff get any ticket's transcript here (ephemeral). A member gets their own ticket's transcript by DM, never in a
 * channel: a private ticket's words go to no channel anyone else can read. The command is visible to everyone for
 * that reason; the check is here, not in default_member_permissions.
 */
const ticketTranscript = defineCommand({
  name: 'ticket_transcript',
  description: 'Get a ticket’s transcript as a Markdown file (members: your own ticket, by DM)',
  access: 'everyone',
  defer: true,
  options: {
    ticket: channel({ description: 'The ticket’s thread (default: this one)', types: [ChannelType.PublicThread, ChannelType.PrivateThread] }),
  },
  async execute(interaction, ctx, options) {
    const threadId = options.ticket?.id ?? interaction.channelId;
    const staff = isStaff(interaction.member, interaction.memberPermissions, ctx.core.guildSettings.get(interaction.guildId));
    if (!staff) return sendOwnTranscriptByDm(interaction, threadId, ctx);
    const built = transcriptFile(ctx, interaction.guild, threadId);
    if (!built) throw new UserError('That is not a ticket: run this inside a ticket thread, or pick one with the `ticket` option.');
    await respond(interaction, { content: transcriptCaption(built.transcript), files: [built.file] });
  },
});

async function sendOwnTranscriptByDm(interaction: ChatInputCommandInteraction<'cached'>, threadId: string, ctx: BotContext): Promise<void> {
  const ticket = ctx.core.tickets.getByThread(interaction.guildId, threadId);
  if (!ticket || ticket.ownerId !== interaction.user.id) {
    throw new UserError('You can get the transcript of your own tickets: run this inside your ticket, or pick it with the `ticket` option.');
  }
  const built = transcriptFile(ctx, interaction.guild, threadId)!;
  const sent = await sendDirectMessage(interaction.user, { content: transcriptCaption(built.transcript), files: [built.file] });
  if (sent === 'dms-closed') throw new UserError(`${DMS_CLOSED_TEXT} Nothing was posted in the server.`);
  await respond(interaction, `📬 I sent you the transcript of ticket #${ticket.id} by direct message.`);
}

export const supportCommands: SlashCommand[] = [aiPause, aiResume, ticketStats, ticketTranscript, ...suggestionCommands];
export const supportComponents: ComponentHandler[] = [answerFeedbackButtons, ...suggestionComponents, ...trainFromMessageComponents];
export const supportMessageCommands: MessageCommand[] = [...trainFromMessageCommands];
