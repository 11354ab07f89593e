import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { extractTerms, literalMatchQuery, quoteTerm } from '../text/fts.js';

/** A kb_entries row as the stores read it. */
export interface KbEntryRow {
  id: number;
  kb_id: number;
  guild_id: string;
  title: string;
  content: string;
  tags: string;
  created_at: number;
}

export interface KbSearchRow extends KbEntryRow {
  kb_name: string;
  rank: number;
  snippet: string;
}

export interface RankedRow {
  row: KbSearchRow;
  score: number;
  snippet: string;
}

/** Title hits weigh most, then tags, then the body (bm25 column weights). */
const BM25_WEIGHTS = '3.0, 1.0, 2.0';
const SNIPPET_MAX = 200;
const SNIPPET_TOKENS = 24;
/** Queries longer than this many distinct terms are cut: a pasted log should not become a 500-term OR. */
const MAX_TERMS = 32;
/** Words that say little about what a question is about: they count a fifth of a word in the score. */
const FILLER_WEIGHT = 0.2;
const FILLER = new Set(
  `a an and are as at be been but by can could did do does for from had has have how i i'm if in into is it it's its me my
   of on or our please should so that the their them then there these they this to was we were what when where which who why
   will with would you your hi hello hey thanks thank help`.split(/\s+/),
);

/**
 * Full-text search over one server's knowledge-base entries (FTS5, see migration 3).
 *
 * Order: bm25 over title, content and tags. Score (0..1): the share of the query's words that the
 * entry contains, filler words ("how", "do", "my") counting 0.2. bm25 values are not used as the
 * score because their size depends on how many entries a server has (with two entries every
 * word's IDF is ~0), so no fixed threshold could be set against them; coverage means the same in
 * a server with 3 entries and one with 3,000.
 */
export class KnowledgeSearch {
  private readonly candidates: Statement<[{ match: string; guildId: string; kbId: number | null; limit: number }], KbSearchRow>;
  private readonly containing: Statement<[{ match: string; ids: string }], { id: number }>;

  constructor(db: Db) {
    this.candidates = db.prepare(
      `SELECT e.id, e.kb_id, e.guild_id, e.title, e.content, e.tags, e.created_at, kb.name AS kb_name,
              bm25(kb_entries_fts, ${BM25_WEIGHTS}) AS rank,
              snippet(kb_entries_fts, 1, '**', '**', '…', ${SNIPPET_TOKENS}) AS snippet
       FROM kb_entries_fts
       JOIN kb_entries AS e ON e.id = kb_entries_fts.rowid
       JOIN knowledge_bases AS kb ON kb.id = e.kb_id
       WHERE kb_entries_fts MATCH @match AND e.guild_id = @guildId AND (@kbId IS NULL OR e.kb_id = @kbId)
       ORDER BY rank, e.id
       LIMIT @limit`,
    );
    this.containing = db.prepare(
      'SELECT rowid AS id FROM kb_entries_fts WHERE kb_entries_fts MATCH @match AND rowid IN (SELECT value FROM json_each(@ids))',
    );
  }

  search(guildId: string, query: string, opts: { kbId?: number; limit: number }): RankedRow[] {
    const terms = [...new Set(extractTerms(query))].slice(0, MAX_TERMS);
    const match = literalMatchQuery(terms);
    if (!match || opts.limit <= 0) return [];
    const rows = this.candidates.all({ match, guildId, kbId: opts.kbId ?? null, limit: Math.max(opts.limit * 4, 20) });
    if (rows.length === 0) return [];
    const coverage = this.coverage(terms, rows.map((r) => r.id));
    return rows
      .map((row) => ({ row, score: coverage.get(row.id) ?? 0, snippet: tidySnippet(row.snippet) }))
      .sort((a, b) => b.score - a.score || a.row.rank - b.row.rank || a.row.id - b.row.id)
      .slice(0, opts.limit);
  }

  /** Weighted share of `terms` each entry contains, asked of FTS5 term by term so stemming matches the index. */
  private coverage(terms: string[], ids: number[]): Map<number, number> {
    const weight = (term: string) => (FILLER.has(term) ? FILLER_WEIGHT : 1);
    const total = terms.reduce((sum, t) => sum + weight(t), 0);
    const found = new Map<number, number>();
    const idList = JSON.stringify(ids);
    for (const term of terms) {
      for (const { id } of this.containing.all({ match: quoteTerm(term), ids: idList })) found.set(id, (found.get(id) ?? 0) + weight(term));
    }
    return new Map([...found].map(([id, w]) => [id, Math.min(1, w / total)]));
  }
}

/** One line, at most 200 characters, with balanced ** markers. */
export function tidySnippet(raw: string): string {
  let text = raw.replace(/\s+/g, ' ').trim();
  if ([...text].length > SNIPPET_MAX) {
    // Cut, drop a marker split in half, then an opening marker left without its closing one.
    text = [...text].slice(0, SNIPPET_MAX - 1).join('').replace(/(?<!\*)\*$/, '').trimEnd();
    if ((text.match(/\*\*/g) ?? []).length % 2 === 1) {
      const lastOpen = text.lastIndexOf('**');
      text = text.slice(0, lastOpen) + text.slice(lastOpen + 2);
    }
    text = `${text.trimEnd()}…`;
  }
  return text;
}
