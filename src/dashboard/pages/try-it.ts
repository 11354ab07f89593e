import type { PageContext, Route } from '../context.js';
import { html } from '../html.js';
import { sourceLabel } from './tickets.js';

/** A ticket message is at most 2000 characters; so is a test question (as /test_ai). */
const QUESTION_MAX = 2000;

async function tryIt(ctx: PageContext): Promise<void> {
  const question = (ctx.url.searchParams.get('q') ?? '').trim().slice(0, QUESTION_MAX);
  const { core, session } = ctx;
  const form = html`<form method="get" action="/try"><label>A question as a member would write it<textarea name="q" maxlength="${QUESTION_MAX}">${question}</textarea></label><button>Show the answer</button></form>`;
  if (question === '') return ctx.render('Try it', form);
  // The same preview /test_ai shows: nothing is stored, no ticket is touched.
  const answer = await core.responder.preview(session.guildId, question);
  const closest = answer.trainingEntries.length ? answer.trainingEntries : core.matcher.match(session.guildId, question, 3);
  const { TRAINED_ANSWER_THRESHOLD: trained, TRAINING_CONTEXT_THRESHOLD: similarity } = core.config;
  ctx.render(
    'Try it',
    html`${form}<h2>The bot would answer</h2><div class="turn bot answer-preview">${answer.text}</div>
<p>Source: <strong class="source">${sourceLabel(answer.source)}</strong> · best trained score <strong class="score">${answer.score.toFixed(2)}</strong>
<span class="muted">(used as is at ≥ ${trained}; given to the AI as context at ≥ ${similarity})</span></p>
<h2>Closest trained entries</h2>${closest.length ? html`<ul>${closest.map((e) => html`<li>#${e.entryId} · ${e.score.toFixed(2)} · ${e.question}</li>`)}</ul>` : html`<p class="muted">None.</p>`}
<h2>Knowledge-base references</h2>${answer.kbEntries.length ? html`<ul>${answer.kbEntries.map((e) => html`<li>#${e.entryId} · ${e.score.toFixed(2)} · ${e.kbName}: ${e.title}</li>`)}</ul>` : html`<p class="muted">None.</p>`}`,
  );
}

export const tryItRoutes: Route[] = [{ method: 'GET', path: /^\/try$/, handle: tryIt }];
