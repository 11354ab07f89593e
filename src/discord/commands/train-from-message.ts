import { ApplicationCommandType, ContextMenuCommandBuilder } from 'discord.js';
import { UserError } from '../../core/errors.js';
import { customId } from '../components/custom-id.js';
import { readTrainingModal, trainingModal } from '../components/training-modal.js';
import { respond } from '../reply.js';
import type { ComponentHandler, MessageCommand } from './command.js';
import { requireTrainingEnabled } from './guards.js';

const TRAIN_MODAL = 'trm';

/**
 * "Train from this" (right-click a message → Apps), for staff on a bot or staff answer in a
 * ticket: a modal prefilled with the member's question and that answer; submitting adds the entry.
 */
const trainFromThis: MessageCommand = {
  data: new ContextMenuCommandBuilder()
    .setName('Train from this')
    .setType(ApplicationCommandType.Message),
  access: 'staff',
  async execute(interaction, ctx) {
    requireTrainingEnabled(ctx);
    const message = interaction.targetMessage;
    const guildId = interaction.guildId;
    const ticket = ctx.core.tickets.getByThread(guildId, message.channelId);
    if (!ticket) throw new UserError('Use **Train from this** on an answer inside a ticket thread.');
    const stored = ctx.core.tickets.turnOfMessage(guildId, message.id);
    const fromBot = message.author.id === ctx.client.user.id;
    if (!fromBot && stored?.turn.role !== 'staff') {
      throw new UserError('**Train from this** works on an answer from the bot or from staff; this message is from the member or someone else.');
    }
    // A bot answer split over several messages is stored whole on its turn (found by its last part).
    const answer = stored?.turn.content ?? message.content;
    if (answer.trim() === '') throw new UserError('This message has no text to train from.');
    const question = stored
      ? ctx.core.tickets.questionBefore(ticket.id, stored.turn.id)
      : ctx.core.tickets.questionAt(ticket.id, message.createdTimestamp);
    await interaction.showModal(trainingModal(customId(TRAIN_MODAL), 'Train from this answer', { question: question?.content ?? '', answer }));
  },
};

const trainFromThisModal: ComponentHandler = {
  prefix: TRAIN_MODAL,
  access: 'staff',
  async handleModal(interaction, _args, ctx) {
    requireTrainingEnabled(ctx);
    const fields = readTrainingModal(interaction);
    const entry = ctx.core.training.add(interaction.guildId, { ...fields, authorId: interaction.user.id });
    await respond(interaction, `✅ Trained entry #${entry.id} added: members who ask something like “${entry.question.slice(0, 200)}” now get this answer.`);
  },
};

export const trainFromMessageCommands: MessageCommand[] = [trainFromThis];
export const trainFromMessageComponents: ComponentHandler[] = [trainFromThisModal];
