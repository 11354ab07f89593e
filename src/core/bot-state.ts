import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.js';

/** Small facts the bot keeps about its own setup between runs (table bot_state, migration 011). */
export class BotState {
  private readonly getStmt: Statement<[string], { value: string }>;
  private readonly setStmt: Statement<[string, string]>;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT value FROM bot_state WHERE key = ?');
    this.setStmt = db.prepare('INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  /** undefined when never set. */
  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }
}
