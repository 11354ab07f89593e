import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { openDatabase, type Db } from '../../src/db/database.js';

/** A fresh database file in its own temp folder, fully migrated. */
export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'bot-')), 'bot.db');
}

export function openTempDb(): Db {
  return openDatabase(tempDbPath());
}

export const GUILD_A = '100000000000000001';
export const GUILD_B = '200000000000000002';

/**
 * Asserts that `run` is refused with a UserError whose message is `message` (or matches it), and
 * that `snapshot` (what a user could see of the data) is the same afterwards: nothing changed.
 */
export function expectRefusedUnchanged(run: () => unknown, snapshot: () => unknown, message: string | RegExp): void {
  const before = snapshot();
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UserError);
  if (typeof message === 'string') expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
  expect(snapshot()).toEqual(before);
}
