import { capToTokens, estimateTokens } from '../ai/token-estimate.js';

/**
 * Knowledge entries as the embedding model sees them: a long entry is cut into overlapping parts
 * ("chunks"), each embedded with the entry's title, so a question answered near the end of a long
 * article finds it by meaning as well as one answered at its start (one vector of the whole would be
 * the vector of its beginning: Ollama cuts an input to the model's context).
 *
 * Sizes are in tokens as token-estimate.ts counts them (it errs high), so a chunk always fits the
 * context the model reported.
 */

/**
 * Estimated tokens of one chunk (title included). Well under every common embedding model's context
 * (all-minilm and mxbai-embed-large 512, nomic-embed-text 2048), and close to what the prompt shows
 * of one entry (prompt.ts ENTRY_TOKENS), so the best chunk of an entry is what the AI reads of it.
 * Smaller parts give sharper vectors: one vector of 2,000 tokens says little about any paragraph.
 */
export const CHUNK_TOKENS = 320;
/** Sentences of the end of one chunk repeated at the start of the next, up to this many tokens: an answer that spans a cut is still whole in one chunk. */
export const CHUNK_OVERLAP_TOKENS = 48;
/**
 * At most this many chunks per entry, so that the vectors of a guild (scanned per question, held in
 * memory, ~3 KB each at 768 dimensions) and the embedding work per entry (one model pass per chunk)
 * stay bounded. An entry is at most 10,000 characters (KNOWLEDGE_LIMITS): English prose estimates at
 * ~2,500-2,900 tokens, 9-13 chunks of 320. An entry that would need more gets bigger chunks (up to
 * the model's context), then full chunks without overlap; only what still does not fit (dense text
 * with a small context: under ~16 x 126 tokens at num_ctx 128) is left to the words' search.
 */
export const MAX_CHUNKS = 16;
/** A paragraph break ends a chunk early when the chunk is at least this full. */
const PARAGRAPH_BREAK_FILL = 0.5;
/** How much bigger chunks get at each try when an entry would have more than MAX_CHUNKS. */
const GROWTH = 1.25;
/** The title takes at most this share of a chunk. */
const TITLE_SHARE = 0.25;

/** content.slice(start, end) of a knowledge entry: what one chunk's vector stands for, and what the AI is shown of a long entry. */
export interface Passage {
  start: number;
  end: number;
}

/** One part of an entry: the text to embed, and where its passage lies in the entry's content. */
export interface EntryChunk {
  /** The title, a newline and the passage: what is embedded. */
  text: string;
  /** The passage is content.slice(start, end). */
  start: number;
  end: number;
}

/** A span of the content that is never cut inside (a sentence, or a piece of an over-long one). */
interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** The first unit of a paragraph. */
  opensParagraph: boolean;
}

/**
 * The entry as it is embedded: one chunk (`title\ncontent`, the whole entry) when it fits
 * CHUNK_TOKENS (or `maxTokens`, the model's room, when smaller), else overlapping chunks cut at
 * paragraph or sentence ends, each at most `maxTokens` estimated tokens, at most MAX_CHUNKS.
 */
export function chunkEntry(title: string, content: string, maxTokens: number): EntryChunk[] {
  const whole = `${title}\n${content}`;
  let target = Math.max(1, Math.min(CHUNK_TOKENS, maxTokens));
  if (estimateTokens(whole) <= target) return [{ text: whole, start: 0, end: content.length }];
  const heading = capToTokens(title, Math.floor(target * TITLE_SHARE)).text;
  const headingTokens = estimateTokens(heading);
  let passages: Passage[];
  for (;;) {
    const room = Math.max(1, target - headingTokens);
    const units = unitsOf(content, room);
    passages = pack(units, room, true);
    if (passages.length <= MAX_CHUNKS) break;
    // Too many chunks at this size: bigger ones, as far as the model's context allows; at the
    // largest, full ones without overlap, before the tail is given up.
    if (target >= maxTokens) {
      passages = pack(units, room, false);
      break;
    }
    target = Math.min(maxTokens, Math.ceil(target * GROWTH));
  }
  return passages.slice(0, MAX_CHUNKS).map(({ start, end }) => ({ text: `${heading}\n${content.slice(start, end)}`, start, end }));
}

/**
 * Consecutive units grouped into passages of at most `room` tokens; `loose`: overlapping by up to
 * CHUNK_OVERLAP_TOKENS, and ending at a paragraph break when there is one late enough.
 */
function pack(units: readonly Unit[], room: number, loose: boolean): Passage[] {
  const passages: Passage[] = [];
  let first = 0;
  while (first < units.length) {
    let next = first;
    let tokens = 0;
    let paragraphBreak = -1;
    while (next < units.length && tokens + units[next]!.tokens <= room) {
      if (loose && next > first && units[next]!.opensParagraph && tokens >= room * PARAGRAPH_BREAK_FILL) paragraphBreak = next;
      tokens += units[next]!.tokens;
      next++;
    }
    if (next === first) next = first + 1; // cannot happen: no unit is longer than room
    if (next < units.length && paragraphBreak > first) next = paragraphBreak;
    passages.push({ start: units[first]!.start, end: units[next - 1]!.end });
    if (next >= units.length) break;
    let back = next;
    let overlap = 0;
    while (loose && back - 1 > first && overlap + units[back - 1]!.tokens <= CHUNK_OVERLAP_TOKENS) overlap += units[--back]!.tokens;
    first = back;
  }
  return passages;
}

/** Sentences (and lines) of each paragraph, one longer than `room` tokens cut into pieces at word ends. */
function unitsOf(content: string, room: number): Unit[] {
  const units: Unit[] = [];
  for (const paragraph of content.matchAll(/\S(?:[\s\S]*?\S)?(?=\s*\n\s*\n|\s*$)/g)) {
    let opensParagraph = true;
    for (const sentence of paragraph[0].matchAll(/\S(?:[^\n]*?(?:[.!?…](?=\s)|(?=\n))|[^\n]*\S)?/g)) {
      let start = paragraph.index + sentence.index;
      let rest = sentence[0];
      // A sentence too long for a chunk is cut into pieces as small as the overlap, so chunks still overlap inside it.
      const pieceTokens = estimateTokens(rest) > room ? Math.min(room, CHUNK_OVERLAP_TOKENS) : room;
      while (rest !== '') {
        const piece = capToTokens(rest, pieceTokens).text || rest.slice(0, 1);
        units.push({ start, end: start + piece.length, tokens: estimateTokens(piece), opensParagraph });
        opensParagraph = false;
        const skipped = rest.length - rest.slice(piece.length).trimStart().length;
        start += skipped;
        rest = rest.slice(skipped);
      }
    }
  }
  return units;
}
