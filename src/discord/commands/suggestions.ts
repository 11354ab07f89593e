import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import type { InteractionUpdateOptions } from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { TrainingSuggestion } from '../../core/support/suggestions.js';
import { customId, parseIdArg } from '../components/custom-id.js';
import { readTrainingModal, trainingModal } from '../components/training-modal.js';
import type { BotContext } from '../context.js';
import { clip, EMBED_LIMITS, fieldValue } from '../render/embed-text.js';
import { NO_MENTIONS, respond } from '../reply.js';
import type { ComponentHandler, SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';
import { requireTrainingEnabled } from './guards.js';

const SUGGESTION_BUTTON = 'sug';
const SUGGESTION_MODAL = 'sugm';

function suggestionButtons(id: number): ActionRowBuilder<ButtonBuilder>[] {
  return [
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customId(SUGGESTION_BUTTON, 'ok', id)).setLabel('Approve').setEmoji('✅').setStyle(ButtonStyle.Success),
      new ButtonBuilder().setCustomId(customId(SUGGESTION_BUTTON, 'edit', id)).setLabel('Edit, then add').setEmoji('✏️').setStyle(ButtonStyle.Primary),
      new ButtonBuilder().setCustomId(customId(SUGGESTION_BUTTON, 'no', id)).setLabel('Dismiss').setEmoji('🗑️').setStyle(ButtonStyle.Secondary),
    ),
  ];
}

function suggestionEmbed(suggestion: TrainingSuggestion, waiting: number, threadId: string | undefined, fromPrivate = false): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setTitle(`Training suggestion #${suggestion.id}${fromPrivate ? ' 🔒 from a private ticket' : ''}`)
    .setColor(0xfee75c)
    .setDescription(clip(suggestion.answer, EMBED_LIMITS.description))
    .addFields(
      { name: 'Question', value: fieldValue(suggestion.question) },
      { name: 'Why', value: `A member marked this AI answer as solving their ticket${threadId ? ` (<#${threadId}>)` : ''}.` },
    )
    .setFooter({ text: `${waiting} suggestion${waiting === 1 ? '' : 's'} waiting · the answer above becomes the trained answer` });
  // A private ticket's words are the member's own: staff see them here, and only what staff approve reaches training.
  if (fromPrivate) embed.addFields({ name: '🔒 Private', value: 'This comes from a private ticket. Take out anything personal (names, order numbers, amounts) with **Edit, then add**: trained answers can be shown in any ticket.' });
  return embed;
}

/** The oldest waiting suggestion with its buttons, under an optional note on what was just done. */
function suggestionView(ctx: BotContext, guildId: string, note?: string): InteractionUpdateOptions & { content: string } {
  const suggestion = ctx.core.support.suggestions.next(guildId);
  if (!suggestion) {
    const none = 'No training suggestions are waiting. When a member marks an AI answer as solving their ticket, it shows up here for staff to approve.';
    return { content: note ? `${note}\n${none}` : none, embeds: [], components: [], allowedMentions: NO_MENTIONS };
  }
  const ticket = ctx.core.tickets.turnInGuild(guildId, suggestion.turnId)?.ticket;
  return {
    content: note ?? '',
    embeds: [
      suggestionEmbed(suggestion, ctx.core.support.suggestions.pendingCount(guildId), ticket?.threadId, ticket ? ctx.core.desk.claims.ticket(guildId, ticket.threadId)?.private : false),
    ],
    components: suggestionButtons(suggestion.id),
    allowedMentions: NO_MENTIONS,
  };
}

function suggestionId(arg: string | undefined): number {
  const id = parseIdArg(arg);
  if (id === undefined) throw new UserError('This button is no longer in use.');
  return id;
}

const trainingSuggestions = defineCommand({
  name: 'training_suggestions',
  description: 'AI answers that solved tickets: approve, edit or dismiss them as trained answers',
  access: 'staff',
  async execute(interaction, ctx) {
    const { content, embeds, components } = suggestionView(ctx, interaction.guildId);
    await respond(interaction, { content: content || undefined, embeds, components });
  },
});

/** Approve / Edit / Dismiss: `sug:<action>:<suggestionId>`. */
const suggestionButtonsHandler: ComponentHandler = {
  prefix: SUGGESTION_BUTTON,
  access: 'staff',
  async handleButton(interaction, [action, arg], ctx) {
    const id = suggestionId(arg);
    const guildId = interaction.guildId;
    const { suggestions } = ctx.core.support;
    if (action === 'edit') {
      requireTrainingEnabled(ctx);
      const suggestion = suggestions.get(guildId, id);
      if (!suggestion || suggestion.status !== 'pending') throw new UserError(`Suggestion #${id} was already handled.`);
      await interaction.showModal(trainingModal(customId(SUGGESTION_MODAL, id), 'Edit, then add to training', suggestion));
      return;
    }
    let note: string;
    if (action === 'ok') {
      requireTrainingEnabled(ctx);
      const entry = suggestions.approve(guildId, id, interaction.user.id);
      note = `✅ Suggestion #${id} is now trained entry #${entry.id}.`;
    } else if (action === 'no') {
      suggestions.dismiss(guildId, id, interaction.user.id);
      note = `🗑️ Suggestion #${id} dismissed; it will not be offered again.`;
    } else {
      throw new UserError('This button is no longer in use.');
    }
    await interaction.update(suggestionView(ctx, guildId, note));
  },
};

/** The edited suggestion: added to training as staff wrote it. */
const suggestionModal: ComponentHandler = {
  prefix: SUGGESTION_MODAL,
  access: 'staff',
  async handleModal(interaction, [arg], ctx) {
    requireTrainingEnabled(ctx);
    const id = suggestionId(arg);
    const entry = ctx.core.support.suggestions.approve(interaction.guildId, id, interaction.user.id, readTrainingModal(interaction));
    const view = suggestionView(ctx, interaction.guildId, `✅ Suggestion #${id}, as edited, is now trained entry #${entry.id}.`);
    if (interaction.isFromMessage()) await interaction.update(view);
    else await respond(interaction, view.content);
  },
};

export const suggestionCommands: SlashCommand[] = [trainingSuggestions];
export const suggestionComponents: ComponentHandler[] = [suggestionButtonsHandler, suggestionModal];
