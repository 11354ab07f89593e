import type { ButtonInteraction, ThreadChannel } from 'discord.js';
import { UserError } from '../../core/errors.js';
import { SOLVED_REASON } from '../../core/support/answer-feedback.js';
import { ANSWER_BUTTON, parseAnswerButton } from '../components/answer-buttons.js';
import type { BotContext } from '../context.js';
import { respond } from '../reply.js';
import { noteSaved } from '../saved-change.js';
import { callStaff } from '../support/handoff.js';
import { fetchTicketThread } from '../support/ticket-thread.js';
import { closeProblemsText, closeTicketThread } from '../tickets/close-ticket.js';
import type { ComponentHandler } from './command.js';
import { requireSetup } from './guards.js';

/** The thread the button was pressed in: the answer's ticket, as Discord only shows a message where it was posted. */
async function threadOf(interaction: ButtonInteraction<'cached'>, ctx: BotContext): Promise<ThreadChannel> {
  const thread = await fetchTicketThread(ctx, interaction.channelId);
  if (!thread) throw new UserError('These buttons only work inside a ticket thread.');
  return thread;
}

/** Solved / Not helpful / Talk to staff under a bot answer; only the ticket's member may press them. */
export const answerFeedbackButtons: ComponentHandler = {
  prefix: ANSWER_BUTTON,
  access: 'everyone',
  async handleButton(interaction, args, ctx) {
    const button = parseAnswerButton(args);
    if (!button) throw new UserError('This button is no longer in use.');
    const { feedback } = ctx.core.support;
    const guildId = interaction.guildId;
    const memberId = interaction.user.id;
    const thread = await threadOf(interaction, ctx);

    if (button.action === 'ok') {
      const settings = requireSetup(ctx, guildId);
      feedback.solved(guildId, button.turnId, memberId, thread.id);
      noteSaved(interaction, { saved: 'Thanks: your ticket is marked as solved.', check: 'it closes; if its post stays open, the bot finishes closing it at its next start.' });
      const problems = await closeTicketThread(thread, { closedBy: memberId, reason: SOLVED_REASON }, settings, ctx, (text) => respond(interaction, text, false));
      if (problems.length > 0) await respond(interaction, closeProblemsText(problems)).catch(() => undefined);
      return;
    }

    const result = button.action === 'no' ? feedback.notHelpful(guildId, button.turnId, memberId, thread.id) : feedback.talkToStaff(guildId, button.turnId, memberId, thread.id);
    const thanks = button.action === 'no' ? 'Thanks for telling us. ' : '';
    await respond(
      interaction,
      result.pingStaff
        ? `${thanks}I’ve asked the staff team to help you here; they will reply in this thread.`
        : `${thanks}The staff team has already been asked and will reply in this thread.`,
    );
    if (result.pingStaff) await callStaff(thread, result.ticket, button.action === 'no' ? 'not-helpful' : 'member', ctx);
  },
};
