import { UserError } from '../../core/errors.js';
import { cleanText } from '../../core/transfer/fields.js';

/**
 * A text option or field, trimmed and cleaned of control and zero-width characters as the stores
 * clean them (a zero-width joiner inside an emoji sequence is kept); empty or over the limit is a
 * clear error. Emoji and right-to-left text pass through untouched.
 */
export function requireText(value: string | null | undefined, label: string, max: number): string {
  const cleaned = cleanText(value ?? '');
  if (cleaned === '') throw new UserError(`${label} is empty: please write something.`);
  if (cleaned.length > max) throw new UserError(`${label} is ${cleaned.length} characters; the limit is ${max}.`);
  return cleaned;
}

export function optionalText(value: string | null | undefined, label: string, max: number): string | undefined {
  const cleaned = cleanText(value ?? '');
  if (cleaned === '') return undefined;
  if (cleaned.length > max) throw new UserError(`${label} is ${cleaned.length} characters; the limit is ${max}.`);
  return cleaned;
}
