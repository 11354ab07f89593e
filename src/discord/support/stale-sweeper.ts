import type { StaleTicket } from '../../core/support/stale-tickets.js';
import { INACTIVE_REASON } from '../../core/support/stale-tickets.js';
import { CLOSE_REQUEST_REASON } from '../../core/desk/close-requests.js';
import { repairPendingCloses } from '../tickets/close-in-discord.js';
import { closeTicketThread } from '../tickets/close-ticket.js';
import type { BotContext } from '../context.js';
import { NO_MENTIONS } from '../reply.js';
import { fetchTicketThread } from './ticket-thread.js';
import { memberHasLeft } from './member-presence.js';
import { sendOnce } from '../channel-send.js';
import { inServedGuilds } from '../served-guilds.js';

/** How often the database is asked which tickets are due; a due ticket waits at most this long. */
const STALE_SWEEP_INTERVAL_MS = 60_000;

function waitText(hours: number): string {
  return hours >= 1 ? `${Number(hours.toFixed(1))} hour${hours === 1 ? '' : 's'}` : `${Math.max(1, Math.round(hours * 60))} minutes`;
}

/** For staff, where the reminder would go: the member is gone, so nobody is pinged and the ticket closes as usual. */
function memberLeftText(ownerId: string, hours: number): string {
  return `ℹ️ <@${ownerId}> has left the server, so they were not reminded. Without a reply here, this ticket closes automatically in ${waitText(hours)}.`;
}

function reminderText(ownerId: string, hours: number): string {
  return `👋 <@${ownerId}>, do you still need help with this? Just reply here if so. Without a reply, this ticket closes automatically in ${waitText(hours)}.`;
}

/**
 * One sweep: reminds the members whose tickets went quiet after an answer (a member who left the server is not
 * reminded: staff get a note instead, counted as the reminder step), and closes as
 * "inactive" those still quiet as long after the reminder. What is due comes from the database
 * at `now`, so a sweep after a restart catches up on everything.
 */
export async function sweepStaleTickets(ctx: BotContext, now = Date.now()): Promise<{ reminded: number; closed: number }> {
  const { core } = ctx;
  const log = core.logger.child({ module: 'stale-tickets' });
  const due = core.support.stale.due(now);
  // Only in servers the bot is in and Discord serves: elsewhere every request is refused (served-guilds.ts).
  const [remind, close] = [inServedGuilds(ctx.client, due.remind), inServedGuilds(ctx.client, due.close)];
  const done = { reminded: 0, closed: 0 };
  const each = async (ticket: StaleTicket, act: () => Promise<void>) => {
    try {
      await act();
    } catch (error) {
      log.warn({ err: error, threadId: ticket.threadId }, 'stale-ticket step failed; the next sweep tries again');
    }
  };
  for (const ticket of remind) {
    await each(ticket, async () => {
      const thread = await fetchTicketThread(ctx, ticket.threadId);
      if (!thread) return closeGoneTicket(ctx, ticket, now);
      const hours = core.config.STALE_TICKET_HOURS;
      // A member who left cannot reply (nor be pinged usefully): staff get a note instead, and the close comes as usual.
      if (await memberHasLeft(thread.guild, ticket.ownerId)) await sendOnce(thread, { content: memberLeftText(ticket.ownerId, hours), allowedMentions: NO_MENTIONS });
      else await sendOnce(thread, { content: reminderText(ticket.ownerId, hours), allowedMentions: { parse: [], users: [ticket.ownerId] } });
      core.support.stale.markReminded(ticket, now);
      done.reminded++;
    });
  }
  // Closes Discord did not follow (a missing permission, a deleted tag, a crash) are finished first.
  await repairPendingCloses(ctx).catch((error: unknown) => log.warn({ err: error }, 'repairing closed tickets failed'));
  for (const ticket of close) {
    await each(ticket, async () => {
      const thread = await fetchTicketThread(ctx, ticket.threadId);
      const settings = core.guildSettings.get(ticket.guildId);
      if (!thread || !settings) return closeGoneTicket(ctx, ticket, now);
      await closeTicketThread(thread, { closedBy: ctx.client.user.id, reason: INACTIVE_REASON }, settings, ctx, async (text) => {
        await sendOnce(thread, { content: text, allowedMentions: NO_MENTIONS });
      });
      done.closed++;
    });
  }
  done.closed += await closeUnansweredRequests(ctx, now, log);
  return done;
}

/** Close requests the member never answered close after the stale delay, as the request said. */
async function closeUnansweredRequests(ctx: BotContext, now: number, log: BotContext['core']['logger']): Promise<number> {
  let closed = 0;
  for (const due of inServedGuilds(ctx.client, ctx.core.desk.closeRequests.due(now, ctx.core.config.STALE_TICKET_HOURS * 3_600_000))) {
    try {
      const thread = await fetchTicketThread(ctx, due.threadId);
      const settings = ctx.core.guildSettings.get(due.guildId);
      if (!thread || !settings) {
        ctx.core.tickets.close(due.guildId, due.threadId, { closedBy: ctx.client.user.id, reason: CLOSE_REQUEST_REASON }, now);
        continue;
      }
      await closeTicketThread(thread, { closedBy: ctx.client.user.id, reason: CLOSE_REQUEST_REASON }, settings, ctx, async (text) => {
        await sendOnce(thread, { content: text, allowedMentions: NO_MENTIONS });
      });
      closed++;
    } catch (error) {
      log.warn({ err: error, threadId: due.threadId }, 'closing after an unanswered close request failed; the next sweep tries again');
    }
  }
  return closed;
}

/** The thread (or the server's setup) is gone: close the ticket in the database so it stops coming up. */
function closeGoneTicket(ctx: BotContext, ticket: StaleTicket, now: number): void {
  ctx.core.tickets.close(ticket.guildId, ticket.threadId, { closedBy: ctx.client.user.id, reason: INACTIVE_REASON }, now);
}

/**
 * Sweeps every minute until stopped; sweeps never overlap. With STALE_TICKET_HOURS=0 nothing is
 * reminded or closed, but closes Discord has not followed are still finished.
 */
export function startStaleSweeper(ctx: BotContext, intervalMs = STALE_SWEEP_INTERVAL_MS): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepStaleTickets(ctx)
      .catch((error: unknown) => ctx.core.logger.error({ err: error }, 'stale-ticket sweep failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
