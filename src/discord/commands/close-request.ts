import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { ButtonInteraction, ModalSubmitInteraction, ThreadChannel } from 'discord.js';
import { COMMENT_MAX } from '../../core/desk/ratings.js';
import { UserError } from '../../core/errors.js';
import type { Ticket } from '../../core/tickets/store.js';
import { customId } from '../components/custom-id.js';
import type { BotContext } from '../context.js';
import { respond, updateMessage } from '../reply.js';
import { noteSaved } from '../saved-change.js';
import { closeTicketThread } from '../tickets/close-ticket.js';
import type { ComponentHandler, SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';
import { requireSetup, requireTicketThread } from './guards.js';

const CLOSE_REQUEST_BUTTON = 'tcr';
const SURVEY_MODAL = 'tcrm';
export const CONFIRMED_REASON = 'confirmed by the member';

/** The member's answer buttons and form act only in their own ticket's thread. */
function ownTicket(interaction: ButtonInteraction<'cached'> | ModalSubmitInteraction<'cached'>, ctx: BotContext): { thread: ThreadChannel; ticket: Ticket } {
  const channel = interaction.channel;
  const ticket = channel?.isThread() ? ctx.core.tickets.getByThread(interaction.guildId, channel.id) : undefined;
  if (!channel?.isThread() || !ticket) throw new UserError('This ticket no longer exists.');
  if (ticket.ownerId !== interaction.user.id) throw new UserError(`Only <@${ticket.ownerId}>, who opened this ticket, can answer this.`);
  if (ticket.status !== 'open') throw new UserError('This ticket is already closed.');
  return { thread: channel, ticket };
}

const ticketCloseRequest = defineCommand({
  name: 'ticket_close_request',
  description: 'Ask the member to confirm this ticket can close (it closes after the stale delay unanswered)',
  access: 'staff',
  ephemeral: false,
  async execute(interaction, ctx) {
    const { thread, ticket } = requireTicketThread(interaction, ctx);
    ctx.core.desk.closeRequests.request(interaction.guildId, thread.id, interaction.user.id);
    noteSaved(interaction, { saved: 'The close request is recorded.', check: 'the ticket closes after the stale delay unless the member answers; `/ticket_info` shows the ticket.' });
    const hours = ctx.core.config.STALE_TICKET_HOURS;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customId(CLOSE_REQUEST_BUTTON, 'yes')).setLabel('Close and rate').setEmoji('✅').setStyle(ButtonStyle.Success),
      new ButtonBuilder().setCustomId(customId(CLOSE_REQUEST_BUTTON, 'no')).setLabel('Keep open').setEmoji('↩️').setStyle(ButtonStyle.Secondary),
    );
    const content = `<@${ticket.ownerId}>, <@${interaction.user.id}> thinks your question is solved. Can this ticket close?${hours > 0 ? ` Without an answer it closes in ${hours} hours.` : ''}`;
    await respond(interaction, { content, components: [row], allowedMentions: { parse: [], users: [ticket.ownerId] } }, false);
  },
});

/** Close → the one-question survey (rating 1–5, optional comment); Keep open → the request is withdrawn. */
const answerButtons: ComponentHandler = {
  prefix: CLOSE_REQUEST_BUTTON,
  access: 'everyone',
  async handleButton(interaction, args, ctx) {
    const { ticket } = ownTicket(interaction, ctx);
    if (args[0] === 'no') {
      ctx.core.desk.closeRequests.cancel(ticket.id);
      await updateMessage(interaction, { content: `↩️ <@${ticket.ownerId}> kept this ticket open.`, components: [] });
      return;
    }
    if (!ctx.core.desk.closeRequests.made(ticket.id)) throw new UserError('This close request was withdrawn; the ticket stays open.');
    const modal = new ModalBuilder()
      .setCustomId(customId(SURVEY_MODAL))
      .setTitle('How did we do?')
      .addComponents(
        new ActionRowBuilder<TextInputBuilder>().addComponents(
          new TextInputBuilder().setCustomId('rating').setLabel('Rate the help from 1 (poor) to 5 (great)').setStyle(TextInputStyle.Short).setMinLength(1).setMaxLength(1).setRequired(true),
        ),
        new ActionRowBuilder<TextInputBuilder>().addComponents(
          new TextInputBuilder().setCustomId('comment').setLabel('Anything to add? (optional)').setStyle(TextInputStyle.Paragraph).setMaxLength(COMMENT_MAX).setRequired(false),
        ),
      );
    await interaction.showModal(modal);
  },
};

const surveyModal: ComponentHandler = {
  prefix: SURVEY_MODAL,
  access: 'everyone',
  async handleModal(interaction, _args, ctx) {
    const { thread, ticket } = ownTicket(interaction, ctx);
    const settings = requireSetup(ctx, interaction.guildId);
    const raw = interaction.fields.getTextInputValue('rating').trim();
    if (!/^[1-5]$/.test(raw)) throw new UserError('Please rate with one number from 1 to 5. The ticket is still open.');
    ctx.core.desk.ratings.rate({ guildId: interaction.guildId, ticketId: ticket.id, rating: Number(raw), comment: interaction.fields.getTextInputValue('comment') });
    ctx.core.desk.closeRequests.cancel(ticket.id);
    noteSaved(interaction, { saved: `Your rating (${raw}/5) is saved.`, check: 'the ticket closes; if its post stays open, the bot finishes closing it at its next start.' });
    await closeTicketThread(thread, { closedBy: ticket.ownerId, reason: CONFIRMED_REASON }, settings, ctx, async (text) =>
      respond(interaction, `${text}\n⭐ Thank you for rating the help ${raw}/5.`, false),
    );
  },
};

export const closeRequestCommands: SlashCommand[] = [ticketCloseRequest];
export const closeRequestComponents: ComponentHandler[] = [answerButtons, surveyModal];
