import { html, type SafeHtml } from './html.js';

const NAV = [
  ['/', 'Overview'],
  ['/training', 'Training'],
  ['/suggestions', 'Suggestions'],
  ['/knowledge', 'Knowledge bases'],
  ['/tickets', 'Tickets'],
  ['/try', 'Try it'],
] as const;

export interface LayoutInfo {
  title: string;
  /** The current path, to mark the active tab. */
  path: string;
  serverName: string;
  csrfToken: string;
  notice?: string | undefined;
  error?: string | undefined;
}

/** A form field carrying the session's CSRF token: every POST form includes it. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function page(info: LayoutInfo, body: SafeHtml): SafeHtml {
  const active = (href: string) => (href === '/' ? info.path === '/' : info.path.startsWith(href));
  return html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${info.title} · ${info.serverName} · Ticket bot</title><link rel="stylesheet" href="/static/style.css"><script src="/static/app.js" defer></script></head>
<body><header><strong class="brand">Ticket bot</strong> <span class="server">${info.serverName}</span>
<nav>${NAV.map(([href, label]) => html`<a href="${href}"${active(href) ? html` aria-current="page"` : ''}>${label}</a>`)}</nav>
<form method="post" action="/logout" class="logout">${csrfField(info.csrfToken)}<button>Log out</button></form></header>
<main><h1>${info.title}</h1>
${info.notice ? html`<p class="notice" role="status">${info.notice}</p>` : ''}
${info.error ? html`<p class="error" role="alert">${info.error}</p>` : ''}
${body}</main></body></html>`;
}

/** A page for someone not signed in (log-in, errors before a session exists). */
export function plainPage(title: string, body: SafeHtml): SafeHtml {
  return html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Ticket bot</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main class="narrow"><h1>${title}</h1>${body}</main></body></html>`;
}

/** Previous / next links keeping the other query parameters. */
export function pager(basePath: string, params: Record<string, string>, page: number, pageCount: number): SafeHtml {
  const link = (p: number) => `${basePath}?${new URLSearchParams({ ...params, page: String(p) }).toString()}`;
  return html`<nav class="pager" aria-label="pages">${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">← Previous</a>` : ''}
<span>Page ${page} of ${pageCount}</span>${page < pageCount ? html`<a href="${link(page + 1)}" rel="next">Next →</a>` : ''}</nav>`;
}

export function formatTime(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
