import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';

export type Db = Database;

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
    if (!options.readonly) migrate(db, migrations, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The highest schema version this code knows. */
export const SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));
