import { z } from 'zod';
import type { AnswerSource } from '../../core/tickets/store.js';
import { HttpError } from '../http.js';
import type { PageContext, Route } from '../context.js';
import { pageParam, pathId } from '../forms.js';
import { html } from '../html.js';
import { formatTime, pager } from '../layout.js';

const PAGE_SIZE = 50;

export function sourceLabel(source: AnswerSource | null): string {
  if (!source) return 'no answer yet';
  switch (source.kind) {
    case 'trained':
      return `trained #${source.trainingEntryId} (${source.score.toFixed(2)})`;
    case 'knowledge':
      return `knowledge base (AI unavailable)`;
    case 'ai':
      return `AI (${source.model})${source.complete ? '' : ', cut off'}`;
    case 'fallback':
      return `no answer (${source.reason})`;
  }
}

function ticketList(ctx: PageContext): void {
  const status = z.enum(['open', 'closed']).optional().catch(undefined).parse(ctx.url.searchParams.get('status') ?? undefined);
  const result = ctx.core.tickets.list(ctx.session.guildId, { status, page: pageParam(ctx.url), pageSize: PAGE_SIZE });
  const filter = (value: string, label: string) =>
    (status ?? '') === value ? html`<strong>${label}</strong>` : html`<a href="/tickets${value ? `?status=${value}` : ''}">${label}</a>`;
  ctx.render(
    'Tickets',
    html`<p>${filter('', 'All')} · ${filter('open', 'Open')} · ${filter('closed', 'Closed')} <span class="muted">(${result.total})</span></p>
<table><thead><tr><th>#</th><th>Subject</th><th>Status</th><th>Owner</th><th>Opened</th><th>Closed</th><th>Last answer from</th></tr></thead><tbody>
${result.tickets.map(
  ({ ticket, lastAnswerSource }) => html`<tr><td>${ticket.id}</td><td><a href="/tickets/${ticket.id}">${ticket.subject}</a></td><td>${ticket.status}</td>
<td>${ticket.ownerId}</td><td>${formatTime(ticket.openedAt)}</td><td>${formatTime(ticket.closedAt)}</td><td>${sourceLabel(lastAnswerSource)}</td></tr>`,
)}</tbody></table>${pager('/tickets', status ? { status } : {}, result.page, result.pageCount)}`,
  );
}

function transcript(ctx: PageContext): void {
  const ticket = ctx.core.tickets.get(ctx.session.guildId, pathId(ctx.params));
  // Another server's ticket is "not found", exactly like one that does not exist.
  if (!ticket) throw new HttpError(404, 'There is no such ticket in this server.');
  const turns = ctx.core.tickets.turns(ticket.id);
  ctx.render(
    `Ticket #${ticket.id}: ${ticket.subject}`,
    html`<p>${ticket.status} · owner ${ticket.ownerId} · opened ${formatTime(ticket.openedAt)}${ticket.closedAt ? html` · closed ${formatTime(ticket.closedAt)}${ticket.closeReason ? ` (${ticket.closeReason})` : ''}` : ''}</p>
${turns.map(
  (t) => html`<div class="turn ${t.role}"><div class="muted">${t.role === 'user' ? 'member' : t.role} ${t.authorId ?? ''} · ${formatTime(t.createdAt)}${t.role === 'bot' ? ` · ${sourceLabel(t.source)}` : ''}</div>${t.content}</div>`,
)}
<p><a href="/tickets">← All tickets</a></p>`,
  );
}

export const ticketRoutes: Route[] = [
  { method: 'GET', path: /^\/tickets$/, handle: ticketList },
  { method: 'GET', path: /^\/tickets\/([^/]+)$/, handle: transcript },
];
