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
