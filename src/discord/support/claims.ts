import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ChannelType } from 'discord.js';
import type { ThreadChannel } from 'discord.js';
import type { DeskTicket } from '../../core/desk/claims.js';
import { customId } from '../components/custom-id.js';
import type { BotContext } from '../context.js';

export const CLAIM_BUTTON = 'tclaim';

export const claimButtonRow = () =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(customId(CLAIM_BUTTON)).setLabel('Claim').setEmoji('✋').setStyle(ButtonStyle.Secondary));

/** A private ticket's thread shows only to its members and Manage Threads: the staff member handling it is added. */
export async function addToPrivateThread(thread: ThreadChannel, userId: string, ctx: BotContext): Promise<void> {
  if (thread.type !== ChannelType.PrivateThread) return;
  await thread.members.add(userId).catch((e: unknown) => ctx.core.logger.warn({ err: e, threadId: thread.id }, 'could not add staff to a private ticket'));
}

/** What everyone in the ticket sees when it changes hands (no one is pinged; the member sees who helps them). */
export function claimNotice(ticket: DeskTicket, action: 'claimed' | 'transferred' | 'released', by: string): string {
  if (action === 'released') return `↩️ <@${by}> is no longer handling this ticket; any staff member can claim it.`;
  if (action === 'transferred') return `🔀 <@${by}> handed this ticket to <@${ticket.claimedBy}>, who is handling it now.`;
  return `✋ <@${ticket.claimedBy}> is handling this ticket.`;
}
