import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { quoteTerm } from '../text/fts.js';

/** Document ids per guild (migration 007): a guild's ids are slot * 2^32 + n. */
const SLOT_SIZE = 4294967296;

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
  /** The guild's answer documents have ids in [first, last] (migration 007). */
  first: number;
  last: number;
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
 * the FTS5 index over answer documents. Every search is scoped to one guild by its range of
 * document ids, so it returns and ranks only that guild's documents, and every row is checked
 * against guild_id once more. (FTS5's bm25() still counts each word's documents in all guilds:
 * a small guild beside a very large one pays for the large one's common words.)
 */
export class AnswerIndex {
  private readonly selectStats: Statement<[string], GuildIndexStats>;
  private readonly countMatches: Statement<[string, number, number, number], { n: number }>;
  private readonly selectCandidates: Statement<[string, number, number, number, string], AnswerDocument>;
  private readonly selectPhrasings: Statement<[number, string, number], Phrasing>;
  private readonly selectDocuments: Statement<[string, string], AnswerDocument>;

  constructor(db: Db) {
    this.selectStats = db.prepare(
      `SELECT answers, words, generation, slot * ${SLOT_SIZE} AS first, slot * ${SLOT_SIZE} + ${SLOT_SIZE - 1} AS last
       FROM training_index_stats WHERE guild_id = ?`,
    );
    // LIMIT bounds the cost of a very common term: past the cap we only need "at least cap".
    this.countMatches = db.prepare(
      'SELECT count(*) AS n FROM (SELECT 1 FROM training_answers_fts WHERE training_answers_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?)',
    );
    // The answer text is read from one of the document's entries, only for the few candidates.
    this.selectCandidates = db.prepare(
      `SELECT a.id, (SELECT answer FROM training_entries WHERE answer_id = a.id LIMIT 1) AS answer, a.questions, a.word_count AS wordCount
       FROM (SELECT rowid, bm25(training_answers_fts) AS rank FROM training_answers_fts
             WHERE training_answers_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rank LIMIT ?) f
       JOIN training_answers a ON a.id = f.rowid
       WHERE a.guild_id = ? ORDER BY f.rank`,
    );
    this.selectDocuments = db.prepare(
      `SELECT DISTINCT a.id, value AS answer, a.questions, a.word_count AS wordCount
       FROM json_each(?) CROSS JOIN training_entries t ON t.guild_id = ? AND ${HOLDS_ANSWER}
       JOIN training_answers a ON a.id = t.answer_id ORDER BY a.id`,
    );
    this.selectPhrasings = db.prepare('SELECT id, question, category FROM training_entries WHERE answer_id = ? AND guild_id = ? ORDER BY id LIMIT ?');
  }

  stats(guildId: string): GuildIndexStats | undefined {
    return this.selectStats.get(guildId);
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
    return this.selectCandidates.all(expression, guild.first, guild.last, limit, guildId);
  }

  private count(guild: GuildIndexStats, expression: string, cap: number): number {
    return this.countMatches.get(expression, guild.first, guild.last, cap)?.n ?? 0;
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
