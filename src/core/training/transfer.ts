import { z } from 'zod';
import { BULK_PAGE_CACHE_KIB, withPageCache, type Db } from '../../db/database.js';
import { ensureGuildAnswerIndex } from '../../db/guild-answer-index.js';
import { normalisedWords } from '../text/normalise.js';
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
import { preparedOnce } from '../transfer/statements.js';
import { trainingFieldsSchema } from './entry-schema.js';
import type { TrainingStore } from './store.js';

export const TRAINING_EXPORT_FORMAT = 'discord-ai-ticket-bot/training';
export const TRAINING_EXPORT_VERSION = 1;
export const DEFAULT_MAX_IMPORT_ENTRIES = 50_000;

export interface TrainingExport {
  format: string;
  version: 1;
  exportedAt: string;
  entries: { id: number; question: string; answer: string; category: string; tags: string[]; usageCount: number }[];
}

export interface TrainingImportOptions {
  authorId?: string | null;
  maxEntries?: number;
  maxBytes?: number;
}

export interface TrainingImportResult {
  added: number;
  updated: number;
  skipped: number;
}

export function exportTraining(store: TrainingStore, guildId: string, now = Date.now()): TrainingExport {
  return {
    format: TRAINING_EXPORT_FORMAT,
    version: TRAINING_EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    entries: store.all(guildId).map((e) => ({
      id: e.id,
      question: e.question,
      answer: e.answer,
      category: e.category,
      tags: e.tags,
      usageCount: e.usageCount,
    })),
  };
}

const importEntrySchema = trainingFieldsSchema.extend({
  id: fileEntryId,
  usageCount: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' }).optional(),
});

type ImportEntry = z.output<typeof importEntrySchema>;

const statements = preparedOnce((db) => ({
  // Only what matching needs: a guild's answers can hold tens of megabytes of text.
  selectQuestions: db.prepare<[string], { id: number; question: string }>('SELECT id, question FROM training_entries WHERE guild_id = ? ORDER BY id'),
  selectContent: db.prepare<[string, number], { answer: string; category: string; tags: string }>(
    'SELECT answer, category, tags FROM training_entries WHERE guild_id = ? AND id = ?',
  ),
  insert: db.prepare<[string, string, string, string, string, string | null, number, number, number]>(
    `INSERT INTO training_entries (guild_id, question, answer, category, tags, author_id, usage_count, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  update: db.prepare<[string, string, string, number, string, number]>(
    'UPDATE training_entries SET answer = ?, category = ?, tags = ?, updated_at = ? WHERE guild_id = ? AND id = ?',
  ),
}));

/** Two questions that differ only in case, punctuation or spacing are the same question. */
export function normaliseQuestion(question: string): string {
  return normalisedWords(question) || question.toLowerCase();
}

function sameContent(a: { answer: string; category: string; tags: string[] }, b: { answer: string; category: string; tags: string[] }): boolean {
  return a.answer === b.answer && a.category === b.category && [...a.tags].sort().join('\n') === [...b.tags].sort().join('\n');
}

/** Validates the whole file before anything is written. */
function parseTrainingFile(input: string | Buffer, opts: TrainingImportOptions): ImportEntry[] {
  const data = readImportFile(input, opts.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES);
  // A bare array of {question, answer, category?, tags?} is the format of the old seed file; still accepted.
  const rawEntries = Array.isArray(data)
    ? data
    : entriesArray(checkEnvelope(data, { format: TRAINING_EXPORT_FORMAT, version: TRAINING_EXPORT_VERSION, what: 'a training export' }), 'entries');
  checkEntryCount(rawEntries.length, opts.maxEntries ?? DEFAULT_MAX_IMPORT_ENTRIES);
  const entries = parseEntries(rawEntries, importEntrySchema);
  checkDuplicateIds(entries);
  return entries;
}

/**
 * Imports a training export into one server, all or nothing. Entries are matched to this server's
 * existing ones by normalised question text, never by id, so a file from another server cannot
 * touch rows it does not own: same question and content → skipped, same question with a different
 * answer, category or tags → updated, otherwise added.
 */
export function importTraining(db: Db, guildId: string, input: string | Buffer, opts: TrainingImportOptions = {}): TrainingImportResult {
  const entries = parseTrainingFile(input, opts);
  const { selectQuestions, selectContent, insert, update } = statements(db);
  const now = Date.now();
  const result: TrainingImportResult = { added: 0, updated: 0, skipped: 0 };
  if (entries.length > 0) ensureGuildAnswerIndex(db, guildId);

  withPageCache(db, BULK_PAGE_CACHE_KIB, db.transaction(() => {
    // Normalised question → the id of the guild's first entry with it.
    const existing = new Map<string, number>();
    for (const row of selectQuestions.all(guildId)) {
      const key = normaliseQuestion(row.question);
      if (!existing.has(key)) existing.set(key, row.id);
    }
    for (const entry of entries) {
      const key = normaliseQuestion(entry.question);
      const id = existing.get(key);
      const tags = JSON.stringify(entry.tags);
      if (id === undefined) {
        const { lastInsertRowid } = insert.run(guildId, entry.question, entry.answer, entry.category, tags, opts.authorId ?? null, entry.usageCount ?? 0, now, now);
        existing.set(key, Number(lastInsertRowid));
        result.added++;
        continue;
      }
      // Read one entry at a time, not with the questions above: only the file's entries need their
      // answers, and a guild's can hold tens of megabytes. (The row exists: read in this transaction, which deletes nothing.)
      const current = selectContent.get(guildId, id)!;
      if (sameContent({ ...current, tags: JSON.parse(current.tags) as string[] }, entry)) {
        result.skipped++;
      } else {
        update.run(entry.answer, entry.category, tags, now, guildId, id);
        result.updated++;
      }
    }
  }));
  return result;
}
