import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { ensureGuildAnswerIndex } from '../../db/guild-answer-index.js';
import { UserError } from '../errors.js';
import { pageWindow } from '../paging.js';
import { StatCounters } from '../stats/counters.js';
import { describeFieldProblem, ellipsis } from '../transfer/fields.js';
import { DEFAULT_CATEGORY, TRAINING_FIELD_NAMES, trainingFieldsSchema } from './entry-schema.js';

export { TRAINING_LIMITS } from './entry-schema.js';

export interface TrainingEntry {
  id: number;
  guildId: string;
  question: string;
  answer: string;
  category: string;
  tags: string[];
  authorId: string | null;
  usageCount: number;
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewTrainingEntry {
  question: string;
  answer: string;
  category?: string;
  /** An array, or one comma-separated string as typed in a slash command. */
  tags?: string[] | string;
  authorId?: string | null;
}

export interface TrainingPage {
  entries: TrainingEntry[];
  total: number;
  page: number;
  pageCount: number;
}

export interface TrainingStats {
  total: number;
  byCategory: { category: string; count: number }[];
  /** The five most used entries that were used at least once. */
  mostUsed: TrainingEntry[];
  answeredFromTraining: number;
}

interface TrainingRow {
  id: number;
  guild_id: string;
  question: string;
  answer: string;
  category: string;
  tags: string;
  author_id: string | null;
  usage_count: number;
  last_used_at: number | null;
  created_at: number;
  updated_at: number;
}

const DEFAULT_PAGE_SIZE = 10;
/** Discord autocomplete allows 25 choices of at most 100 characters. */
const MAX_SUGGESTIONS = 25;
const MAX_LABEL = 100;

export function toTrainingEntry(row: TrainingRow): TrainingEntry {
  return {
    id: row.id,
    guildId: row.guild_id,
    question: row.question,
    answer: row.answer,
    category: row.category,
    tags: JSON.parse(row.tags) as string[],
    authorId: row.author_id,
    usageCount: row.usage_count,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Escapes LIKE wildcards so typed `%` and `_` match themselves. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The questions and answers staff trained the bot with, per server. */
export class TrainingStore {
  private readonly counters: StatCounters;
  private readonly insert: Statement<[string, string, string, string, string, string | null, number, number]>;
  private readonly selectOne: Statement<[string, number], TrainingRow>;
  private readonly selectMany: Statement<[string, string], TrainingRow>;
  private readonly selectAll: Statement<[string], TrainingRow>;
  private readonly selectPage: Statement<[{ guildId: string; category: string | null; limit: number; offset: number }], TrainingRow>;
  private readonly countWhere: Statement<[{ guildId: string; category: string | null }], { n: number }>;
  private readonly deleteOne: Statement<[string, number]>;
  private readonly markUsed: Statement<[number, string, number]>;
  private readonly selectCategories: Statement<[string], { category: string; count: number }>;
  private readonly selectMostUsed: Statement<[string, number], TrainingRow>;
  private readonly selectByIdPrefix: Statement<[string, string, number], { id: number; question: string }>;
  private readonly selectByWords: Statement<[{ guildId: string; patterns: string; limit: number }], { id: number; question: string }>;
  private readonly selectRecent: Statement<[string, number], { id: number; question: string }>;
  private readonly updateOne: Statement<[{ guildId: string; id: number; question: string; answer: string; category: string; tags: string; now: number }], TrainingRow>;
  private readonly searchPage: Statement<[{ guildId: string; pattern: string; limit: number; offset: number }], TrainingRow>;
  private readonly searchCount: Statement<[{ guildId: string; pattern: string }], { n: number }>;

  constructor(private readonly db: Db) {
    this.counters = new StatCounters(db);
    this.insert = db.prepare(
      `INSERT INTO training_entries (guild_id, question, answer, category, tags, author_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    );
    this.selectOne = db.prepare('SELECT * FROM training_entries WHERE guild_id = ? AND id = ?');
    this.selectMany = db.prepare('SELECT * FROM training_entries WHERE guild_id = ? AND id IN (SELECT value FROM json_each(?))');
    this.selectAll = db.prepare('SELECT * FROM training_entries WHERE guild_id = ? ORDER BY id');
    // Ids first from an index (guild_id, id / guild_id, category, id), then only that page's rows:
    // a deep page skips index entries, not whole rows, and nothing is sorted.
    this.selectPage = db.prepare(
      `SELECT * FROM training_entries WHERE id IN (
         SELECT id FROM training_entries WHERE guild_id = @guildId AND @category IS NULL ORDER BY id LIMIT @limit OFFSET @offset)
       OR id IN (
         SELECT id FROM training_entries WHERE guild_id = @guildId AND category = @category ORDER BY id LIMIT @limit OFFSET @offset)
       ORDER BY id`,
    );
    this.countWhere = db.prepare('SELECT COUNT(*) AS n FROM training_entries WHERE guild_id = @guildId AND (@category IS NULL OR category = @category)');
    this.deleteOne = db.prepare('DELETE FROM training_entries WHERE guild_id = ? AND id = ?');
    this.markUsed = db.prepare('UPDATE training_entries SET usage_count = usage_count + 1, last_used_at = ? WHERE guild_id = ? AND id = ?');
    this.selectCategories = db.prepare(
      'SELECT category, COUNT(*) AS count FROM training_entries WHERE guild_id = ? GROUP BY category ORDER BY count DESC, category',
    );
    this.selectMostUsed = db.prepare(
      'SELECT * FROM training_entries WHERE guild_id = ? AND usage_count > 0 ORDER BY usage_count DESC, last_used_at DESC, id LIMIT ?',
    );
    this.selectByIdPrefix = db.prepare(
      "SELECT id, question FROM training_entries WHERE guild_id = ? AND CAST(id AS TEXT) LIKE ? || '%' ORDER BY length(id), id LIMIT ?",
    );
    // Every typed word must appear in the question (ASCII case-insensitive LIKE, enough for autocomplete).
    this.selectByWords = db.prepare(
      `SELECT id, question FROM training_entries
       WHERE guild_id = @guildId
         AND NOT EXISTS (SELECT 1 FROM json_each(@patterns) AS w WHERE training_entries.question NOT LIKE w.value ESCAPE '\\')
       ORDER BY usage_count DESC, id DESC LIMIT @limit`,
    );
    this.selectRecent = db.prepare('SELECT id, question FROM training_entries WHERE guild_id = ? ORDER BY id DESC LIMIT ?');
    // The answer-document and embedding triggers follow an UPDATE of question/answer, so the
    // matcher's next lookup already sees the edit.
    this.updateOne = db.prepare(
      `UPDATE training_entries SET question = @question, answer = @answer, category = @category, tags = @tags, updated_at = @now
       WHERE guild_id = @guildId AND id = @id RETURNING *`,
    );
    const matches = `guild_id = @guildId AND (question LIKE @pattern ESCAPE '\\' OR answer LIKE @pattern ESCAPE '\\'
       OR category LIKE @pattern ESCAPE '\\' OR tags LIKE @pattern ESCAPE '\\')`;
    this.searchPage = db.prepare(`SELECT * FROM training_entries INDEXED BY training_by_guild_id WHERE ${matches} ORDER BY id LIMIT @limit OFFSET @offset`);
    this.searchCount = db.prepare(`SELECT COUNT(*) AS n FROM training_entries INDEXED BY training_by_guild_id WHERE ${matches}`);
  }

  /** Validates and stores a new entry; bad input throws a UserError and stores nothing. */
  add(guildId: string, input: NewTrainingEntry, now = Date.now()): TrainingEntry {
    const parsed = trainingFieldsSchema.safeParse({ ...input, category: input.category ?? DEFAULT_CATEGORY });
    if (!parsed.success) throw new UserError(describeFieldProblem(parsed.error, TRAINING_FIELD_NAMES));
    const { question, answer, category, tags } = parsed.data;
    ensureGuildAnswerIndex(this.db, guildId);
    const row = this.insert.get(guildId, question, answer, category, JSON.stringify(tags), input.authorId ?? null, now, now) as TrainingRow;
    return toTrainingEntry(row);
  }

  /** undefined for an id of another server, as for one that does not exist. */
  get(guildId: string, id: number): TrainingEntry | undefined {
    const row = this.selectOne.get(guildId, id);
    return row && toTrainingEntry(row);
  }

  /** The entries of this server among `ids`, in the order of `ids`; unknown ids are left out. */
  getMany(guildId: string, ids: number[]): TrainingEntry[] {
    if (ids.length === 0) return [];
    const byId = new Map(this.selectMany.all(guildId, JSON.stringify(ids)).map((row) => [row.id, toTrainingEntry(row)]));
    return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
  }

  /** Every entry of a server, oldest first (exports). */
  all(guildId: string): TrainingEntry[] {
    return this.selectAll.all(guildId).map(toTrainingEntry);
  }

  /** One page (1-based; clamped to the pages that exist), oldest first. */
  list(guildId: string, opts: { category?: string; page?: number; pageSize?: number } = {}): TrainingPage {
    const category = opts.category?.trim().toLowerCase() || null;
    const total = this.countWhere.get({ guildId, category })?.n ?? 0;
    const { page, pageSize, pageCount, offset } = pageWindow(total, opts, DEFAULT_PAGE_SIZE);
    const rows = this.selectPage.all({ guildId, category, limit: pageSize, offset });
    return { entries: rows.map(toTrainingEntry), total, page, pageCount };
  }

  /**
   * Replaces an entry's fields with the same validation as add(); a UserError (and nothing changed)
   * for bad input or an id that is not this server's.
   */
  update(guildId: string, id: number, input: Omit<NewTrainingEntry, 'authorId'>, now = Date.now()): TrainingEntry {
    const parsed = trainingFieldsSchema.safeParse({ ...input, category: input.category ?? DEFAULT_CATEGORY });
    if (!parsed.success) throw new UserError(describeFieldProblem(parsed.error, TRAINING_FIELD_NAMES));
    const { question, answer, category, tags } = parsed.data;
    const row = this.updateOne.get({ guildId, id, question, answer, category, tags: JSON.stringify(tags), now });
    if (!row) throw new UserError(`There is no training entry #${id} in this server.`);
    return toTrainingEntry(row);
  }

  /**
   * One page of the entries whose question, answer, category or tags contain `query` (all of
   * them without one), oldest first: the dashboard's table.
   */
  search(guildId: string, query: string, opts: { page?: number; pageSize?: number } = {}): TrainingPage {
    const text = query.trim();
    if (text === '') return this.list(guildId, opts);
    const pattern = likePattern(text);
    const total = this.searchCount.get({ guildId, pattern })?.n ?? 0;
    const { page, pageSize, pageCount, offset } = pageWindow(total, opts, DEFAULT_PAGE_SIZE);
    const rows = this.searchPage.all({ guildId, pattern, limit: pageSize, offset });
    return { entries: rows.map(toTrainingEntry), total, page, pageCount };
  }

  delete(guildId: string, id: number): boolean {
    return this.deleteOne.run(guildId, id).changes > 0;
  }

  /** Counts one answer given from this entry. */
  recordUse(guildId: string, id: number, now = Date.now()): void {
    this.markUsed.run(now, guildId, id);
  }

  count(guildId: string): number {
    return this.countWhere.get({ guildId, category: null })?.n ?? 0;
  }

  categories(guildId: string): { category: string; count: number }[] {
    return this.selectCategories.all(guildId);
  }

  /**
   * Autocomplete choices: `typed` may be an id ("12", "#12") or words from the question.
   * Nothing typed: the newest entries.
   */
  suggest(guildId: string, typed: string, limit = MAX_SUGGESTIONS): { id: number; label: string }[] {
    const max = Math.min(MAX_SUGGESTIONS, Math.max(1, limit));
    const text = typed.trim();
    const idPrefix = /^#?(\d+)$/.exec(text)?.[1];
    const words = text.split(/\s+/).filter((w) => w !== '');
    let rows: { id: number; question: string }[];
    if (words.length === 0) rows = this.selectRecent.all(guildId, max);
    else {
      rows = idPrefix ? this.selectByIdPrefix.all(guildId, idPrefix, max) : [];
      if (rows.length < max) {
        const seen = new Set(rows.map((r) => r.id));
        const byWords = this.selectByWords.all({ guildId, patterns: JSON.stringify(words.map(likePattern)), limit: max });
        rows = [...rows, ...byWords.filter((r) => !seen.has(r.id))].slice(0, max);
      }
    }
    return rows.map((r) => ({ id: r.id, label: ellipsis(`#${r.id} ${r.question.replace(/\s+/g, ' ')}`, MAX_LABEL) }));
  }

  stats(guildId: string): TrainingStats {
    return {
      total: this.count(guildId),
      byCategory: this.categories(guildId),
      mostUsed: this.selectMostUsed.all(guildId, 5).map(toTrainingEntry),
      answeredFromTraining: this.counters.get(guildId, 'answered_trained'),
    };
  }
}
