import type { ThreadChannel } from 'discord.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { HandoffReason } from '../../core/support/handoff.js';
import type { Ticket } from '../../core/tickets/store.js';
import type { BotContext } from '../context.js';
import { setStatusTag } from '../tickets/forum-tags.js';
import { addToPrivateThread, claimButtonRow } from './claims.js';
import { sendOnce } from '../channel-send.js';

const REASONS: Record<HandoffReason, string> = {
  member: 'asked to talk to staff',
  'not-helpful': 'said the bot’s answer did not help',
  fallback: 'asked something the bot could not answer',
};

/**
 * One message that calls staff and nobody else (the member is named, not pinged): the staff member who
 * claimed the ticket when someone did, else the role handling its type (the staff role by default), with a
 * Claim button. The caller has checked with the core that this is the first call since staff last wrote.
 */
export async function pingStaff(thread: ThreadChannel, ticket: Ticket, reason: HandoffReason, settings: GuildSettings | undefined, ctx: BotContext): Promise<void> {
  const claimedBy = ctx.core.desk.claims.ticket(ticket.guildId, ticket.threadId)?.claimedBy;
  if (claimedBy) {
    await addToPrivateThread(thread, claimedBy, ctx);
    await sendOnce(thread, {
      content: `🙋 <@${claimedBy}> your ticket needs you: <@${ticket.ownerId}> ${REASONS[reason]}. The bot keeps answering until you reply here.`,
      allowedMentions: { parse: [], users: [claimedBy] },
    });
    return;
  }
  const roleId = ctx.core.desk.types.roleOfTicket(ticket.id) ?? settings?.staffRoleId;
  await sendOnce(thread, {
    content: `🙋 ${roleId ? `<@&${roleId}> ` : ''}This ticket needs a staff member: <@${ticket.ownerId}> ${REASONS[reason]}. The bot keeps answering until staff reply here.`,
    allowedMentions: { parse: [], roles: roleId ? [roleId] : [] },
    components: [claimButtonRow()],
  });
}

/** Calls staff into a ticket: the ping, then the Needs staff tag. */
export async function callStaff(thread: ThreadChannel, ticket: Ticket, reason: HandoffReason, ctx: BotContext): Promise<void> {
  const settings = ctx.core.guildSettings.get(thread.guildId);
  await pingStaff(thread, ticket, reason, settings, ctx);
  if (settings) await setStatusTag(thread, settings, 'needsStaff');
}
