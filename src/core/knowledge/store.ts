import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import { describeFieldProblem, ellipsis } from '../transfer/fields.js';
import { KNOWLEDGE_FIELD_NAMES, kbEntryFieldsSchema, kbFieldsSchema } from './fields.js';
import { KnowledgeSearch, type KbEntryRow } from './search.js';

export { KNOWLEDGE_LIMITS } from './fields.js';

export interface KnowledgeBase {
  id: number;
  guildId: string;
  name: string;
  description: string;
  createdAt: number;
  entryCount: number;
}

export interface KbEntry {
  id: number;
  kbId: number;
  guildId: string;
  title: string;
  content: string;
  tags: string[];
  createdAt: number;
}

/** An entry with the name of its knowledge base. */
export interface KbEntryInBase {
  entry: KbEntry;
  kbName: string;
}

export interface KbEntryPage {
  entries: KbEntry[];
  total: number;
  page: number;
  pageCount: number;
}

export interface KbSearchHit {
  entry: KbEntry;
  kbName: string;
  /** 0..1, higher is better: the share of the query's words the entry contains (see search.ts). */
  score: number;
  /** Up to 200 characters of the entry around the hits, hits in **bold**. */
  snippet: string;
}

export interface NewKbEntry {
  title: string;
  content: string;
  tags?: string[] | string;
  authorId?: string | null;
}

interface KbRow {
  id: number;
  guild_id: string;
  name: string;
  description: string;
  created_at: number;
  entry_count: number;
}

const DEFAULT_PAGE_SIZE = 10;
const DEFAULT_SEARCH_LIMIT = 5;
/** Discord autocomplete: at most 25 choices, labels of at most 100 characters. */
const MAX_SUGGESTIONS = 25;
const MAX_LABEL = 100;

const toKnowledgeBase = (row: KbRow): KnowledgeBase => ({
  id: row.id,
  guildId: row.guild_id,
  name: row.name,
  description: row.description,
  createdAt: row.created_at,
  entryCount: row.entry_count,
});

export const toKbEntry = (row: KbEntryRow): KbEntry => ({
  id: row.id,
  kbId: row.kb_id,
  guildId: row.guild_id,
  title: row.title,
  content: row.content,
  tags: JSON.parse(row.tags) as string[],
  createdAt: row.created_at,
});

const KB_COLUMNS = `kb.id, kb.guild_id, kb.name, kb.description, kb.created_at,
  (SELECT COUNT(*) FROM kb_entries AS e WHERE e.kb_id = kb.id) AS entry_count`;

/** Named collections of reference entries per server, searched to ground AI answers. */
export class KnowledgeStore {
  private readonly searcher: KnowledgeSearch;
  private readonly insertKb: Statement<[string, string, string, string | null, number, number]>;
  private readonly selectKb: Statement<[string, number], KbRow>;
  private readonly selectKbByName: Statement<[string, string], KbRow>;
  private readonly selectKbs: Statement<[string], KbRow>;
  private readonly selectKbsLike: Statement<[string, string, number], KbRow>;
  private readonly insertEntry: Statement<[number, string, string, string, string, string | null, number, number], KbEntryRow>;
  private readonly selectEntries: Statement<[string, string], KbEntryRow & { kb_name: string }>;
  private readonly selectEntryPage: Statement<[string, number, number, number], KbEntryRow>;
  private readonly selectAllEntries: Statement<[string, number], KbEntryRow>;
  private readonly countEntries: Statement<[string, number], { n: number }>;
  private readonly deleteKb: Statement<[string, number]>;
  private readonly updateEntryStmt: Statement<[string, string, string, number, string, number], KbEntryRow>;
  private readonly deleteEntryStmt: Statement<[string, number]>;
  private readonly countAll: Statement<[{ guildId: string }], { kbs: number; entries: number }>;

  constructor(private readonly db: Db) {
    this.searcher = new KnowledgeSearch(db);
    this.insertKb = db.prepare(
      'INSERT INTO knowledge_bases (guild_id, name, description, author_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectKb = db.prepare(`SELECT ${KB_COLUMNS} FROM knowledge_bases AS kb WHERE kb.guild_id = ? AND kb.id = ?`);
    this.selectKbByName = db.prepare(`SELECT ${KB_COLUMNS} FROM knowledge_bases AS kb WHERE kb.guild_id = ? AND kb.name = ? COLLATE NOCASE`);
    this.selectKbs = db.prepare(`SELECT ${KB_COLUMNS} FROM knowledge_bases AS kb WHERE kb.guild_id = ? ORDER BY kb.name COLLATE NOCASE`);
    this.selectKbsLike = db.prepare(
      `SELECT ${KB_COLUMNS} FROM knowledge_bases AS kb WHERE kb.guild_id = ? AND kb.name LIKE ? ESCAPE '\\' ORDER BY kb.name COLLATE NOCASE LIMIT ?`,
    );
    this.insertEntry = db.prepare(
      `INSERT INTO kb_entries (kb_id, guild_id, title, content, tags, author_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, kb_id, guild_id, title, content, tags, created_at`,
    );
    this.selectEntries = db.prepare(
      `SELECT e.id, e.kb_id, e.guild_id, e.title, e.content, e.tags, e.created_at, kb.name AS kb_name
       FROM kb_entries AS e JOIN knowledge_bases AS kb ON kb.id = e.kb_id AND kb.guild_id = e.guild_id
       WHERE e.guild_id = ? AND e.id IN (SELECT value FROM json_each(?))`,
    );
    this.selectEntryPage = db.prepare(
      'SELECT id, kb_id, guild_id, title, content, tags, created_at FROM kb_entries WHERE guild_id = ? AND kb_id = ? ORDER BY id LIMIT ? OFFSET ?',
    );
    this.selectAllEntries = db.prepare(
      'SELECT id, kb_id, guild_id, title, content, tags, created_at FROM kb_entries WHERE guild_id = ? AND kb_id = ? ORDER BY id',
    );
    this.countEntries = db.prepare('SELECT COUNT(*) AS n FROM kb_entries WHERE guild_id = ? AND kb_id = ?');
    this.deleteKb = db.prepare('DELETE FROM knowledge_bases WHERE guild_id = ? AND id = ?');
    // The FTS5 index and the embedding queue follow by trigger.
    this.updateEntryStmt = db.prepare(
      `UPDATE kb_entries SET title = ?, content = ?, tags = ?, updated_at = ? WHERE guild_id = ? AND id = ?
       RETURNING id, kb_id, guild_id, title, content, tags, created_at`,
    );
    this.deleteEntryStmt = db.prepare('DELETE FROM kb_entries WHERE guild_id = ? AND id = ?');
    this.countAll = db.prepare(
      `SELECT (SELECT COUNT(*) FROM knowledge_bases WHERE guild_id = @guildId) AS kbs, (SELECT COUNT(*) FROM kb_entries WHERE guild_id = @guildId) AS entries`,
    );
  }

  create(guildId: string, input: { name: string; description?: string; authorId?: string | null }, now = Date.now()): KnowledgeBase {
    const parsed = kbFieldsSchema.safeParse(input);
    if (!parsed.success) throw new UserError(describeFieldProblem(parsed.error, KNOWLEDGE_FIELD_NAMES));
    const { name, description } = parsed.data;
    if (this.findByName(guildId, name)) throw new UserError(`A knowledge base named "${name}" already exists.`);
    const { lastInsertRowid } = this.insertKb.run(guildId, name, description, input.authorId ?? null, now, now);
    return this.get(guildId, Number(lastInsertRowid))!;
  }

  get(guildId: string, kbId: number): KnowledgeBase | undefined {
    const row = this.selectKb.get(guildId, kbId);
    return row && toKnowledgeBase(row);
  }

  /** Case-insensitive. */
  findByName(guildId: string, name: string): KnowledgeBase | undefined {
    const row = this.selectKbByName.get(guildId, name.trim().replace(/\s+/g, ' '));
    return row && toKnowledgeBase(row);
  }

  /** A name as typed, or an id ("12", "#12") as Discord's autocomplete sends it. Names are never only digits. */
  resolve(guildId: string, nameOrId: string): KnowledgeBase {
    const text = nameOrId.trim();
    const id = /^#?(\d{1,15})$/.exec(text)?.[1];
    const kb = id !== undefined ? this.get(guildId, Number(id)) : this.findByName(guildId, text);
    if (!kb) throw new UserError(id !== undefined ? `No knowledge base with id ${id}.` : `No knowledge base named "${text}".`);
    return kb;
  }

  /** By name, with entry counts. */
  list(guildId: string): KnowledgeBase[] {
    return this.selectKbs.all(guildId).map(toKnowledgeBase);
  }

  /** Autocomplete choices; `value` is the id, which `resolve` accepts. */
  suggest(guildId: string, typed: string, limit = MAX_SUGGESTIONS): { value: string; label: string }[] {
    const pattern = `%${typed.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const max = Math.min(MAX_SUGGESTIONS, Math.max(1, limit));
    return this.selectKbsLike.all(guildId, pattern, max).map((row) => ({
      value: String(row.id),
      label: ellipsis(`${row.name} (${row.entry_count} ${row.entry_count === 1 ? 'entry' : 'entries'})`, MAX_LABEL),
    }));
  }

  addEntry(guildId: string, kbId: number, input: NewKbEntry, now = Date.now()): KbEntry {
    const kb = this.requireKb(guildId, kbId);
    const parsed = kbEntryFieldsSchema.safeParse(input);
    if (!parsed.success) throw new UserError(describeFieldProblem(parsed.error, KNOWLEDGE_FIELD_NAMES));
    const { title, content, tags } = parsed.data;
    return toKbEntry(this.insertEntry.get(kb.id, guildId, title, content, JSON.stringify(tags), input.authorId ?? null, now, now)!);
  }

  /** Replaces an entry's fields, validated as addEntry(); a UserError (nothing changed) for bad input or another server's entry. */
  updateEntry(guildId: string, entryId: number, input: Omit<NewKbEntry, 'authorId'>, now = Date.now()): KbEntry {
    const parsed = kbEntryFieldsSchema.safeParse(input);
    if (!parsed.success) throw new UserError(describeFieldProblem(parsed.error, KNOWLEDGE_FIELD_NAMES));
    const { title, content, tags } = parsed.data;
    const row = this.updateEntryStmt.get(title, content, JSON.stringify(tags), now, guildId, entryId);
    if (!row) throw new UserError(`No knowledge-base entry with id ${entryId}.`);
    return toKbEntry(row);
  }

  /** false for an entry of another server, as for one that does not exist. */
  deleteEntry(guildId: string, entryId: number): boolean {
    return this.deleteEntryStmt.run(guildId, entryId).changes > 0;
  }

  /** The entries of this server among `ids`, in the order of `ids`. */
  getEntries(guildId: string, ids: number[]): KbEntry[] {
    return this.getEntriesWithBase(guildId, ids).map((found) => found.entry);
  }

  /** getEntries with each entry's knowledge-base name (one read, whatever the number of entries). */
  getEntriesWithBase(guildId: string, ids: number[]): KbEntryInBase[] {
    if (ids.length === 0) return [];
    const byId = new Map(this.selectEntries.all(guildId, JSON.stringify(ids)).map((row) => [row.id, { entry: toKbEntry(row), kbName: row.kb_name }]));
    return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
  }

  /** One page (1-based, clamped), oldest first. */
  listEntries(guildId: string, kbId: number, opts: { page?: number; pageSize?: number } = {}): KbEntryPage {
    const kb = this.requireKb(guildId, kbId);
    const pageSize = Math.max(1, Math.floor(opts.pageSize ?? DEFAULT_PAGE_SIZE));
    const total = this.countEntries.get(guildId, kb.id)?.n ?? 0;
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(pageCount, Math.max(1, Math.floor(opts.page ?? 1)));
    const entries = this.selectEntryPage.all(guildId, kb.id, pageSize, (page - 1) * pageSize).map(toKbEntry);
    return { entries, total, page, pageCount };
  }

  /** Every entry of a knowledge base, oldest first (exports). */
  allEntries(guildId: string, kbId: number): KbEntry[] {
    const kb = this.requireKb(guildId, kbId);
    return this.selectAllEntries.all(guildId, kb.id).map(toKbEntry);
  }

  /** Best matches first. Any text is a valid query: FTS5 syntax in it is searched literally. */
  search(guildId: string, query: string, opts: { kbId?: number; limit?: number } = {}): KbSearchHit[] {
    return this.searcher.search(guildId, query, { kbId: opts.kbId, limit: opts.limit ?? DEFAULT_SEARCH_LIMIT }).map(({ row, score, snippet }) => ({
      entry: toKbEntry(row),
      kbName: row.kb_name,
      score,
      snippet,
    }));
  }

  /** Deletes a knowledge base with its entries (cascade; the search index follows by trigger). */
  delete(guildId: string, kbId: number): { entriesDeleted: number } {
    return this.db.transaction(() => {
      const kb = this.requireKb(guildId, kbId);
      this.deleteKb.run(guildId, kb.id);
      return { entriesDeleted: kb.entryCount };
    })();
  }

  stats(guildId: string): { knowledgeBases: number; entries: number } {
    const counts = this.countAll.get({ guildId });
    return { knowledgeBases: counts?.kbs ?? 0, entries: counts?.entries ?? 0 };
  }

  private requireKb(guildId: string, kbId: number): KnowledgeBase {
    const kb = this.get(guildId, kbId);
    if (!kb) throw new UserError(`No knowledge base with id ${kbId}.`);
    return kb;
  }
}
