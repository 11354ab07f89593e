import { STOP_WORDS } from '../matching/stopwords.js';
import { matchWords, stemOf } from '../matching/words.js';
import { chunkEntry, CHUNK_TOKENS, type Passage } from './chunks.js';

export type { Passage };

/**
 * The passage of a long entry (one of its chunks, cut as for embedding) that holds most of the
 * question's words, for an entry the words' search found: the prompt shows about one chunk of an
 * entry (prompt.ts ENTRY_TOKENS), and the part that answers is not always its beginning. undefined
 * when the entry is one chunk, or no chunk holds any of the question's words (then its beginning serves).
 */
export function passageByWords(title: string, content: string, question: string): Passage | undefined {
  const chunks = chunkEntry(title, content, CHUNK_TOKENS);
  if (chunks.length <= 1) return undefined;
  const wanted = stems(question);
  let best: Passage | undefined;
  let bestShared = 0;
  for (const { start, end } of chunks) {
    const found = stems(content.slice(start, end));
    let shared = 0;
    for (const stem of wanted) if (found.has(stem)) shared++;
    if (shared > bestShared) [best, bestShared] = [{ start, end }, shared];
  }
  return best;
}

/** A passage as the prompt shows it: "…" where the entry goes on before or after it. */
export function passageText(content: string, passage: Passage): string {
  const before = content.slice(0, passage.start).trim() !== '' ? '… ' : '';
  const after = content.slice(passage.end).trim() !== '' ? ' …' : '';
  return `${before}${content.slice(passage.start, passage.end).trim()}${after}`;
}

function stems(text: string): Set<string> {
  return new Set(matchWords(text).filter((word) => !STOP_WORDS.has(word)).map(stemOf));
}
