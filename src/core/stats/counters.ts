import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';

/** Names the bot counts under; any other name works too. */
export type CounterName =
  | 'messages_received'
  | 'answered_trained'
  | 'answered_ai'
  | 'answered_knowledge'
  | 'answered_fallback'
  | 'ai_errors'
  | (string & {});

/** Per-server running totals kept in the database, so /stats survives restarts. */
export class StatCounters {
  private readonly bump: Statement<[string, string, number]>;
  private readonly selectOne: Statement<[string, string], { value: number }>;
  private readonly selectAll: Statement<[string], { name: string; value: number }>;

  constructor(db: Db) {
    this.bump = db.prepare(
      `INSERT INTO stat_counters (guild_id, name, value) VALUES (?, ?, ?)
       ON CONFLICT (guild_id, name) DO UPDATE SET value = value + excluded.value`,
    );
    this.selectOne = db.prepare('SELECT value FROM stat_counters WHERE guild_id = ? AND name = ?');
    this.selectAll = db.prepare('SELECT name, value FROM stat_counters WHERE guild_id = ? ORDER BY name');
  }

  increment(guildId: string, name: CounterName, by = 1): void {
    this.bump.run(guildId, name, by);
  }

  /** 0 for a counter never incremented. */
  get(guildId: string, name: CounterName): number {
    return this.selectOne.get(guildId, name)?.value ?? 0;
  }

  all(guildId: string): Record<string, number> {
    return Object.fromEntries(this.selectAll.all(guildId).map((r) => [r.name, r.value]));
  }
}
