import { z } from 'zod';
import { KNOWLEDGE_LIMITS } from '../../core/knowledge/fields.js';
import type { KbEntry } from '../../core/knowledge/store.js';
import { exportKnowledgeBase, importKnowledgeBase } from '../../core/knowledge/transfer.js';
import { DEFAULT_MAX_IMPORT_BYTES } from '../../core/transfer/import-file.js';
import { UserError } from '../../core/errors.js';
import type { PageContext, Route } from '../context.js';
import { field, pageParam, parseInput, pathId } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { HttpError, IMPORT_BODY_LIMIT, redirect, sendDownload } from '../http.js';
import { csrfField, pager } from '../layout.js';
import { notice } from './training.js';

const PAGE_SIZE = 50;
const TAGS_INPUT_MAX = KNOWLEDGE_LIMITS.tags * (KNOWLEDGE_LIMITS.tag + 2);
const kbForm = z.object({ name: field(KNOWLEDGE_LIMITS.name), description: field(KNOWLEDGE_LIMITS.description) });
const entryForm = z.object({ title: field(KNOWLEDGE_LIMITS.title), content: field(KNOWLEDGE_LIMITS.content), tags: field(TAGS_INPUT_MAX) });

const NOTICES: Record<string, (n: string) => string> = {
  created: () => 'Knowledge base created.',
  added: (n) => `Entry #${n} added.`,
  saved: (n) => `Entry #${n} saved.`,
  deleted: (n) => `Entry #${n} deleted.`,
  removed: (n) => `Knowledge base deleted with its ${Number(n) || 0} entries.`,
  imported: (n) => {
    const [added = 0, skipped = 0] = n.split('.').map((x) => Number(x) || 0);
    return `Imported: ${added} added, ${skipped} skipped (already there).`;
  },
};

/** A knowledge base of this server, or 404 (another server's id reads as "no such knowledge base"). */
function requireKb(ctx: PageContext, index = 0) {
  const kb = ctx.core.knowledge.get(ctx.session.guildId, pathId(ctx.params, index));
  if (!kb) throw new HttpError(404, 'There is no such knowledge base in this server.');
  return kb;
}

function entryFields(entry: Partial<KbEntry>): SafeHtml {
  return html`<label>Title<input type="text" name="title" value="${entry.title ?? ''}" maxlength="${KNOWLEDGE_LIMITS.title}" required></label>
<label>Content<textarea name="content" maxlength="${KNOWLEDGE_LIMITS.content}" required>${entry.content ?? ''}</textarea></label>
<label>Tags (comma-separated)<input type="text" name="tags" value="${(entry.tags ?? []).join(', ')}"></label>`;
}

function importForm(csrf: SafeHtml): SafeHtml {
  return html`<h2>Import</h2><form method="post" action="/knowledge/import">${csrf}<p class="muted">A file made by Export or /kb_export: all or nothing, as /kb_import.</p>
<input type="file" accept="application/json,.json" data-into="kb-import" aria-label="choose file"><textarea name="file" id="kb-import" placeholder="…or paste the JSON here"></textarea><button>Import</button></form>`;
}

function list(ctx: PageContext): void {
  const kbs = ctx.core.knowledge.list(ctx.session.guildId);
  const csrf = csrfField(ctx.session.csrfToken);
  ctx.render(
    'Knowledge bases',
    html`<table><thead><tr><th>Name</th><th>Description</th><th>Entries</th></tr></thead><tbody>
${kbs.map((kb) => html`<tr><td><a href="/knowledge/${kb.id}">${kb.name}</a></td><td class="text">${kb.description}</td><td>${kb.entryCount}</td></tr>`)}</tbody></table>
${kbs.length === 0 ? html`<p class="muted">No knowledge bases yet.</p>` : ''}
<h2>Create a knowledge base</h2><form method="post" action="/knowledge">${csrf}<label>Name<input type="text" name="name" maxlength="${KNOWLEDGE_LIMITS.name}" required></label>
<label>Description<textarea name="description" maxlength="${KNOWLEDGE_LIMITS.description}"></textarea></label><button>Create</button></form>${importForm(csrf)}`,
    { notice: notice(ctx.url, NOTICES) },
  );
}

function show(ctx: PageContext): void {
  const kb = requireKb(ctx);
  const result = ctx.core.knowledge.listEntries(ctx.session.guildId, kb.id, { page: pageParam(ctx.url), pageSize: PAGE_SIZE });
  const csrf = csrfField(ctx.session.csrfToken);
  ctx.render(
    `Knowledge base: ${kb.name}`,
    html`<p class="text">${kb.description}</p><p><a href="/knowledge/${kb.id}/export">Export (JSON)</a> · <a href="/knowledge">All knowledge bases</a></p>
<table><thead><tr><th>#</th><th>Title</th><th>Content</th><th>Tags</th><th></th></tr></thead><tbody>
${result.entries.map(
  (e) => html`<tr id="kb-entry-${e.id}"><td>${e.id}</td><td class="text">${e.title}</td><td class="text">${e.content}</td><td>${e.tags.join(', ')}</td>
<td><details><summary>Edit</summary><form method="post" action="/knowledge/${kb.id}/entries/${e.id}">${csrf}${entryFields(e)}<button>Save</button></form></details>
<form method="post" action="/knowledge/${kb.id}/entries/${e.id}/delete" class="inline">${csrf}<button>Delete</button></form></td></tr>`,
)}</tbody></table>${pager(`/knowledge/${kb.id}`, {}, result.page, result.pageCount)}
<h2>Add an entry</h2><form method="post" action="/knowledge/${kb.id}/entries">${csrf}${entryFields({})}<button>Add</button></form>
<h2>Delete this knowledge base</h2><form method="post" action="/knowledge/${kb.id}/delete">${csrf}<label><input type="checkbox" name="confirm" value="yes" required> Delete “${kb.name}” and its ${kb.entryCount} entries</label><button>Delete</button></form>`,
    { notice: notice(ctx.url, NOTICES) },
  );
}

export const knowledgeRoutes: Route[] = [
  { method: 'GET', path: /^\/knowledge$/, handle: list },
  {
    method: 'POST',
    path: /^\/knowledge$/,
    handle: (ctx) => {
      const kb = ctx.core.knowledge.create(ctx.session.guildId, { ...parseInput(kbForm, ctx.form), authorId: ctx.session.userId });
      redirect(ctx.res, `/knowledge/${kb.id}?notice=created`);
    },
  },
  {
    method: 'POST',
    path: /^\/knowledge\/import$/,
    bodyLimit: IMPORT_BODY_LIMIT,
    handle: (ctx) => {
      const { file } = parseInput(z.object({ file: field(DEFAULT_MAX_IMPORT_BYTES) }), ctx.form);
      if (file.trim() === '') throw new UserError('Choose a file or paste its JSON. Nothing was changed.');
      const result = importKnowledgeBase(ctx.core.db, ctx.session.guildId, file, { authorId: ctx.session.userId });
      redirect(ctx.res, `/knowledge/${result.knowledgeBase.id}?notice=imported&n=${result.added}.${result.skipped}`);
    },
  },
  { method: 'GET', path: /^\/knowledge\/([^/]+)$/, handle: show },
  {
    method: 'GET',
    path: /^\/knowledge\/([^/]+)\/export$/,
    handle: (ctx) => {
      const kb = requireKb(ctx);
      sendDownload(ctx.res, `knowledge-${kb.name}-${new Date().toISOString().slice(0, 10)}.json`, exportKnowledgeBase(ctx.core.knowledge, ctx.session.guildId, kb.id));
    },
  },
  {
    method: 'POST',
    path: /^\/knowledge\/([^/]+)\/entries$/,
    handle: (ctx) => {
      const kb = requireKb(ctx);
      const entry = ctx.core.knowledge.addEntry(ctx.session.guildId, kb.id, { ...parseInput(entryForm, ctx.form), authorId: ctx.session.userId });
      redirect(ctx.res, `/knowledge/${kb.id}?notice=added&n=${entry.id}`);
    },
  },
  {
    method: 'POST',
    path: /^\/knowledge\/([^/]+)\/entries\/([^/]+)$/,
    handle: (ctx) => {
      const kb = requireKb(ctx);
      const entry = ctx.core.knowledge.updateEntry(ctx.session.guildId, pathId(ctx.params, 1), parseInput(entryForm, ctx.form));
      redirect(ctx.res, `/knowledge/${kb.id}?notice=saved&n=${entry.id}`);
    },
  },
  {
    method: 'POST',
    path: /^\/knowledge\/([^/]+)\/entries\/([^/]+)\/delete$/,
    handle: (ctx) => {
      const kb = requireKb(ctx);
      const id = pathId(ctx.params, 1);
      if (!ctx.core.knowledge.deleteEntry(ctx.session.guildId, id)) throw new HttpError(404, 'There is no such entry in this server.');
      redirect(ctx.res, `/knowledge/${kb.id}?notice=deleted&n=${id}`);
    },
  },
  {
    method: 'POST',
    path: /^\/knowledge\/([^/]+)\/delete$/,
    handle: (ctx) => {
      const kb = requireKb(ctx);
      if (ctx.form.confirm !== 'yes') throw new UserError('Tick the box to confirm. Nothing was changed.');
      const { entriesDeleted } = ctx.core.knowledge.delete(ctx.session.guildId, kb.id);
      redirect(ctx.res, `/knowledge?notice=removed&n=${entriesDeleted}`);
    },
  },
];
