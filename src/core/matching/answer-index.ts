import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { quoteTerm } from '../text/fts.js';

/** One trained answer with all its phrasings (migration 002's training_answers row). */
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
}

export interface Phrasing {
  id: number;
  question: string;
  category: string;
}

/**
 * The SQL behind the matcher: per-guild totals, document frequencies and ranked candidates from
 * the FTS5 index over answer documents. Every MATCH is scoped to one guild by ANDing the guild's
 * token (an indexed column), and every row is checked against guild_id once more.
 */
export class AnswerIndex {
  private readonly selectStats: Statement<[string], GuildIndexStats>;
  private readonly countMatches: Statement<[string, number], { n: number }>;
  private readonly selectCandidates: Statement<[string, string, number], AnswerDocument>;
  private readonly selectPhrasings: Statement<[string, string, number], Phrasing>;
  private readonly selectDocuments: Statement<[string, string], AnswerDocument>;

  constructor(db: Db) {
    this.selectStats = db.prepare('SELECT answers, words, generation FROM training_index_stats WHERE guild_id = ?');
    // LIMIT bounds the cost of a very common term: past the cap we only need "at least cap".
    this.countMatches = db.prepare(
      'SELECT count(*) AS n FROM (SELECT 1 FROM training_answers_fts WHERE training_answers_fts MATCH ? LIMIT ?)',
    );
    // bm25 with weight 0 on the guild column: the guild token says where to look, not how well.
    this.selectCandidates = db.prepare(
      `SELECT a.id, a.answer, a.questions, a.word_count AS wordCount
       FROM training_answers_fts f JOIN training_answers a ON a.id = f.rowid
       WHERE training_answers_fts MATCH ? AND a.guild_id = ?
       ORDER BY bm25(training_answers_fts, 0.0, 1.0) LIMIT ?`,
    );
    this.selectDocuments = db.prepare(
      `SELECT id, answer, questions, word_count AS wordCount FROM training_answers
       WHERE guild_id = ? AND answer IN (SELECT value FROM json_each(?)) ORDER BY id`,
    );
    this.selectPhrasings = db.prepare(
      'SELECT id, question, category FROM training_entries WHERE guild_id = ? AND answer = ? ORDER BY id LIMIT ?',
    );
  }

  stats(guildId: string): GuildIndexStats | undefined {
    return this.selectStats.get(guildId);
  }

  /**
   * Answers whose phrasings contain the word (after stemming) — of one guild, or of all guilds when
   * guildId is undefined — counted up to cap.
   */
  documentFrequency(guildId: string | undefined, word: string, cap: number): number {
    return this.count(guildId, quoteTerm(word), cap);
  }

  /** Answers of the guild with a word starting with `prefix`, counted up to cap. */
  prefixFrequency(guildId: string, prefix: string, cap: number): number {
    return this.count(guildId, `${quoteTerm(prefix)} *`, cap);
  }

  /**
   * The guild's answers matching `expression`, best BM25 first. The expression is an FTS5 query
   * over the questions built only from quoteTerm / literalMatchQuery output (src/core/text/fts.ts).
   *
   * FTS5's bm25() counts every document that contains each phrase of the query, so ANDing the
   * guild token costs as much as the guild is large. `plan` says which is cheaper for this
   * question: 'guild-token' (visits the guild's answers) or 'join' (visits every guild's answers
   * that contain the terms, and keeps this guild's by the join on guild_id).
   */
  candidates(guildId: string, expression: string, limit: number, plan: 'guild-token' | 'join'): AnswerDocument[] {
    const match = plan === 'guild-token' ? `${guildFilter(guildId)} AND {questions}: (${expression})` : `{questions}: (${expression})`;
    return this.selectCandidates.all(match, guildId, limit);
  }

  private count(guildId: string | undefined, phrase: string, cap: number): number {
    const match = guildId === undefined ? `{questions}: ${phrase}` : `${guildFilter(guildId)} AND {questions}: ${phrase}`;
    return this.countMatches.get(match, cap)?.n ?? 0;
  }

  /** The guild's answer documents for these answer texts (unknown ones left out). */
  documents(guildId: string, answers: readonly string[]): AnswerDocument[] {
    return answers.length === 0 ? [] : this.selectDocuments.all(guildId, JSON.stringify(answers));
  }

  phrasings(guildId: string, answer: string, limit: number): Phrasing[] {
    return this.selectPhrasings.all(guildId, answer, limit);
  }
}

/** The token migration 002 indexes for a guild: 'g' + hex of the id's UTF-8 bytes. */
export function guildToken(guildId: string): string {
  return `g${Buffer.from(guildId, 'utf8').toString('hex')}`;
}

function guildFilter(guildId: string): string {
  return `{guild_key}: ${quoteTerm(guildToken(guildId))}`;
}
