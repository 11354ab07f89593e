import { z } from 'zod';
import { label, requiredText, tagList, type FieldNames } from '../transfer/fields.js';

/** Discord's message limit is 2000; longer answers are split by the Discord layer, so 10,000 leaves room for guides. */
export const TRAINING_LIMITS = { question: 500, answer: 10_000, category: 50, tag: 30, tags: 10 } as const;

export const DEFAULT_CATEGORY = 'general';

/** One trained question and answer as typed in a command or found in an import file, cleaned. */
export const trainingFieldsSchema = z.object({
  question: requiredText(TRAINING_LIMITS.question),
  answer: requiredText(TRAINING_LIMITS.answer),
  category: label(TRAINING_LIMITS.category, DEFAULT_CATEGORY),
  tags: tagList(TRAINING_LIMITS),
});

export type TrainingFields = z.output<typeof trainingFieldsSchema>;

export const TRAINING_FIELD_NAMES: FieldNames = { question: 'question', answer: 'answer', category: 'category', tags: 'tag list' };
