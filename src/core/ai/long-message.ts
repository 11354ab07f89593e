import { capToTokens, estimateTokens } from './token-estimate.js';

/**
 * A member's message too long for its room in the prompt, shortened the way a support engineer
 * reads a pasted log or stack trace: its beginning (what they ran, the first lines) and, given the
 * larger share, its end (the last lines of a log hold the error), with a marker saying what was left
 * out between. Cut at line ends where a line fits, otherwise at word ends. Keeping the start alone
 * (capToTokens) would cut exactly the error the member is asking about.
 */

/** The beginning's share of the room; the end gets the rest, and whatever the beginning did not use. */
const START_SHARE = 1 / 3;
/** Below this many estimated tokens there is no point in two ends and a marker: the start alone. */
const MIN_ROOM_FOR_TWO_ENDS = 40;

/** "[… 312 lines left out …]", or in characters when the cut falls inside a line. */
export function leftOutMarker(count: number, unit: 'lines' | 'characters'): string {
  const what = unit === 'lines' && count === 1 ? 'line' : unit;
  return `[… ${count} ${what} left out …]`;
}

/**
 * The text within `limit` estimated tokens (token-estimate.ts, which errs high): unchanged when it
 * fits, otherwise its start and its end joined by a left-out marker, the marker included in the limit.
 */
export function capKeepingEnds(text: string, limit: number): { text: string; capped: boolean } {
  if (estimateTokens(text) <= limit) return { text, capped: false };
  // The marker's cost with the largest count it could show (every character of the text).
  const room = limit - estimateTokens(leftOutMarker(text.length, 'characters'));
  if (room < MIN_ROOM_FOR_TWO_ENDS) return capToTokens(text, limit);
  const lines = text.split('\n');
  const costs = lines.map(estimateTokens); // a newline is whitespace: the lines' costs add up to the text's
  let head = 0;
  let used = 0;
  while (head < lines.length && used + costs[head]! <= Math.floor(room * START_SHARE)) used += costs[head++]!;
  let tail = lines.length;
  while (tail > head + 1 && used + costs[tail - 1]! <= room) used += costs[--tail]!;
  if (head > 0 && tail < lines.length && tail > head) {
    const start = lines.slice(0, head).join('\n').trimEnd();
    const end = lines.slice(tail).join('\n');
    return { text: `${start}\n${leftOutMarker(tail - head, 'lines')}\n${end}`, capped: true };
  }
  return keepEndsWithinLines(text, room);
}

/** A text whose first or last line alone is too long for its share: cut at word ends, the left-out part counted in characters. */
function keepEndsWithinLines(text: string, room: number): { text: string; capped: true } {
  const start = capToTokens(text, Math.floor(room * START_SHARE)).text;
  const endStart = suffixStart(text, room - estimateTokens(start), start.length);
  const leftOut = text.slice(start.length, endStart).trim();
  return { text: `${start}\n${leftOutMarker(Array.from(leftOut).length, 'characters')}\n${text.slice(endStart).trimStart()}`, capped: true };
}

/**
 * Where the longest end of `text` within `limit` estimated tokens begins (not before `from`): at a
 * word start when the end has one, never inside a surrogate pair. Dropping characters from the front
 * never raises the estimate, so a binary search finds it.
 */
function suffixStart(text: string, limit: number, from: number): number {
  let low = from;
  let high = text.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (estimateTokens(text.slice(mid)) <= limit) high = mid;
    else low = mid + 1;
  }
  // Cut inside a word: start at the next word instead, if the end has one.
  if (low > from && low < text.length && /\S/.test(text[low - 1]!) && /\S/.test(text[low]!)) {
    const next = text.slice(low).search(/\s/);
    if (next > 0 && /\S/.test(text.slice(low + next))) return low + next;
  }
  const code = text.charCodeAt(low);
  return code >= 0xdc00 && code <= 0xdfff ? low + 1 : low;
}
