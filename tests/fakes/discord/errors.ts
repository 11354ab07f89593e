/** JSON error codes the fake answers with (a subset of Discord's). */
export const ErrorCode = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownRole: 10011,
  UnknownToken: 10012,
  UnknownUser: 10013,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  AlreadyAcknowledged: 40060,
  RequestTooLarge: 40005,
  MissingAccess: 50001,
  CannotEditOthersMessage: 50005,
  EmptyMessage: 50006,
  CannotSendToUser: 50007,
  CannotSendInNonText: 50008,
  CannotExecuteOnChannelType: 50024,
  MissingPermissions: 50013,
  InvalidWebhookToken: 50027,
  InvalidFormBody: 50035,
  InvalidApiVersion: 50041,
  ArchivedThread: 50083,
  ThreadLocked: 160005,
  MaxActiveThreads: 160006,
} as const;

/** One leaf of Discord's `errors` tree: `{ _errors: [{ code, message }] }` under the field's path. */
export interface FieldError {
  path: (string | number)[];
  code: string;
  message: string;
}

/** An error the fake answers with, shaped as Discord's `{ code, message, errors? }` JSON body. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DiscordHttpError';
  }

  toJSON(): Record<string, unknown> {
    return this.errors
      ? { message: this.message, code: this.code, errors: this.errors }
      : { message: this.message, code: this.code };
  }
}

export const notFound = (code: number, what: string) => new DiscordHttpError(404, code, `Unknown ${what}`);
export const missingPermissions = () => new DiscordHttpError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
export const missingAccess = () => new DiscordHttpError(403, ErrorCode.MissingAccess, 'Missing Access');
export const unauthorized = () => new DiscordHttpError(401, ErrorCode.General, '401: Unauthorized');

/** Builds the 400 50035 "Invalid Form Body" error with the nested `errors` tree Discord sends. */
export function invalidFormBody(fieldErrors: FieldError[]): DiscordHttpError {
  const tree: Record<string, unknown> = {};
  for (const { path, code, message } of fieldErrors) {
    let node = tree;
    for (const key of path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    const list = (node._errors ??= []) as { code: string; message: string }[];
    list.push({ code, message });
  }
  return new DiscordHttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', tree);
}

/** Collects field errors while a body is checked; `throwIfAny` ends the request with 50035. */
export class FormErrors {
  readonly list: FieldError[] = [];

  add(path: (string | number)[], code: string, message: string): void {
    this.list.push({ path, code, message });
  }

  maxLength(path: (string | number)[], value: string | unknown[] | undefined, max: number): void {
    if (value !== undefined && value.length > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
  }

  lengthBetween(path: (string | number)[], value: string | undefined, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min || value.length > max) {
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
  }

  required(path: (string | number)[], value: unknown): boolean {
    if (value === undefined || value === null || value === '') {
      this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return false;
    }
    return true;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw invalidFormBody(this.list);
  }
}
