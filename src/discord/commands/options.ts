import { UserError } from '../../core/errors.js';

const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200D\u2060\uFEFF]/g;

/**
 * A text option or field, trimmed and cleaned of control and zero-width characters; empty or
 * over the limit is a clear error. Emoji and right-to-left text pass through untouched.
 */
export function requireText(value: string | null | undefined, label: string, max: number): string {
  const cleaned = (value ?? '').replace(INVISIBLE, '').trim();
  if (cleaned === '') throw new UserError(`${label} is empty: please write something.`);
  if (cleaned.length > max) throw new UserError(`${label} is ${cleaned.length} characters; the limit is ${max}.`);
  return cleaned;
}

export function optionalText(value: string | null | undefined, label: string, max: number): string | undefined {
  const cleaned = (value ?? '').replace(INVISIBLE, '').trim();
  if (cleaned === '') return undefined;
  if (cleaned.length > max) throw new UserError(`${label} is ${cleaned.length} characters; the limit is ${max}.`);
  return cleaned;
}
