import type { ThreadChannel } from 'discord.js';
import type { HandleResult } from '../../core/responder.js';
import type { HandoffReason } from '../../core/support/handoff.js';
import type { Ticket } from '../../core/tickets/store.js';
import type { BotContext } from '../context.js';
import { setStatusTag } from '../tickets/forum-tags.js';

const REASONS: Record<HandoffReason, string> = {
  member: 'asked to talk to staff',
  'not-helpful': 'said the bot’s answer did not help',
  fallback: 'asked something the bot could not answer',
};

/**
 * Calls staff into a ticket: the Needs staff tag, and one message that pings the staff role and
 * nobody else (the member is named, not pinged). The caller has checked with the core that this
 * is the first call since staff last wrote.
 */
export async function callStaff(thread: ThreadChannel, ticket: Ticket, reason: HandoffReason, ctx: BotContext): Promise<void> {
  const settings = ctx.core.guildSettings.get(thread.guildId);
  const roleId = settings?.staffRoleId;
  await thread.send({
    content: `🙋 ${roleId ? `<@&${roleId}> ` : ''}This ticket needs a staff member: <@${ticket.ownerId}> ${REASONS[reason]}. The bot keeps answering until staff reply here.`,
    allowedMentions: { parse: [], roles: roleId ? [roleId] : [] },
  });
  if (settings) await setStatusTag(thread, settings, 'needsStaff');
}

/** After a bot answer is shown (its buttons came with its last message): staff are called when the bot had no answer to give. */
export async function finishAnswer(thread: ThreadChannel, result: Extract<HandleResult, { kind: 'answered' }>, ctx: BotContext): Promise<void> {
  const { answer, ticket } = result;
  if (answer.source.kind === 'fallback' && ctx.core.support.handoffs.request(ticket, 'fallback')) await callStaff(thread, ticket, 'fallback', ctx);
}

/** A staff member wrote in a ticket (the core has paused the bot there): a waiting ticket counts as answered. */
export async function staffTookOver(thread: ThreadChannel, handoffAnswered: boolean, ctx: BotContext): Promise<void> {
  const settings = ctx.core.guildSettings.get(thread.guildId);
  if (handoffAnswered && settings) await setStatusTag(thread, settings, 'answered');
}
