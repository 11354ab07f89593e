import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { answerIndexTable, ensureGuildAnswerIndex, SLOT_SIZE } from '../../db/guild-answer-index.js';
import { quoteTerm } from '../text/fts.js';
import { RecentMap } from './recent-map.js';

/** One trained answer with all its phrasings (a training_answers row, migration 007). */
export interface AnswerDocument {
  id: number;
  answer: string;
  questions: string;
  wordCount: number;
}

export interface GuildIndexStats {
  answers: number;
  words: number;
  /** Changes on every write to the guild's training; cached statistics are valid while it holds. */
  generation: number;
  /** The guild's answer documents have ids in [first, last] (migration 007), indexed in its own FTS5 table (014). */
  slot: number;
  first: number;
  last: number;
}

/** The searches of one guild's FTS5 index (migration 014). */
interface GuildSearches {
  countMatches: Statement<[string, number], { n: number }>;
  /** Ids of the best-ranked documents (FTS5 BM25), best first. */
  rankCandidates: Statement<[string, number], number>;
}

/**
 * Answer documents kept between questions, so a search reads only ids from the FTS5 index: reading
 * each candidate's phrasings and answer from training_answers and training_entries took about a
 * third of the candidate query. A document is used only while the guild's `generation` is the one it
 * was read at (every write to the guild's training changes it). The answer text, needed only for the
 * few answers shown, is read when first asked for. The most recently used are kept (RecentMap); the
 * scorer keeps the same documents parsed (scoring.ts), so both caches hold one copy of each text.
 * 3,000: measured on the bench's 100,000-entry guild, this keeps the matcher's time with a bounded
 * memory (see bench/README.md, "Memory").
 */
export const DOCUMENT_CACHE_LIMIT = 3_000;
/**
 * Guilds whose two FTS5 searches stay prepared (the most recently searched): each prepared statement
 * holds SQLite memory, and a bot in thousands of servers would otherwise keep two per server for
 * good. Preparing them again costs well under a millisecond.
 */
export const PREPARED_GUILDS_LIMIT = 256;

interface StoredRow {
  id: number;
  questions: string;
  wordCount: number;
}

class StoredDocument implements AnswerDocument {
  readonly id: number;
  readonly questions: string;
  readonly wordCount: number;
  private text: string | undefined;

  constructor(
    row: StoredRow,
    readonly generation: number,
    private readonly readAnswer: (id: number) => string,
  ) {
    this.id = row.id;
    this.questions = row.questions;
    this.wordCount = row.wordCount;
  }

  get answer(): string {
    this.text ??= this.readAnswer(this.id);
    return this.text;
  }
}

export interface Phrasing {
  id: number;
  question: string;
  category: string;
}

/**
 * SQL condition: training_entries row `t` holds the answer text `value`, found through migration
 * 007's fingerprint index (its expressions must stay exactly these for SQLite to use it). Used as
 * `json_each(?) CROSS JOIN training_entries t ON ...`: CROSS JOIN keeps the few texts the outer
 * loop, or SQLite may scan the guild's entries instead.
 */
export const HOLDS_ANSWER = `length(t.answer) = length(value) AND substr(t.answer, 1, 16) = substr(value, 1, 16)
  AND substr(t.answer, -16) = substr(value, -16) AND t.answer = value`;

/**
 * The SQL behind the matcher: per-guild totals, document frequencies and ranked candidates from
 * the guild's own FTS5 index over its answer documents (migration 014), so a search reads and
 * ranks only that guild's documents (bm25() with the guild's own counts), and every row is
 * checked against guild_id once more.
 */
export class AnswerIndex {
  private readonly selectStats: Statement<[string], GuildIndexStats>;
  private readonly searches = new RecentMap<number, GuildSearches>(PREPARED_GUILDS_LIMIT);
  private readonly selectPhrasings: Statement<[number, string, number], Phrasing>;
  private readonly selectDocuments: Statement<[string, string], AnswerDocument>;
  private readonly selectStored: Statement<[string, string], StoredRow>;
  private readonly selectAnswer: Statement<[number], string>;
  private readonly stored = new RecentMap<number, StoredDocument>(DOCUMENT_CACHE_LIMIT);

  constructor(private readonly db: Db) {
    this.selectStats = db.prepare(
      `SELECT answers, words, generation, slot, slot * ${SLOT_SIZE} AS first, slot * ${SLOT_SIZE} + ${SLOT_SIZE - 1} AS last
       FROM training_index_stats WHERE guild_id = ?`,
    );
    this.selectDocuments = db.prepare(
      `SELECT DISTINCT a.id, value AS answer, a.questions, a.word_count AS wordCount
       FROM json_each(?) CROSS JOIN training_entries t ON t.guild_id = ? AND ${HOLDS_ANSWER}
       JOIN training_answers a ON a.id = t.answer_id ORDER BY a.id`,
    );
    this.selectStored = db.prepare(
      `SELECT a.id, a.questions, a.word_count AS wordCount FROM json_each(?) CROSS JOIN training_answers a ON a.id = value WHERE a.guild_id = ?`,
    );
    this.selectAnswer = db.prepare<[number], string>('SELECT answer FROM training_entries WHERE answer_id = ? LIMIT 1').pluck();
    this.selectPhrasings = db.prepare('SELECT id, question, category FROM training_entries WHERE answer_id = ? AND guild_id = ? ORDER BY id LIMIT ?');
  }

  /** The guild's statistics; undefined when it has no index (nothing trained, or none can be built on a read-only connection). */
  stats(guildId: string): GuildIndexStats | undefined {
    const stats = this.selectStats.get(guildId);
    return stats !== undefined && this.searchesOf(guildId, stats.slot) !== undefined ? stats : undefined;
  }

  private searchesOf(guildId: string, slot: number): GuildSearches | undefined {
    let searches = this.searches.get(slot);
    if (searches === undefined) {
      searches = this.prepareSearches(slot);
      // Entries written by a path that did not create the index (raw SQL): build it now if we may.
      if (searches === undefined && !this.db.readonly) {
        ensureGuildAnswerIndex(this.db, guildId);
        searches = this.prepareSearches(slot);
      }
      if (searches !== undefined) this.searches.set(slot, searches);
    }
    return searches;
  }

  private prepareSearches(slot: number): GuildSearches | undefined {
    const fts = answerIndexTable(slot);
    try {
      return {
        // LIMIT bounds the cost of a very common term: past the cap we only need "at least cap".
        countMatches: this.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`),
        rankCandidates: this.db.prepare<[string, number], number>(`SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? ORDER BY bm25(${fts}) LIMIT ?`).pluck(),
      };
    } catch (error) {
      if (error instanceof Error && /no such table/.test(error.message)) return undefined;
      throw error;
    }
  }

  /**
   * Drops the guild's prepared searches and cached documents (the bot left it); returns the ids its
   * documents have (undefined: nothing indexed), for other caches keyed by document id.
   */
  forgetGuild(guildId: string): { first: number; last: number } | undefined {
    const stats = this.selectStats.get(guildId);
    if (stats === undefined) return undefined;
    this.searches.delete(stats.slot);
    this.stored.deleteIf((id) => id >= stats.first && id <= stats.last);
    return { first: stats.first, last: stats.last };
  }

  /** How much is kept (for tests and diagnostics). */
  held(): { documents: number; preparedGuilds: number } {
    return { documents: this.stored.size, preparedGuilds: this.searches.size };
  }

  /** The guild's answers whose phrasings contain the word (after stemming), counted up to cap. */
  documentFrequency(guild: GuildIndexStats, word: string, cap: number): number {
    return this.count(guild, quoteTerm(word), cap);
  }

  /** The guild's answers with a word starting with `prefix`, counted up to cap. */
  prefixFrequency(guild: GuildIndexStats, prefix: string, cap: number): number {
    return this.count(guild, `${quoteTerm(prefix)} *`, cap);
  }

  /**
   * The guild's answers matching `expression`, best FTS5 BM25 first. The expression is an FTS5 query
   * over the questions built only from quoteTerm / literalMatchQuery output (src/core/text/fts.ts).
   */
  candidates(guildId: string, guild: GuildIndexStats, expression: string, limit: number): AnswerDocument[] {
    const ids = this.searches.get(guild.slot)?.rankCandidates.all(expression, limit) ?? [];
    return this.storedDocuments(guildId, guild, ids);
  }

  /**
   * The guild's documents with these ids, in their order: from the cache when read at the guild's
   * current generation, the others read in one query, checked against guild_id.
   */
  private storedDocuments(guildId: string, guild: GuildIndexStats, ids: readonly number[]): AnswerDocument[] {
    const missing = ids.filter((id) => this.stored.get(id)?.generation !== guild.generation);
    if (missing.length > 0) {
      const readAnswer = (id: number) => this.selectAnswer.get(id) ?? '';
      for (const row of this.selectStored.all(JSON.stringify(missing), guildId)) this.stored.set(row.id, new StoredDocument(row, guild.generation, readAnswer));
    }
    const docs: AnswerDocument[] = [];
    for (const id of ids) {
      const doc = this.stored.get(id);
      if (doc !== undefined && doc.generation === guild.generation && id >= guild.first && id <= guild.last) docs.push(doc);
    }
    return docs;
  }

  private count(guild: GuildIndexStats, expression: string, cap: number): number {
    return this.searches.get(guild.slot)?.countMatches.get(expression, cap)?.n ?? 0;
  }

  /** The guild's answer documents for these answer texts (unknown ones left out). */
  documents(guildId: string, answers: readonly string[]): AnswerDocument[] {
    return answers.length === 0 ? [] : this.selectDocuments.all(JSON.stringify(answers), guildId);
  }

  /** The entries of one answer document, oldest first. */
  phrasings(guildId: string, doc: AnswerDocument, limit: number): Phrasing[] {
    return this.selectPhrasings.all(doc.id, guildId, limit);
  }
}
