/**
 * Builds FTS5 MATCH expressions from user text so that nothing a user types is read as query
 * syntax: every term is a double-quoted string (quotes doubled inside), so `"`, `*`, `NEAR`,
 * `OR`, `-` and `:` are searched literally and never raise an FTS5 syntax error.
 */

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Lower-cased words and numbers of a text, in order, with zero-width characters removed. */
export function extractTerms(text: string): string[] {
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

export function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** `"a" OR "b"` (or AND) over the distinct terms; undefined when the text has no searchable term. */
export function literalMatchQuery(terms: readonly string[], operator: 'OR' | 'AND' = 'OR'): string | undefined {
  const distinct = [...new Set(terms.filter((t) => t.length > 0))];
  if (distinct.length === 0) return undefined;
  return distinct.map(quoteTerm).join(` ${operator} `);
}
