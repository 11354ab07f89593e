/**
 * An error the user caused and can fix: its message is written for them and is safe to show
 * in Discord as is. Anything else is a bug or an outage: logged with context, shown generically.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/**
 * A user-facing explanation for storage failures the user cannot cause but staff can fix
 * (SQLite's codes from better-sqlite3); undefined for anything else.
 */
export function describeStorageFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return 'The bot’s database is locked by another program right now, so nothing was changed. Try again in a moment; if it keeps happening, check that only one copy of the bot uses the database file.';
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return 'The bot’s database file is read-only, so nothing was changed. Staff: check the file permissions of DB_PATH.';
  }
  if (code === 'SQLITE_FULL') return 'The disk holding the bot’s database is full, so nothing was changed. Staff: free some disk space.';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return 'The bot could not write to its database, so nothing was changed. Staff: check the disk and the bot’s log.';
  }
  return undefined;
}
