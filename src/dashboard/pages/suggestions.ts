import { z } from 'zod';
import { TRAINING_LIMITS } from '../../core/training/store.js';
import { requireTrainingEnabled } from '../../core/training/enabled.js';
import type { PageContext, Route } from '../context.js';
import { field, parseInput, pathId } from '../forms.js';
import { html } from '../html.js';
import { redirect } from '../http.js';
import { csrfField, formatTime } from '../layout.js';
import { notice } from './training.js';

const approveForm = z.object({ question: field(TRAINING_LIMITS.question), answer: field(TRAINING_LIMITS.answer), category: field(TRAINING_LIMITS.category) });

const NOTICES: Record<string, (n: string) => string> = {
  approved: (n) => `Approved: trained entry #${n} now answers this question.`,
  dismissed: (n) => `Suggestion #${n} dismissed.`,
};

function list(ctx: PageContext): void {
  const { core, session } = ctx;
  const pending = core.support.suggestions.pending(session.guildId, 50);
  const total = core.support.suggestions.pendingCount(session.guildId);
  const csrf = csrfField(session.csrfToken);
  ctx.render(
    'Training suggestions',
    html`<p class="muted">AI answers members marked Solved, as /training_suggestions shows them: approve (after editing, if you like) to train the bot, or dismiss. ${total} pending${total > pending.length ? `, the oldest ${pending.length} shown` : ''}.</p>
${pending.map(
  (s) => html`<section class="suggestion" id="suggestion-${s.id}"><h2>Suggestion #${s.id} <span class="muted">${formatTime(s.createdAt)}</span></h2>
<form method="post" action="/suggestions/${s.id}/approve">${csrf}
<label>Question<textarea name="question" maxlength="${TRAINING_LIMITS.question}">${s.question}</textarea></label>
<label>Answer<textarea name="answer" maxlength="${TRAINING_LIMITS.answer}">${s.answer}</textarea></label>
<label>Category<input type="text" name="category" maxlength="${TRAINING_LIMITS.category}"></label><button>Approve</button></form>
<form method="post" action="/suggestions/${s.id}/dismiss" class="inline">${csrf}<button>Dismiss</button></form></section>`,
)}${pending.length === 0 ? html`<p>Nothing to review.</p>` : ''}`,
    { notice: notice(ctx.url, NOTICES) },
  );
}

function approve(ctx: PageContext): void {
  requireTrainingEnabled(ctx.core.config);
  const id = pathId(ctx.params);
  const edited = parseInput(approveForm, ctx.form);
  const entry = ctx.core.support.suggestions.approve(ctx.session.guildId, id, ctx.session.userId, edited);
  redirect(ctx.res, `/suggestions?notice=approved&n=${entry.id}`);
}

function dismiss(ctx: PageContext): void {
  const id = pathId(ctx.params);
  ctx.core.support.suggestions.dismiss(ctx.session.guildId, id, ctx.session.userId);
  redirect(ctx.res, `/suggestions?notice=dismissed&n=${id}`);
}

export const suggestionRoutes: Route[] = [
  { method: 'GET', path: /^\/suggestions$/, handle: list },
  { method: 'POST', path: /^\/suggestions\/([^/]+)\/approve$/, handle: approve },
  { method: 'POST', path: /^\/suggestions\/([^/]+)\/dismiss$/, handle: dismiss },
];
