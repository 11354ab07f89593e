import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src/db/database.js';

/** A fresh database file in its own temp folder, fully migrated. */
export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'bot-')), 'bot.db');
}

export function openTempDb(): Db {
  return openDatabase(tempDbPath());
}

export const GUILD_A = '100000000000000001';
export const GUILD_B = '200000000000000002';
