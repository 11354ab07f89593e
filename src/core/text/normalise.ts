import { extractTerms } from './fts.js';

/**
 * A text's words, lower-cased and one space apart: the same for two texts that differ only in
 * case, punctuation or spacing ("How do I get a refund?" and "how do i get a  refund"); '' for a
 * text without words.
 */
export function normalisedWords(text: string): string {
  return extractTerms(text).join(' ');
}
