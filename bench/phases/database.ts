import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TrainingStore } from '../../src/core/training/store.js';
import { openDatabase } from '../../src/db/database.js';
import type { SyntheticEntry } from '../data/corpus.js';

export interface GuildTraining {
  guildId: string;
  entries: readonly SyntheticEntry[];
}

/**
 * Setup, not a measured figure: a real database file (the bot's own migrations) filled through
 * the real TrainingStore, one transaction per guild, so the FTS index is built by the same
 * triggers a /train or an import fires.
 */
export function buildTrainingDatabase(path: string, guilds: readonly GuildTraining[]): { entries: number; ms: number } {
  const started = performance.now();
  const db = openDatabase(path);
  try {
    const store = new TrainingStore(db);
    let entries = 0;
    for (const { guildId, entries: list } of guilds) {
      db.transaction(() => {
        for (const e of list) store.add(guildId, { question: e.question, answer: e.answer, category: e.category, tags: e.tags, authorId: null });
      })();
      entries += list.length;
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { entries, ms: performance.now() - started };
  } finally {
    db.close();
  }
}

/** Bytes on disk: the database file plus its write-ahead log (empty after a checkpoint). */
export function databaseBytes(path: string): number {
  const size = (p: string) => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  return size(path) + size(`${path}-wal`);
}

/** Where the bytes go, by table and index (SQLite's dbstat), biggest first: for the report when the size goal is missed. */
export function spaceByObject(path: string, entries: number): { name: string; bytesPerEntry: number }[] {
  const db = openDatabase(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as { name: string; bytes: number }[];
    return rows.filter((r) => r.bytes / entries >= 10).map((r) => ({ name: r.name, bytesPerEntry: r.bytes / entries }));
  } finally {
    db.close();
  }
}
