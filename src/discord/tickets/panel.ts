import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { ModalSubmitInteraction } from 'discord.js';
import type { TicketType } from '../../core/desk/ticket-types.js';
import { customId } from '../components/custom-id.js';
import { requireText } from '../commands/options.js';
import { DESCRIPTION_MAX, SUBJECT_MAX } from './open-ticket.js';

export const PANEL_BUTTON = 'tp';
export const PANEL_MODAL = 'tpm';
const BUTTONS_PER_ROW = 5;
/** Discord: a text input holds at most 4000 characters; one answer is kept well under the ticket's 1800. */
const ANSWER_MAX = 1000;

/** The panel's buttons: the single "Open ticket" when the server has no types, else one per type (≤ 25, five rows of five). */
export function panelRows(types: TicketType[]): ActionRowBuilder<ButtonBuilder>[] {
  if (types.length === 0) {
    return [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(customId(PANEL_BUTTON)).setLabel('Open ticket').setEmoji('🎫').setStyle(ButtonStyle.Primary))];
  }
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  types.forEach((type, i) => {
    if (i % BUTTONS_PER_ROW === 0) rows.push(new ActionRowBuilder<ButtonBuilder>());
    const button = new ButtonBuilder()
      .setCustomId(customId(PANEL_BUTTON, type.id))
      .setLabel(type.name)
      .setStyle(type.private ? ButtonStyle.Secondary : ButtonStyle.Primary);
    if (type.emoji) button.setEmoji(type.emoji);
    rows.at(-1)!.addComponents(button);
  });
  return rows;
}

/** The panel's text: each type with its description, so members pick the right one. */
export function panelTypeList(types: TicketType[]): string {
  return types.map((t) => `${t.emoji ? `${t.emoji} ` : ''}**${t.name}**${t.private ? ' 🔒 private' : ''}${t.description ? `: ${t.description}` : ''}`).join('\n');
}

const input = (id: string, label: string, style: TextInputStyle, required: boolean, max: number) =>
  new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId(id).setLabel(label).setStyle(style).setRequired(required).setMaxLength(max));

/**
 * The intake form: subject and description for the default panel or a type without questions; otherwise
 * the type's own questions (Discord allows 5 inputs, so the subject then comes from the first answer).
 */
export function intakeModal(type: TicketType | undefined): ModalBuilder {
  const modal = new ModalBuilder().setCustomId(type ? customId(PANEL_MODAL, type.id) : customId(PANEL_MODAL)).setTitle(type ? `${type.name} ticket`.slice(0, 45) : 'Open a support ticket');
  if (!type || type.questions.length === 0) {
    return modal.addComponents(
      input('subject', 'Subject', TextInputStyle.Short, true, SUBJECT_MAX),
      input('description', 'What do you need help with?', TextInputStyle.Paragraph, true, DESCRIPTION_MAX),
    );
  }
  return modal.addComponents(
    type.questions.map((q, i) => input(`q${i}`, q.label, q.style === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short, q.required, ANSWER_MAX)),
  );
}

/** The subject and description a member gave in the intake form. */
export function readIntake(interaction: ModalSubmitInteraction, type: TicketType | undefined): { subject: string; description: string } {
  if (!type || type.questions.length === 0) {
    return {
      subject: requireText(interaction.fields.getTextInputValue('subject'), 'Subject', SUBJECT_MAX),
      description: requireText(interaction.fields.getTextInputValue('description'), 'Description', DESCRIPTION_MAX),
    };
  }
  const answers = type.questions.map((q, i) => ({ label: q.label, value: interaction.fields.getTextInputValue(`q${i}`).trim() }));
  const first = answers.find((a) => a.value !== '')?.value ?? type.name;
  const description = answers.map((a) => `**${a.label}**\n${a.value || '—'}`).join('\n\n');
  return {
    subject: `${type.name}: ${first.replace(/\s+/g, ' ')}`.slice(0, SUBJECT_MAX),
    description: description.slice(0, DESCRIPTION_MAX),
  };
}
