import type { DailyTicketCounts } from '../core/support/ticket-stats.js';
import { html, raw, type SafeHtml } from './html.js';

export const SERIES = [
  // Colours repeated in assets.ts as .sw-<key> (the CSP allows no inline style).
  { key: 'training', label: 'Answered from training', color: '#5865f2' },
  { key: 'ai', label: 'Answered by the AI', color: '#a855f7' },
  { key: 'staff', label: 'Staff messages', color: '#16a34a' },
] as const;
const OPENED_COLOR = '#9ca3af';

/**
 * Tickets per day as a server-rendered SVG: for each day a grey bar of tickets opened beside a
 * stacked bar of answers by source. Only numbers and fixed labels go into the markup.
 */
export function dailyChart(days: DailyTicketCounts[]): SafeHtml {
  const width = 900;
  const height = 220;
  const top = 10;
  const bottom = 24;
  const slot = width / Math.max(1, days.length);
  const bar = Math.max(2, Math.min(18, slot / 2 - 2));
  const max = Math.max(1, ...days.map((d) => Math.max(d.opened, d.training + d.ai + d.staff)));
  const scale = (n: number) => (n / max) * (height - top - bottom);
  const parts: string[] = [];
  days.forEach((d, i) => {
    const x = i * slot + slot / 2;
    const baseY = height - bottom;
    const opened = scale(d.opened);
    parts.push(`<rect x="${(x - bar - 1).toFixed(1)}" y="${(baseY - opened).toFixed(1)}" width="${bar.toFixed(1)}" height="${opened.toFixed(1)}" fill="${OPENED_COLOR}"><title>${d.day}: ${d.opened} opened</title></rect>`);
    let y = baseY;
    for (const s of SERIES) {
      const h = scale(d[s.key]);
      y -= h;
      if (h > 0) parts.push(`<rect x="${(x + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${d.day}: ${d[s.key]} ${s.label.toLowerCase()}</title></rect>`);
    }
    const every = Math.ceil(days.length / 10);
    if (i % every === 0) parts.push(`<text x="${x.toFixed(1)}" y="${height - 6}" font-size="11" text-anchor="middle" fill="currentColor">${d.day.slice(5)}</text>`);
  });
  parts.push(`<text x="4" y="${top + 10}" font-size="11" fill="currentColor">max ${max}</text>`);
  const svg = `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Tickets opened and answers per day">${parts.join('')}</svg>`;
  const legend = html`<p class="legend"><span><i class="swatch sw-opened"></i>Tickets opened</span>${SERIES.map((s) => html`<span><i class="swatch sw-${s.key}"></i>${s.label}</span>`)}</p>`;
  return html`${raw(svg)}${legend}`;
}
