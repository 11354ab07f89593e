import { HANDOFF_MARKER } from './ai/prompt.js';
import { stripThinking } from './ai/thinking.js';
import type { AnswerSource } from './tickets/store.js';

/**
 * What a member reads from the responder besides the answers themselves (the bot's own notes and
 * fallbacks), and how the raw model stream becomes text a member may see: no reasoning, never the
 * hand-off word, never the bot's notes sent back to the model as its words.
 */

export const FALLBACK_TEXT =
  "I couldn't find an answer to this in what I've been taught, and the AI assistant is unavailable right now. " +
  'A staff member will follow up here as soon as they can.';
export const AI_UNAVAILABLE_NOTE = '*The AI assistant is unavailable right now, so here is the closest answer from this server’s help entries:*';
export const CUT_OFF_NOTE = '*(This answer was cut off before it was finished. A staff member will follow up if it does not help.)*';
/** What the member sees when the model says the references do not answer their question. */
export const HANDOFF_TEXT = "I couldn't find the answer to this in this server's help entries, so I've asked a staff member to take a look. They will follow up here.";

/** What of the raw stream a member may see now: no reasoning, nothing that may yet turn out to be the hand-off word. */
export function shownSoFar(raw: string): string {
  const visible = stripThinking(raw);
  const bare = withoutDecoration(visible);
  if (bare.startsWith(HANDOFF_MARKER) || (bare !== '' && HANDOFF_MARKER.startsWith(bare))) return '';
  return visible;
}

/**
 * The model answered with the hand-off word: alone, or opening or closing its answer (models add a
 * word or a full stop). A text that only quotes it in passing is an answer.
 */
export function isHandoff(text: string): boolean {
  const bare = withoutDecoration(text);
  return bare.startsWith(HANDOFF_MARKER) || bare.endsWith(HANDOFF_MARKER);
}

function withoutDecoration(text: string): string {
  return text.trim().replace(/^[\s*_`"'.:]+|[\s*_`"'.!:]+$/g, '');
}

/** A bot turn as the model said it, or undefined for the bot's own notes (never sent back to the model as its words). */
export function modelWords(content: string, source: AnswerSource | null): string | undefined {
  if (!source || source.kind === 'fallback') return undefined;
  if (source.kind === 'knowledge') return content.startsWith(AI_UNAVAILABLE_NOTE) ? content.slice(AI_UNAVAILABLE_NOTE.length).trim() : content;
  if (source.kind === 'ai' && !source.complete) return content.endsWith(CUT_OFF_NOTE) ? content.slice(0, -CUT_OFF_NOTE.length).trim() : content;
  return content;
}
