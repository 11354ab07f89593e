import { z } from 'zod';
import { UserError } from '../errors.js';

/**
 * The steps every import (training, knowledge bases) takes before touching the database:
 * size, text, JSON, format and version, entry count, each entry. Each step fails with a
 * message that tells staff what is wrong with their file.
 */

export const DEFAULT_MAX_IMPORT_BYTES = 10 * 1024 * 1024;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
}

/** Checked before decoding or parsing, so a huge upload costs nothing. */
export function checkImportSize(input: string | Buffer, maxBytes: number): void {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > maxBytes) throw new UserError(`The file is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)}.`);
}

const NOT_TEXT = 'The file is not a text file: export files are UTF-8 JSON text.';

/** UTF-8 text without a byte-order mark; anything binary (NUL bytes, invalid UTF-8) is refused. */
export function decodeImportText(input: string | Buffer): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (input.includes(0)) throw new UserError(NOT_TEXT);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new UserError(NOT_TEXT);
    }
  }
  if (text.includes('\u0000')) throw new UserError(NOT_TEXT);
  return text.replace(/^\uFEFF/, '');
}

export function parseImportJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`The file is not valid JSON: ${(error as Error).message}`);
  }
}

/** Size → text → JSON. */
export function readImportFile(input: string | Buffer, maxBytes = DEFAULT_MAX_IMPORT_BYTES): unknown {
  checkImportSize(input, maxBytes);
  return parseImportJson(decodeImportText(input));
}

/** The envelope every export has: `{ "format": ..., "version": 1, ... }`. */
export function checkEnvelope(data: unknown, expected: { format: string; version: number; what: string }): Record<string, unknown> {
  const want = `"format": "${expected.format}" and "version": ${expected.version}`;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`The file is not ${expected.what}: expected a JSON object with ${want}.`);
  }
  const object = data as Record<string, unknown>;
  if (object.format !== expected.format) {
    const found = typeof object.format === 'string' ? `"format" is "${object.format}"` : '"format" is missing';
    throw new UserError(`The file is not ${expected.what}: ${found}; expected ${want}.`);
  }
  if (object.version !== expected.version) {
    throw new UserError(
      `The file is ${expected.what} of version ${JSON.stringify(object.version ?? null)}; this bot reads version ${expected.version}. ` +
        'Export it again from a bot of the same release.',
    );
  }
  return object;
}

export function checkEntryCount(count: number, maxEntries: number): void {
  if (count > maxEntries) throw new UserError(`The file has ${count} entries; the limit is ${maxEntries}.`);
}

/** `Entry 17 (id 42)` — 1-based, as a person counts, with the file's own id when it has one. */
function entryName(index: number, raw: unknown): string {
  const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'number' || typeof id === 'string' ? `Entry ${index + 1} (id ${id})` : `Entry ${index + 1}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.filter((p) => typeof p === 'string').join('.');
  return path === '' ? issue.message : `"${path}" ${issue.message}`;
}

/** Validates every entry; the first invalid one is named (`Entry 17 (id 42): "answer" is missing.`). */
export function parseEntries<S extends z.ZodType>(rawEntries: unknown[], schema: S): z.output<S>[] {
  const entries: z.output<S>[] = [];
  for (const [index, raw] of rawEntries.entries()) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new UserError(`${entryName(index, raw)}: must be an object with the entry's fields.`);
    }
    const result = schema.safeParse(raw);
    if (!result.success) throw new UserError(`${entryName(index, raw)}: ${describeIssue(result.error.issues[0]!)}.`);
    entries.push(result.data);
  }
  return entries;
}

/** Ids appearing more than once (ids only name entries in messages; a file with clashing ids is likely hand-merged wrongly). */
export function checkDuplicateIds(entries: readonly { id?: number | undefined }[]): void {
  const seen = new Set<number>();
  const duplicates = new Set<number>();
  for (const { id } of entries) {
    if (id === undefined) continue;
    if (seen.has(id)) duplicates.add(id);
    seen.add(id);
  }
  if (duplicates.size > 0) {
    const list = [...duplicates].slice(0, 10).join(', ');
    throw new UserError(`The file has more than one entry with the same id: ${list}${duplicates.size > 10 ? ', …' : ''}. Each id may appear once.`);
  }
}

/** An optional id in a file: a positive whole number. */
export const fileEntryId = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .positive({ error: 'must be a positive number' })
  .optional();

/** The list under `key` in an envelope, or a clear message. */
export function entriesArray(object: Record<string, unknown>, key: string): unknown[] {
  const value = object[key];
  if (!Array.isArray(value)) throw new UserError(`The file has no "${key}" list.`);
  return value;
}
