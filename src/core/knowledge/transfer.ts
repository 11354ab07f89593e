import { z } from 'zod';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import {
  checkDuplicateIds,
  checkEntryCount,
  checkEnvelope,
  DEFAULT_MAX_IMPORT_BYTES,
  entriesArray,
  fileEntryId,
  parseEntries,
  readImportFile,
} from '../transfer/import-file.js';
import { optionalText } from '../transfer/fields.js';
import { preparedOnce } from '../transfer/statements.js';
import { kbEntryFieldsSchema, kbNameSchema, KNOWLEDGE_LIMITS } from './fields.js';
import { KnowledgeStore, type KnowledgeBase } from './store.js';

export const KNOWLEDGE_EXPORT_FORMAT = 'discord-ai-ticket-bot/knowledge-base';
export const KNOWLEDGE_EXPORT_VERSION = 1;
export const DEFAULT_MAX_KB_IMPORT_ENTRIES = 50_000;

export interface KnowledgeBaseExport {
  format: typeof KNOWLEDGE_EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  knowledgeBase: { name: string; description: string; entries: { title: string; content: string; tags: string[] }[] };
}

export interface KnowledgeImportOptions {
  /** Name or id of the knowledge base to import into; default: the file's name. A name not found is created. */
  targetKb?: string;
  authorId?: string | null;
  maxBytes?: number;
  maxEntries?: number;
}

export interface KnowledgeImportResult {
  knowledgeBase: KnowledgeBase;
  added: number;
  /** Entries whose title and content the knowledge base already had. */
  skipped: number;
}

const statements = preparedOnce((db) => ({
  store: new KnowledgeStore(db),
  selectKeys: db.prepare<[string, number], { title: string; content: string }>('SELECT title, content FROM kb_entries WHERE guild_id = ? AND kb_id = ?'),
  insert: db.prepare<[number, string, string, string, string, string | null, number, number]>(
    `INSERT INTO kb_entries (kb_id, guild_id, title, content, tags, author_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
}));

export function exportKnowledgeBase(store: KnowledgeStore, guildId: string, kbId: number, now = Date.now()): KnowledgeBaseExport {
  const kb = store.get(guildId, kbId);
  if (!kb) throw new UserError(`No knowledge base with id ${kbId}.`);
  return {
    format: KNOWLEDGE_EXPORT_FORMAT,
    version: KNOWLEDGE_EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    knowledgeBase: {
      name: kb.name,
      description: kb.description,
      entries: store.allEntries(guildId, kb.id).map((e) => ({ title: e.title, content: e.content, tags: e.tags })),
    },
  };
}

const importEntrySchema = kbEntryFieldsSchema.extend({ id: fileEntryId });
const fileKbSchema = z.object({
  name: kbNameSchema,
  description: optionalText(KNOWLEDGE_LIMITS.description),
});

const entryKey = (e: { title: string; content: string }) => `${e.title}\u0000${e.content}`;

function parseKnowledgeFile(input: string | Buffer, opts: KnowledgeImportOptions) {
  const data = readImportFile(input, opts.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES);
  const envelope = checkEnvelope(data, { format: KNOWLEDGE_EXPORT_FORMAT, version: KNOWLEDGE_EXPORT_VERSION, what: 'a knowledge-base export' });
  const kbObject = envelope.knowledgeBase;
  if (kbObject === null || typeof kbObject !== 'object' || Array.isArray(kbObject)) throw new UserError('The file has no "knowledgeBase" object.');
  const header = fileKbSchema.safeParse(kbObject);
  if (!header.success) {
    const issue = header.error.issues[0]!;
    throw new UserError(`The knowledge base in the file: "${String(issue.path[0])}" ${issue.message}.`);
  }
  const rawEntries = entriesArray(kbObject as Record<string, unknown>, 'entries');
  checkEntryCount(rawEntries.length, opts.maxEntries ?? DEFAULT_MAX_KB_IMPORT_ENTRIES);
  const entries = parseEntries(rawEntries, importEntrySchema);
  checkDuplicateIds(entries);
  return { name: header.data.name, description: header.data.description, entries };
}

/**
 * Imports a knowledge-base export into one server, all or nothing (the knowledge base it creates
 * included). Entries with the same title and content as one already there are skipped.
 */
export function importKnowledgeBase(db: Db, guildId: string, input: string | Buffer, opts: KnowledgeImportOptions = {}): KnowledgeImportResult {
  const file = parseKnowledgeFile(input, opts);
  const { store, selectKeys, insert } = statements(db);
  const target = opts.targetKb?.trim() || file.name;
  const now = Date.now();

  return db.transaction(() => {
    const kb = /^#?\d+$/.test(target)
      ? store.resolve(guildId, target)
      : (store.findByName(guildId, target) ?? store.create(guildId, { name: target, description: file.description, authorId: opts.authorId }, now));
    const present = new Set(selectKeys.all(guildId, kb.id).map(entryKey));
    let added = 0;
    let skipped = 0;
    for (const entry of file.entries) {
      const key = entryKey(entry);
      if (present.has(key)) {
        skipped++;
        continue;
      }
      insert.run(kb.id, guildId, entry.title, entry.content, JSON.stringify(entry.tags), opts.authorId ?? null, now, now);
      present.add(key);
      added++;
    }
    return { knowledgeBase: store.get(guildId, kb.id)!, added, skipped };
  })();
}
