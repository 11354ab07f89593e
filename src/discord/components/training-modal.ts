import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { ModalSubmitInteraction } from 'discord.js';
import { TRAINING_LIMITS } from '../../core/training/store.js';
import { optionalText, requireText } from '../commands/options.js';
import { clip } from '../render/embed-text.js';

/** Discord's text inputs hold at most 4000 characters; longer answers are trained with /import_training. */
const TEXT_INPUT_MAX = 4000;
const ANSWER_MAX = Math.min(TRAINING_LIMITS.answer, TEXT_INPUT_MAX);

export interface TrainingFieldsInput {
  question: string;
  answer: string;
  category?: string;
}

/** A modal to check a training entry before it is added: question and answer prefilled, category optional. */
export function trainingModal(customId: string, title: string, prefill: { question: string; answer: string }): ModalBuilder {
  const question = new TextInputBuilder()
    .setCustomId('question')
    .setLabel('Question (as members ask it)')
    .setStyle(TextInputStyle.Paragraph)
    .setMaxLength(TRAINING_LIMITS.question)
    .setRequired(true);
  const answer = new TextInputBuilder().setCustomId('answer').setLabel('Answer').setStyle(TextInputStyle.Paragraph).setMaxLength(ANSWER_MAX).setRequired(true);
  // Discord refuses an empty prefill value: leave it out and the member types it.
  if (prefill.question.trim()) question.setValue(clip(prefill.question.trim(), TRAINING_LIMITS.question));
  if (prefill.answer.trim()) answer.setValue(clip(prefill.answer.trim(), ANSWER_MAX));
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(clip(title, 45))
    .addComponents(
      new ActionRowBuilder<TextInputBuilder>().addComponents(question),
      new ActionRowBuilder<TextInputBuilder>().addComponents(answer),
      new ActionRowBuilder<TextInputBuilder>().addComponents(
        new TextInputBuilder()
          .setCustomId('category')
          .setLabel('Category (optional, default: general)')
          .setStyle(TextInputStyle.Short)
          .setMaxLength(TRAINING_LIMITS.category)
          .setRequired(false),
      ),
    );
}

/** The fields as staff submitted them, cleaned; empty or too long is a clear error. */
export function readTrainingModal(interaction: ModalSubmitInteraction): TrainingFieldsInput {
  return {
    question: requireText(interaction.fields.getTextInputValue('question'), 'Question', TRAINING_LIMITS.question),
    answer: requireText(interaction.fields.getTextInputValue('answer'), 'Answer', ANSWER_MAX),
    category: optionalText(interaction.fields.getTextInputValue('category'), 'Category', TRAINING_LIMITS.category),
  };
}
