import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction: for changes SQL alone cannot express (one object per guild). */
  run?: (db: Database) => void;
}

export class DatabaseTooNewError extends Error {
  constructor(path: string, dbVersion: number, codeVersion: number) {
    super(
      `The database ${path} is at schema version ${dbVersion}, but this version of the bot only knows up to ${codeVersion}. ` +
        'It was written by a newer release: upgrade the bot (git pull && npm install), or point DB_PATH at another file.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

/**
 * Applies every migration newer than the database, each in its own transaction, and records it
 * in schema_migrations. A crash mid-migration leaves the database at the previous version.
 */
export function migrate(db: Database, migrations: readonly Migration[], path: string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const latest = sorted.at(-1)?.version ?? 0;
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const current = Math.max(0, ...done);
  if (current > latest) throw new DatabaseTooNewError(path, current, latest);

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of sorted) {
    // Every missing version, not only those above the highest: a gap is filled, never skipped.
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      migration.run?.(db);
      record.run(migration.version, migration.name, Date.now());
    })();
    applied.push(migration.version);
  }
  return applied;
}
