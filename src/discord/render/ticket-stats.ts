import { EmbedBuilder } from 'discord.js';
import { shareOf, type StatsPeriod, type TicketStatsReport } from '../../core/support/ticket-stats.js';
import { formatDuration } from './duration.js';
import { fieldValue, joinLines, oneLine, EMBED_LIMITS } from './embed-text.js';

const PERIOD_TITLES: Record<StatsPeriod, string> = { day: 'the last 24 hours', week: 'the last 7 days', month: 'the last 30 days', quarter: 'the last 90 days', all: 'all time' };

/** "42%" (whole percent), or "—" when there is nothing to divide. */
function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`;
}

function durationText(ms: number | null): string {
  return ms === null ? '—' : formatDuration(ms);
}

/** The /ticket_stats embed: every figure straight from the core's report. */
export function ticketStatsEmbed(report: TicketStatsReport): EmbedBuilder {
  const { answers } = report;
  const answerLine = (label: string, n: number) => `${label}: ${percent(shareOf(n, answers.total))} (${n})`;
  const gaps = report.knowledgeGaps.map((g, i) => `${i + 1}. ${oneLine(g.question, 120)} — ${g.count}×`);
  return new EmbedBuilder()
    .setTitle(`Ticket statistics: ${PERIOD_TITLES[report.period]}`)
    .setColor(0x5865f2)
    .addFields(
      { name: 'Opened', value: String(report.opened), inline: true },
      { name: 'Closed', value: String(report.closed), inline: true },
      { name: 'Deflection rate', value: `${percent(report.deflectionRate)} (${report.deflected} of ${report.closed} closed)`, inline: true },
      { name: 'Median time to first answer', value: durationText(report.medianFirstAnswerMs), inline: true },
      { name: 'Median time to close', value: durationText(report.medianCloseMs), inline: true },
      { name: 'Votes', value: `👍 ${report.votes.helpful} helpful · 👎 ${report.votes.notHelpful} not helpful`, inline: true },
      {
        name: `Answers (${answers.total})`,
        value: [
          answerLine('From training', answers.training),
          answerLine('From a knowledge base (AI down)', answers.knowledgeBase),
          answerLine('By the AI', answers.ai),
          answerLine('By staff', answers.staff),
          `No answer, handed to staff: ${answers.fallbacks}`,
        ].join('\n'),
      },
      {
        name: 'Knowledge gaps: most asked, nothing matched',
        value: fieldValue(gaps.length ? joinLines(gaps, EMBED_LIMITS.fieldValue) : 'None: every question matched a trained or knowledge-base entry.'),
      },
    )
    .setFooter({ text: 'Deflection: closed as solved by the member, or without any staff message. Train the gaps with /train.' });
}
