import { z } from 'zod';

/**
 * Field rules shared by everything staff type or import (training entries, knowledge bases):
 * one zod schema per field, so `/train add` and a 10,000-entry import give the same messages.
 * Issue messages are predicates about the field ("is empty", "is 700 characters; the limit is 500")
 * so a caller can say "The answer is empty." or `Entry 3: "answer" is empty`.
 */

/** C0/C1 control characters other than \n and \t (they break embeds and logs). */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Invisible characters that only make two equal-looking texts differ. */
const ALWAYS_INVISIBLE = /[\u200B\u2060\uFEFF]/g;
/** Zero-width joiner / non-joiner: kept only where they carry meaning (emoji sequences, Persian and Indic words). */
const JOINER = /\u200C|\u200D/g;
const JOINABLE_BEFORE = /[\p{L}\p{M}\p{Extended_Pictographic}\u{FE0F}\u{1F3FB}-\u{1F3FF}]$/u;
const JOINABLE_AFTER = /^[\p{L}\p{M}\p{Extended_Pictographic}]/u;

/** Removes control and stray zero-width characters, normalises line ends, trims. Emoji and RTL text pass through. */
export function cleanText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(ALWAYS_INVISIBLE, '')
    .replace(JOINER, (joiner, offset: number, whole: string) =>
      JOINABLE_BEFORE.test(whole.slice(Math.max(0, offset - 2), offset)) && JOINABLE_AFTER.test(whole.slice(offset + 1, offset + 3)) ? joiner : '',
    )
    .trim();
}

/** Length as people count it (an emoji is one character, not two UTF-16 units). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** "is missing" for an absent value, "must be <expected>" for one of the wrong type. */
const typeProblem = (raw: unknown, expected: string) => (raw === undefined || raw === null ? 'is missing' : `must be ${expected}`);

function lengthProblem(text: string, limit: number): string | undefined {
  const length = charCount(text);
  return length > limit ? `is ${length} characters; the limit is ${limit}` : undefined;
}

// The fields below check types by hand in one transform over z.unknown().optional() (optional so
// an absent key reaches it and gets our "is missing") rather than with z.union: the messages stay
// ours and a 10,000-entry import validates about twice as fast.

/** Required text: cleaned, not empty, at most `limit` characters. */
export function requiredText(limit: number) {
  return z.unknown().optional().transform((raw, ctx) => {
    if (typeof raw !== 'string') {
      ctx.addIssue({ code: 'custom', message: typeProblem(raw, 'text') });
      return z.NEVER;
    }
    const text = cleanText(raw);
    const problem = text === '' ? 'is empty' : lengthProblem(text, limit);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    return text;
  });
}

/** Optional text that may be empty; absent or null becomes `fallback`. */
export function optionalText(limit: number, fallback = '') {
  return z.unknown().optional().transform((raw, ctx) => {
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'must be text' });
      return z.NEVER;
    }
    const text = raw == null ? '' : cleanText(raw);
    const problem = lengthProblem(text, limit);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    return text === '' ? fallback : text;
  });
}

/** A lower-cased label such as a category; empty means `fallback`. */
export function label(limit: number, fallback: string) {
  return optionalText(limit).transform((text) => (text === '' ? fallback : text.toLowerCase().replace(/\s+/g, ' ')));
}

/** Tags from an array or a comma-separated string: trimmed, lower-cased, de-duplicated, empties dropped. */
export function tagList(limits: { tag: number; tags: number }) {
  return z.unknown().optional().transform((raw, ctx) => {
    const isList = Array.isArray(raw) && raw.every((t) => typeof t === 'string');
    if (raw !== undefined && raw !== null && typeof raw !== 'string' && !isList) {
      ctx.addIssue({ code: 'custom', message: 'must be a list of tags or a comma-separated text' });
      return z.NEVER;
    }
    const parts = raw == null ? [] : isList ? (raw as string[]).flatMap((t) => t.split(',')) : (raw as string).split(',');
    const tags = [...new Set(parts.map((t) => cleanText(t).toLowerCase().replace(/\s+/g, ' ')).filter((t) => t !== ''))];
    const tooLong = tags.find((t) => charCount(t) > limits.tag);
    if (tooLong !== undefined) {
      ctx.addIssue({ code: 'custom', message: `has a tag of ${charCount(tooLong)} characters ("${ellipsis(tooLong, 40)}"); the limit is ${limits.tag}` });
    } else if (tags.length > limits.tags) {
      ctx.addIssue({ code: 'custom', message: `has ${tags.length} tags; the limit is ${limits.tags}` });
    }
    return tags;
  });
}

/** Cuts a text to at most `max` characters, ending with … when cut. */
export function ellipsis(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/** Words that name a field in messages to the user ("The tag list has 12 tags…"). */
export type FieldNames = Record<string, string>;

/** The first problem as a sentence for someone who typed the fields in a command: "The answer is empty." */
export function describeFieldProblem(error: z.ZodError, names: FieldNames): string {
  const issue = error.issues[0];
  const key = String(issue?.path[0] ?? '');
  return `The ${names[key] ?? key} ${issue?.message ?? 'is not valid'}.`;
}
