import { z } from 'zod';
import { UserError } from '../core/errors.js';

/** An id in a URL or form: a positive whole number, or the request is bad input. */
export const idSchema = z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' });

/** A form field as posted: one string (a missing field is empty). */
export const field = (max: number) => z.string({ error: 'is missing' }).max(max, { error: `is longer than ${max} characters` }).default('');

/** Checkboxes posted zero, one or many times. */
export const checkedIds = z
  .union([idSchema, z.array(idSchema)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** Validates a posted form (or query) against `schema`; a clear UserError naming the field otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.length ? String(issue.path[0]).replace(/_/g, ' ') : 'The form';
  throw new UserError(`${name[0]!.toUpperCase()}${name.slice(1)} ${issue.message}. Nothing was changed.`);
}

/** An id captured from the path. */
export function pathId(params: string[], index = 0): number {
  return parseInput(idSchema, params[index]);
}

/** A whole page number from the query, 1 when absent or not a number (the stores clamp it). */
export function pageParam(url: URL): number {
  const n = Number(url.searchParams.get('page'));
  return Number.isInteger(n) && n > 0 ? n : 1;
}
