/** Discord refuses message content over 2000 characters. */
export const DISCORD_MESSAGE_LIMIT = 2000;

const FENCE_LINE = /^\s*(`{3,}|~{3,})(.*)$/;

interface FenceState {
  marker: string;
  info: string;
}

/** The code fence still open after `text`, given the one open before it. */
function fenceAfter(text: string, open: FenceState | undefined): FenceState | undefined {
  let state = open;
  for (const line of text.split('\n')) {
    const m = FENCE_LINE.exec(line);
    if (!m) continue;
    const marker = m[1]!;
    if (!state) state = { marker, info: m[2]!.trim() };
    else if (marker.startsWith(state.marker) && m[2]!.trim() === '') state = undefined;
  }
  return state;
}

/** Where to cut `window`: the last paragraph break, else line break, else sentence end, else space. */
function cutIndex(window: string): number {
  const floor = Math.floor(window.length * 0.3);
  const candidates = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n')];
  for (const c of candidates) if (c > floor) return c;
  const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('! '), window.lastIndexOf('? '));
  if (sentence > floor) return sentence + 1;
  const space = window.lastIndexOf(' ');
  if (space > floor) return space;
  // One unbroken run: cut hard, but never through a run of backticks (a fence marker).
  let hard = window.length;
  while (hard > 1 && window[hard - 1] === '`') hard--;
  return hard;
}

/**
 * Splits text into Discord-sized messages at paragraph, line, sentence or word boundaries.
 * A code block that spans a cut is closed at the end of one message and reopened (with its
 * language) at the start of the next, so each message renders on its own.
 */
export function splitMessage(text: string, limit = DISCORD_MESSAGE_LIMIT): string[] {
  const chunks: string[] = [];
  let rest = text;
  let fence: FenceState | undefined;
  while (rest.length > 0) {
    const reopen = fence ? `${fence.marker}${fence.info}\n` : '';
    const body = reopen + rest;
    if (body.length <= limit) {
      chunks.push(body.trimEnd());
      break;
    }
    // Room for a closing fence ("\n" + up to a few marker characters) if we cut inside a block.
    const reserve = 8;
    const window = rest.slice(0, Math.max(1, limit - reopen.length - reserve));
    const cut = cutIndex(window);
    const piece = rest.slice(0, cut).replace(/\s+$/, '');
    const after = fenceAfter(piece, fence);
    chunks.push(reopen + piece + (after ? `\n${after.marker}` : ''));
    fence = after;
    rest = rest.slice(cut).replace(/^\s*\n/, '').replace(/^ +/, fence ? '' : '');
    if (!fence) rest = rest.replace(/^\s+/, '');
  }
  return chunks.filter((c) => c.trim().length > 0);
}
