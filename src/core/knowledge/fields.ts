import { z } from 'zod';
import { optionalText, requiredText, tagList, type FieldNames } from '../transfer/fields.js';

export const KNOWLEDGE_LIMITS = { name: 50, description: 500, title: 200, content: 10_000, tag: 30, tags: 10 } as const;

/**
 * A knowledge base's name: one line, and never only digits, because Discord's autocomplete
 * sends a knowledge base's id as text and "12" must mean exactly one thing.
 */
export const kbNameSchema = requiredText(KNOWLEDGE_LIMITS.name)
  .transform((name) => name.replace(/\s+/g, ' '))
  .refine((name) => !/^#?\d+$/.test(name), { error: 'must contain a letter (a number alone would read as an id)' });

export const kbFieldsSchema = z.object({
  name: kbNameSchema,
  description: optionalText(KNOWLEDGE_LIMITS.description),
});

export const kbEntryFieldsSchema = z.object({
  title: requiredText(KNOWLEDGE_LIMITS.title),
  content: requiredText(KNOWLEDGE_LIMITS.content),
  tags: tagList(KNOWLEDGE_LIMITS),
});

export const KNOWLEDGE_FIELD_NAMES: FieldNames = {
  name: 'name',
  description: 'description',
  title: 'title',
  content: 'content',
  tags: 'tag list',
};
