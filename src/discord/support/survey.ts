import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { ButtonInteraction, ModalSubmitInteraction, ThreadChannel } from 'discord.js';
import { COMMENT_MAX } from '../../core/desk/ratings.js';
import { UserError } from '../../core/errors.js';
import type { Ticket } from '../../core/tickets/store.js';
import { customId, parseIdArg } from '../components/custom-id.js';
import type { BotContext } from '../context.js';
import { respond, updateMessage } from '../reply.js';
import { sendDirectMessage } from './direct-message.js';
import { memberHasLeft } from './member-presence.js';

const RATE_BUTTON = 'tsv';
const COMMENT_BUTTON = 'tsc';
const COMMENT_MODAL = 'tscm';

/**
 * After a close (by /close_ticket, the Solved button or the stale sweep), the member is asked once, by DM, to rate
 * the help: a closed thread takes no clicks (it is locked and archived), and a DM is theirs alone. A ticket already
 * rated (the close-request form rates before closing) is not asked again, nor anyone in a server that turned the
 * rating DM off (`core.desk.surveyDue`), nor a member who has left the server. Closed DMs (403 50007) are the member's
 * choice: skipped quietly, logged at debug. Never throws: the ticket is closed whatever happens here.
 */
export async function offerSurvey(thread: ThreadChannel, ticket: Ticket, ctx: BotContext): Promise<void> {
  const log = ctx.core.logger.child({ module: 'survey', threadId: thread.id, ticketId: ticket.id });
  if (!ctx.core.desk.surveyDue(thread.guildId, ticket.id)) return;
  try {
    const member = await ctx.client.users.fetch(ticket.ownerId);
    if (member.bot) return;
    // Discord refuses a DM to someone who shares no server with the bot (50007): a member who left is not asked.
    if (await memberHasLeft(thread.guild, ticket.ownerId)) return log.debug('the member has left the server; no survey');
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      [1, 2, 3, 4, 5].map((n) => new ButtonBuilder().setCustomId(customId(RATE_BUTTON, thread.guildId, ticket.id, n)).setLabel(`${n}`).setEmoji(n >= 4 ? '⭐' : '☆').setStyle(ButtonStyle.Secondary)),
    );
    const sent = await sendDirectMessage(member, {
      content: `Your ticket **${ticket.subject}** in **${thread.guild.name}** is closed. How did we do? Rate the help from 1 (poor) to 5 (great): one click.`,
      components: [row],
    });
    if (sent === 'dms-closed') log.debug('the member does not take DMs from this server; no survey');
  } catch (error) {
    log.warn({ err: error }, 'could not send the survey');
  }
}

/** The ticket a survey button or form is about, checked to be the clicking member's own. */
function ownTicket(args: string[], userId: string, ctx: BotContext): Ticket {
  const [guildId, ticketArg] = args;
  const ticketId = parseIdArg(ticketArg);
  const ticket = guildId && ticketId ? ctx.core.tickets.get(guildId, ticketId) : undefined;
  if (!ticket) throw new UserError('This ticket no longer exists.');
  if (ticket.ownerId !== userId) throw new UserError('Only the member who opened this ticket can rate it.');
  return ticket;
}

async function rate(interaction: ButtonInteraction, args: string[], ctx: BotContext): Promise<void> {
  const ticket = ownTicket(args, interaction.user.id, ctx);
  const rating = Number(args[2]);
  ctx.core.desk.ratings.rate({ guildId: ticket.guildId, ticketId: ticket.id, rating });
  const more = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId(COMMENT_BUTTON, ticket.guildId, ticket.id)).setLabel('Add a comment').setEmoji('💬').setStyle(ButtonStyle.Secondary),
  );
  await updateMessage(interaction, { content: `⭐ Thank you! You rated the help on **${ticket.subject}** ${rating}/5.`, components: [more] });
}

async function askComment(interaction: ButtonInteraction, args: string[], ctx: BotContext): Promise<void> {
  const ticket = ownTicket(args, interaction.user.id, ctx);
  if (ctx.core.desk.ratings.commentOf(ticket.id)) throw new UserError('You already commented on this ticket. Thank you!');
  const modal = new ModalBuilder()
    .setCustomId(customId(COMMENT_MODAL, ticket.guildId, ticket.id))
    .setTitle('Anything to add?')
    .addComponents(
      new ActionRowBuilder<TextInputBuilder>().addComponents(
        new TextInputBuilder().setCustomId('comment').setLabel('Your comment for the staff').setStyle(TextInputStyle.Paragraph).setMaxLength(COMMENT_MAX).setRequired(true),
      ),
    );
  await interaction.showModal(modal);
}

async function saveComment(interaction: ModalSubmitInteraction, args: string[], ctx: BotContext): Promise<void> {
  const ticket = ownTicket(args, interaction.user.id, ctx);
  ctx.core.desk.ratings.addComment(ticket.id, interaction.fields.getTextInputValue('comment'));
  await respond(interaction, '💬 Thank you, the staff will read your comment.', false);
}

/** Clicks and forms in a DM (no server, no member): only the survey lives there. Returns false if it is not ours. */
export async function routeSurveyInteraction(interaction: ButtonInteraction | ModalSubmitInteraction, ctx: BotContext): Promise<boolean> {
  const [prefix = '', ...args] = interaction.customId.split(':');
  if (interaction.isButton() && prefix === RATE_BUTTON) await rate(interaction, args, ctx);
  else if (interaction.isButton() && prefix === COMMENT_BUTTON) await askComment(interaction, args, ctx);
  else if (interaction.isModalSubmit() && prefix === COMMENT_MODAL) await saveComment(interaction, args, ctx);
  else return false;
  return true;
}
