import { time } from 'discord.js';
import type { TicketMode } from '../../core/support/support-desk.js';

const WAITING_FOR = { member: 'the member asked for staff', 'not-helpful': 'an answer did not help', fallback: 'the bot had no answer' } as const;

/** /ticket_info's line on who answers: the bot, or staff (since when, and why). */
export function ticketModeText(mode: TicketMode): string {
  const bot =
    mode.bot.kind === 'answering'
      ? '🤖 The bot answers here.'
      : `⏸️ Paused: ${mode.bot.reason === 'staff-replied' ? 'staff took over' : 'paused with `/ai_pause`'}${mode.bot.by ? ` by <@${mode.bot.by}>` : ''} ${time(Math.floor(mode.bot.at / 1000), 'R')}. \`/ai_resume\` lets the bot answer again.`;
  const waiting = mode.handoff ? `\n🙋 Waiting for staff since ${time(Math.floor(mode.handoff.at / 1000), 'R')} (${WAITING_FOR[mode.handoff.reason]}).` : '';
  return bot + waiting;
}
