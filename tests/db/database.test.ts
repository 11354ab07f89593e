import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BULK_PAGE_CACHE_KIB, openDatabase, PAGE_CACHE_KIB, SCHEMA_VERSION, withPageCache } from '../../src/db/database.js';
import { DatabaseTooNewError, migrate } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';

const tempPath = (name = 'bot.db') => join(mkdtempSync(join(tmpdir(), 'bot-db-')), 'sub', 'dir', name);

describe('openDatabase', () => {
  it('creates folders, enables WAL and foreign keys, and records every migration', () => {
    const db = openDatabase(tempPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions.at(-1)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("keeps SQLite's page cache at 4 MiB on every connection, read-only ones too, not better-sqlite3's 16 MB", () => {
    const path = tempPath();
    const db = openDatabase(path);
    const reader = openDatabase(path, { readonly: true });
    for (const connection of [db, reader]) expect(connection.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBe(4096);
    // What the connection would have had otherwise (better-sqlite3's build default).
    const plain = new BetterSqlite3(path, { readonly: true });
    expect(plain.pragma('cache_size', { simple: true })).toBe(-16000);
    for (const connection of [reader, db, plain]) connection.close();
  });

  it('gives a bulk write a bigger page cache for its work only, and takes it back even when the work fails', () => {
    const db = openDatabase(tempPath());
    const size = () => db.pragma('cache_size', { simple: true });
    expect(withPageCache(db, BULK_PAGE_CACHE_KIB, size)).toBe(-BULK_PAGE_CACHE_KIB);
    expect(size()).toBe(-PAGE_CACHE_KIB);
    expect(() => withPageCache(db, BULK_PAGE_CACHE_KIB, () => { throw new Error('refused'); })).toThrow('refused');
    expect(size()).toBe(-PAGE_CACHE_KIB);
    db.close();
  });

  it('is idempotent: reopening applies nothing twice and keeps data', () => {
    const path = tempPath();
    const db = openDatabase(path);
    db.prepare("INSERT INTO stat_counters (guild_id, name, value) VALUES ('g', 'x', 3)").run();
    db.close();
    const again = openDatabase(path);
    expect(again.prepare('SELECT value FROM stat_counters').pluck().get()).toBe(3);
    expect(again.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(migrations.length);
    again.close();
  });

  it('refuses a database written by a newer version of the bot, with a clear message', () => {
    const path = tempPath();
    openDatabase(path).close();
    const raw = new BetterSqlite3(path);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'future', Date.now());
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(path)).toThrow(/schema version \d+, but this version of the bot only knows up to \d+/);
  });

  it('rolls a failing migration back whole and leaves the earlier version in place', () => {
    const db = new BetterSqlite3(':memory:');
    const good = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' };
    const bad = { version: 2, name: 'two', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);' };
    expect(() => migrate(db, [good, bad], ':memory:')).toThrow(/nowhere/);
    expect(db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
  });

  it('reports a file that is not a database', () => {
    const path = tempPath('garbage.db');
    openDatabase(path).close();
    writeFileSync(path, 'this is not a database at all, just some text '.repeat(200));
    expect(() => openDatabase(path)).toThrow(/not a database/);
  });
});
