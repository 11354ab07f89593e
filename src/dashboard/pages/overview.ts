import type { StatsPeriod } from '../../core/support/ticket-stats.js';
import { median, percentile } from '../../core/support/ticket-stats.js';
import { dailyChart } from '../charts.js';
import type { PageContext, Route } from '../context.js';
import { html } from '../html.js';

const PERIODS: Record<string, { period: StatsPeriod; days: number }> = {
  '7': { period: 'week', days: 7 },
  '30': { period: 'month', days: 30 },
  '90': { period: 'quarter', days: 90 },
};

export function formatDelay(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)} %`);

function overview(ctx: PageContext): void {
  const { core, session, url } = ctx;
  const daysParam = url.searchParams.get('days') ?? '7';
  const chosen = PERIODS[daysParam] ?? PERIODS['7']!;
  const now = Date.now();
  const report = core.support.stats.report(session.guildId, chosen.period, now);
  const delays = core.support.stats.firstAnswerDelaysIn({ guildId: session.guildId, ...report.range });
  const daily = core.support.stats.daily(session.guildId, chosen.days, now);
  const { answers, votes } = report;
  const card = (label: string, value: string | number) => html`<div class="card"><span class="muted">${label}</span><b>${value}</b></div>`;
  ctx.render(
    'Overview',
    html`<p>${Object.keys(PERIODS).map((d) => (d === String(chosen.days) ? html`<strong>Last ${d} days</strong> ` : html`<a href="/?days=${d}">Last ${d} days</a> `))}</p>
<div class="cards">${card('Tickets opened', report.opened)}${card('Closed', report.closed)}${card('Deflection rate', percent(report.deflectionRate))}
${card('First answer, median', formatDelay(median(delays)))}${card('First answer, p90', formatDelay(percentile(delays, 0.9)))}
${card('Votes helpful / not', `${votes.helpful} / ${votes.notHelpful}`)}${card('Pending suggestions', core.support.suggestions.pendingCount(session.guildId))}</div>
<h2>Per day</h2>${dailyChart(daily)}
<h2>Answer sources</h2><table class="sources"><tbody>
<tr><td>Trained answers</td><td>${answers.training}</td></tr><tr><td>Knowledge base (AI unavailable)</td><td>${answers.knowledgeBase}</td></tr>
<tr><td>AI</td><td>${answers.ai}</td></tr><tr><td>Staff messages</td><td>${answers.staff}</td></tr><tr><td>“Staff will follow up” (nothing to say)</td><td>${answers.fallbacks}</td></tr></tbody></table>
<h2>Knowledge gaps: questions nothing matched</h2>
${report.knowledgeGaps.length
  ? html`<table class="gaps"><thead><tr><th>Question</th><th>Asked</th><th></th></tr></thead><tbody>${report.knowledgeGaps.map(
      (g) => html`<tr><td class="text">${g.question}</td><td>${g.count}</td><td><a href="/training?new=${encodeURIComponent(g.question.slice(0, 500))}#add">Train an answer for this</a></td></tr>`,
    )}</tbody></table>`
  : html`<p class="muted">None in this period.</p>`}`,
  );
}

export const overviewRoutes: Route[] = [{ method: 'GET', path: /^\/$/, handle: overview }];
