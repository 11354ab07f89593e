import { extractTerms } from '../text/fts.js';
import { porterStem } from './porter.js';
import { STOP_WORDS } from './stopwords.js';

/**
 * The words of a text as the index sees them: FTS5's unicode61 tokenizer splits "what's" into
 * "what" and "s" and (with remove_diacritics 2) folds "café" to "cafe"; so do we, so that the
 * terms we score are the terms the index matched.
 */
export function matchWords(text: string): string[] {
  const words: string[] = [];
  for (const term of extractTerms(text)) {
    for (const piece of term.split(/['’]/)) {
      const word = piece.normalize('NFD').replace(/\p{M}/gu, '');
      if (word.length > 0) words.push(word);
    }
  }
  return words;
}

const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

/** porterStem, memoised: the same few thousand words recur in every guild's questions. */
export function stemOf(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stem = porterStem(word);
    stemCache.set(word, stem);
  }
  return stem;
}

/** The stems of the standard stop words (STOP_WORDS), as the matcher compares words by stem. */
export const STOP_STEMS: ReadonlySet<string> = new Set([...STOP_WORDS].map(stemOf));

/** A content (not stop) word of a member's question, as the word-by-word alignments take it. */
export interface ContentTerm {
  stem: string;
  /** The word as typed (its first occurrence). */
  word: string;
  /** Its IDF in the guild. */
  idf: number;
}
