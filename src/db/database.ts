import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';

export type Db = Database;

/**
 * SQLite's page cache per connection, in KiB (a negative cache_size). better-sqlite3 builds SQLite with 16 MB
 * (SQLITE_DEFAULT_CACHE_SIZE=-16000 in its deps/defines.gypi; SQLite's own default is 2 MB), and the bot's one
 * connection filled all of it: the dashboard's searches read every entry of a 100,000-entry guild. The file stays
 * in the operating system's cache either way; 4 MiB keeps the matcher's index pages (no change in its time per
 * question on the bench's 100,000-entry guild) for 12 MiB less resident memory (bench/README.md, "Memory").
 */
export const PAGE_CACHE_KIB = 4096;

/** The page cache a bulk write (an import of thousands of entries) gets for its transaction: better-sqlite3's 16 MB. */
export const BULK_PAGE_CACHE_KIB = 16_000;

/**
 * Runs `work` with a bigger page cache, then gives the pages back (SQLite frees the pages beyond a lowered limit).
 * A 10,000-entry import touches more index pages than PAGE_CACHE_KIB holds; with 4 MiB its CPU time rose by about
 * a tenth (interleaved with 16 MB on the bench's file: 3,040 / 3,010 / 2,389 ms against 2,596 / 2,738 / 2,945).
 */
export function withPageCache<T>(db: Db, kib: number, work: () => T): T {
  const before = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = -${kib}`);
  try {
    return work();
  } finally {
    db.pragma(`cache_size = ${before}`);
  }
}

export interface OpenOptions {
  /** How long a writer waits for a lock held by another connection before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens (creating folders and file as needed) the bot's database and brings its schema up to date.
 * WAL lets readers (commands, stats) run while an import writes.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const isMemory = path === ':memory:';
  if (!isMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) {
      if (!isMemory) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (!options.readonly) migrate(db, migrations, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The highest schema version this code knows. */
export const SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));
