import { z } from 'zod';
import { TRAINING_LIMITS, type TrainingEntry } from '../../core/training/store.js';
import { requireTrainingEnabled } from '../../core/training/enabled.js';
import { exportTraining, importTraining } from '../../core/training/transfer.js';
import { DEFAULT_MAX_IMPORT_BYTES } from '../../core/transfer/import-file.js';
import { UserError } from '../../core/errors.js';
import type { PageContext, Route } from '../context.js';
import { checkedIds, field, pageParam, parseInput, pathId } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { IMPORT_BODY_LIMIT, redirect, sendDownload } from '../http.js';
import { csrfField, pager } from '../layout.js';

const PAGE_SIZE = 50;
const TAGS_INPUT_MAX = TRAINING_LIMITS.tags * (TRAINING_LIMITS.tag + 2);

const entryForm = z.object({
  question: field(TRAINING_LIMITS.question),
  answer: field(TRAINING_LIMITS.answer),
  category: field(TRAINING_LIMITS.category),
  tags: field(TAGS_INPUT_MAX),
});
/** The add form also takes more phrasings of the same question, one per line: each becomes an entry with the same answer. */
const addForm = entryForm.extend({ more_questions: field(20 * TRAINING_LIMITS.question) });

const NOTICES: Record<string, (n: string) => string> = {
  added: (n) => `Added ${n} entr${n === '1' ? 'y' : 'ies'}: members who ask this now get the answer.`,
  saved: (n) => `Entry #${n} saved: the next ticket that matches it gets the new answer.`,
  deleted: (n) => `Deleted ${n} entr${n === '1' ? 'y' : 'ies'}.`,
  imported: (n) => {
    const [added = 0, updated = 0, skipped = 0] = n.split('.').map((x) => Number(x) || 0);
    return `Imported: ${added} added, ${updated} updated, ${skipped} skipped (already the same).`;
  },
};

export function notice(url: URL, messages: Record<string, (n: string) => string>): string | undefined {
  const kind = url.searchParams.get('notice') ?? '';
  return Object.hasOwn(messages, kind) ? messages[kind]!(url.searchParams.get('n') ?? '') : undefined;
}

function votesText(votes: { helpful: number; notHelpful: number } | undefined): string {
  return votes ? `${votes.helpful} helpful · ${votes.notHelpful} not` : '—';
}

function entryFields(entry: Partial<TrainingEntry>): SafeHtml {
  return html`<label>Question<textarea name="question" required maxlength="${TRAINING_LIMITS.question}">${entry.question ?? ''}</textarea></label>
<label>Answer<textarea name="answer" required maxlength="${TRAINING_LIMITS.answer}">${entry.answer ?? ''}</textarea></label>
<label>Category<input type="text" name="category" value="${entry.category ?? ''}" maxlength="${TRAINING_LIMITS.category}"></label>
<label>Tags (comma-separated)<input type="text" name="tags" value="${(entry.tags ?? []).join(', ')}"></label>`;
}

function row(ctx: PageContext, entry: TrainingEntry, votes: { helpful: number; notHelpful: number } | undefined): SafeHtml {
  const csrf = csrfField(ctx.session.csrfToken);
  return html`<tr id="entry-${entry.id}"><td><input type="checkbox" name="ids" value="${entry.id}" form="bulk" aria-label="select #${entry.id}"></td>
<td>#${entry.id}</td><td class="text question">${entry.question}</td><td class="text answer">${entry.answer}</td>
<td>${entry.category}</td><td>${entry.tags.join(', ')}</td><td>${entry.usageCount}</td><td>${votesText(votes)}</td>
<td><details><summary>Edit</summary><form method="post" action="/training/${entry.id}" class="edit">${csrf}${entryFields(entry)}<button>Save</button></form></details>
<form method="post" action="/training/${entry.id}/delete" class="inline">${csrf}<button>Delete</button></form></td></tr>`;
}

function trainingPage(ctx: PageContext): void {
  const { core, session, url } = ctx;
  const query = (url.searchParams.get('q') ?? '').slice(0, 200);
  const result = core.training.search(session.guildId, query, { page: pageParam(url), pageSize: PAGE_SIZE });
  const votes = core.support.votes.votesForEntries(session.guildId, result.entries.map((e) => e.id));
  const toReview = core.support.votes.entriesToReview(session.guildId);
  const csrf = csrfField(session.csrfToken);
  const body = html`
${toReview.length ? html`<section class="review"><h2>To review (members keep voting these answers not helpful)</h2><ul>
${toReview.map((e) => html`<li><a href="/training?q=${encodeURIComponent(e.question)}">#${e.entryId}</a> ${e.question} <span class="muted">${e.notHelpful} not helpful · ${e.helpful} helpful</span></li>`)}</ul></section>` : ''}
<form method="get" action="/training" role="search"><input type="search" name="q" value="${query}" placeholder="Search questions, answers, categories, tags" aria-label="search"> <button>Search</button></form>
<p class="muted">${result.total} entr${result.total === 1 ? 'y' : 'ies'}${query ? html` matching “${query}”` : ''}.
<a href="/training/export">Export all (JSON)</a></p>
<form method="post" action="/training/bulk-delete" id="bulk">${csrf}<button>Delete selected</button></form>
<table><thead><tr><th><input type="checkbox" data-select-all="ids" aria-label="select all"></th><th>#</th><th>Question</th><th>Answer</th><th>Category</th><th>Tags</th><th>Uses</th><th>Votes</th><th></th></tr></thead>
<tbody>${result.entries.map((e) => row(ctx, e, votes.get(e.id)))}</tbody></table>
${pager('/training', query ? { q: query } : {}, result.page, result.pageCount)}
<h2 id="add">Add an answer</h2><form method="post" action="/training" class="add">${csrf}${entryFields({ question: (url.searchParams.get('new') ?? '').slice(0, TRAINING_LIMITS.question) })}
<label>More ways to ask it (one per line; each becomes an entry with this answer)<textarea name="more_questions"></textarea></label><button>Add</button></form>
<h2>Import</h2><form method="post" action="/training/import">${csrf}<p class="muted">A file made by Export or /export_training; all or nothing, as /import_training.</p>
<input type="file" accept="application/json,.json" data-into="training-import" aria-label="choose file"><textarea name="file" id="training-import" placeholder="…or paste the JSON here"></textarea><button>Import</button></form>`;
  ctx.render('Training', body, { notice: notice(url, NOTICES) });
}

function add(ctx: PageContext): void {
  const { core, session } = ctx;
  requireTrainingEnabled(core.config);
  const input = parseInput(addForm, ctx.form);
  const questions = [input.question, ...input.more_questions.split('\n')].map((q) => q.trim()).filter((q) => q !== '');
  if (questions.length === 0) throw new UserError('Question is empty. Nothing was changed.');
  // All phrasings or none: the first invalid one leaves nothing behind.
  core.db.transaction(() => {
    for (const question of questions) core.training.add(session.guildId, { question, answer: input.answer, category: input.category, tags: input.tags, authorId: session.userId });
  })();
  redirect(ctx.res, `/training?notice=added&n=${questions.length}`);
}

function save(ctx: PageContext): void {
  requireTrainingEnabled(ctx.core.config);
  const id = pathId(ctx.params);
  const input = parseInput(entryForm, ctx.form);
  ctx.core.training.update(ctx.session.guildId, id, input);
  redirect(ctx.res, `/training?notice=saved&n=${id}#entry-${id}`);
}

function deleteEntries(ctx: PageContext, ids: number[]): void {
  requireTrainingEnabled(ctx.core.config);
  if (ids.length === 0) throw new UserError('Select at least one entry. Nothing was changed.');
  const { core, session } = ctx;
  const found = core.training.getMany(session.guildId, ids);
  if (found.length !== new Set(ids).size) throw new UserError('Some of those entries are not in this server. Nothing was changed.');
  core.db.transaction(() => found.forEach((e) => core.training.delete(session.guildId, e.id)))();
  redirect(ctx.res, `/training?notice=deleted&n=${found.length}`);
}

function importFile(ctx: PageContext): void {
  requireTrainingEnabled(ctx.core.config);
  const { file } = parseInput(z.object({ file: field(DEFAULT_MAX_IMPORT_BYTES) }), ctx.form);
  if (file.trim() === '') throw new UserError('Choose a file or paste its JSON. Nothing was changed.');
  const result = importTraining(ctx.core.db, ctx.session.guildId, file, { authorId: ctx.session.userId });
  redirect(ctx.res, `/training?notice=imported&n=${result.added}.${result.updated}.${result.skipped}`);
}

export const trainingRoutes: Route[] = [
  { method: 'GET', path: /^\/training$/, handle: trainingPage },
  {
    method: 'GET',
    path: /^\/training\/export$/,
    handle: (ctx) => sendDownload(ctx.res, `training-${ctx.session.guildId}-${new Date().toISOString().slice(0, 10)}.json`, exportTraining(ctx.core.training, ctx.session.guildId)),
  },
  { method: 'POST', path: /^\/training$/, handle: add },
  { method: 'POST', path: /^\/training\/import$/, bodyLimit: IMPORT_BODY_LIMIT, handle: importFile },
  { method: 'POST', path: /^\/training\/bulk-delete$/, handle: (ctx) => deleteEntries(ctx, parseInput(z.object({ ids: checkedIds }), ctx.form).ids) },
  { method: 'POST', path: /^\/training\/([^/]+)$/, handle: save },
  { method: 'POST', path: /^\/training\/([^/]+)\/delete$/, handle: (ctx) => deleteEntries(ctx, [pathId(ctx.params)]) },
];
