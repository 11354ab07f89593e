/** Discord refuses message content over 2000 characters. */
export const DISCORD_MESSAGE_LIMIT = 2000;

const FENCE_LINE = /^\s*(`{3,}|~{3,})(.*)$/;
/**
 * A fence line longer than this is passed through as text: it could not be closed and reopened
 * around a cut within one message. Markdown fences are 3 to a dozen characters in practice.
 */
const MAX_FENCE_MARKER = 100;
/** A longer info string (the language) is left off when a block is reopened; the code is what matters. */
const MAX_REOPEN_INFO = 40;

interface FenceState {
  marker: string;
  info: string;
}

/** One message of a split: its content, and the fence lines the split added around the original text. */
export interface MessagePart {
  content: string;
  /** The fence line (with its newline) that reopens a code block cut by the previous message; '' if none. */
  reopened: string;
  /** The newline and fence that close a code block this message cuts; '' if none. */
  closed: string;
}

/** The code fence still open after `text`, given the one open before it. */
function fenceAfter(text: string, open: FenceState | undefined): FenceState | undefined {
  let state = open;
  for (const line of text.split('\n')) {
    const m = FENCE_LINE.exec(line);
    if (!m || m[1]!.length > MAX_FENCE_MARKER) continue;
    const marker = m[1]!;
    if (!state) state = { marker, info: m[2]!.trim() };
    else if (marker[0] === state.marker[0] && marker.length >= state.marker.length && m[2]!.trim() === '') state = undefined;
  }
  return state;
}

function reopenLine(fence: FenceState | undefined): string {
  if (!fence) return '';
  return `${fence.marker}${fence.info.length <= MAX_REOPEN_INFO ? fence.info : ''}\n`;
}

const isHighSurrogate = (c: string | undefined) => c !== undefined && c >= '\uD800' && c <= '\uDBFF';

/**
 * A cut at `pos` inside a line is bad if the next message would then start with three backticks
 * or tildes (a fence that was not one), or if it falls between the two halves of a character.
 */
function badMidLineCut(text: string, pos: number): boolean {
  if (isHighSurrogate(text[pos - 1])) return true;
  return /^\s*(`{3}|~{3})/.test(text.slice(pos, pos + 64)) || text[pos - 1] === '`' || text[pos - 1] === '~';
}

/** Where to cut `text` within its first `size` characters: paragraph break, else line break, sentence end, space, or hard. */
function cutIndex(text: string, size: number): number {
  const window = text.slice(0, size);
  const floor = Math.floor(window.length * 0.3);
  for (const c of [window.lastIndexOf('\n\n'), window.lastIndexOf('\n')]) if (c > floor) return c;
  for (const mark of ['. ', '! ', '? ']) {
    for (let c = window.lastIndexOf(mark); c > floor; c = window.lastIndexOf(mark, c - 1)) {
      if (!badMidLineCut(text, c + 1)) return c + 1;
    }
  }
  for (let c = window.lastIndexOf(' '); c > floor; c = window.lastIndexOf(' ', c - 1)) {
    if (!badMidLineCut(text, c)) return c;
  }
  // One unbroken run: cut hard, but not through a run of backticks or a character's two halves.
  let hard = window.length;
  while (hard > 1 && badMidLineCut(text, hard)) hard--;
  return hard;
}

/**
 * Splits text into Discord-sized messages at paragraph, line, sentence or word boundaries.
 * A code block that spans a cut is closed at the end of one message and reopened (with its
 * language) at the start of the next, so each message renders on its own. Only whitespace at a
 * cut is dropped; every message, fences included, fits in `limit` characters (UTF-16 units,
 * which is never fewer than Discord counts).
 */
export function splitMessageParts(text: string, limit = DISCORD_MESSAGE_LIMIT): MessagePart[] {
  const parts: MessagePart[] = [];
  let rest = text;
  let fence: FenceState | undefined;
  while (rest.trim().length > 0) {
    const reopened = reopenLine(fence);
    if (reopened.length + rest.length <= limit) {
      parts.push({ content: reopened + rest.trimEnd(), reopened, closed: '' });
      break;
    }
    const { cut, piece, closed } = fittingCut(rest, fence, limit - reopened.length);
    parts.push({ content: reopened + piece + closed, reopened, closed });
    fence = closed ? fenceAfter(piece, fence) : undefined;
    rest = rest.slice(cut).replace(/^[ \t]*\n/, '');
    if (!fence) rest = rest.replace(/^\s+/, '');
  }
  return parts.filter((p) => p.content.trim().length > 0);
}

/**
 * The longest cut whose piece, plus the fence that closes a block left open in it, fits `room`.
 * The closing fence's length is only known once the cut is chosen, so a cut that overflows is
 * tried again in a window shorter by the overflow.
 */
function fittingCut(rest: string, fence: FenceState | undefined, room: number): { cut: number; piece: string; closed: string } {
  let size = Math.max(1, room);
  for (;;) {
    const cut = cutIndex(rest, size);
    const piece = rest.slice(0, cut).replace(/\s+$/, '');
    const after = fenceAfter(piece, fence);
    const closed = after ? `\n${after.marker}` : '';
    const overflow = piece.length + closed.length - room;
    if (overflow <= 0) return { cut, piece, closed };
    if (size === 1) return { cut, piece, closed: '' }; // no room for a fence at all (a tiny limit): text over form
    size = Math.max(1, size - overflow);
  }
}

/** The messages' contents; see splitMessageParts. */
export function splitMessage(text: string, limit = DISCORD_MESSAGE_LIMIT): string[] {
  return splitMessageParts(text, limit).map((p) => p.content);
}
