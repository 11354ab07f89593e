/**
 * The eval's building blocks (scripts/eval.ts, scripts/eval-suite.ts): a dataset in the format of
 * shared/eval/README.md, trained through the real TrainingStore into a temporary database, and
 * the README's metrics over the real Matcher's answers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { openDatabase, type Db } from '../src/db/database.js';
import type { LabelledFeatures } from '../src/core/matching/calibration.js';
import { Matcher, type MatcherOptions, type SemanticEvidence } from '../src/core/matching/matcher.js';
import { WordVectors } from '../src/core/matching/word-vectors.js';
import { TrainingStore } from '../src/core/training/store.js';

export const GUILD_ID = 'eval-guild';
export const DEFAULT_THRESHOLD = 0.85;

export const datasetSchema = z.object({
  name: z.string().optional(),
  train: z.array(z.object({ question: z.string(), answer: z.string(), intent: z.string().optional() })).min(1),
  queries: z.array(z.object({ text: z.string(), intent: z.string().nullable() })).min(1),
});
export type Dataset = z.infer<typeof datasetSchema>;

/** One query's outcome: the best answer's intent (if any) and its confidence. */
export interface Outcome {
  expected: string | null;
  predicted: string | null;
  score: number;
  ms: number;
}

export interface Metrics {
  queries: number;
  top1_accuracy: number;
  coverage_at_threshold: number;
  wrong_answer_rate_at_threshold: number;
  oos_false_answer_rate_at_threshold: number;
  threshold: number;
  ms_per_query: number;
  /**
   * A diagnostic, not a goal: the threshold (of the scores seen) that would give this file the most
   * coverage with wrong <= 3% and out-of-scope answered <= 3%, and that coverage (the README's
   * "best t" column). Far above coverage_at_threshold: the scores separate well but are calibrated
   * too cautiously; close to it: the scores themselves do not separate right from wrong.
   */
  best_threshold: number;
  best_threshold_coverage: number;
}

export class UsageError extends Error {}

let evalVectors: WordVectors | undefined;

/**
 * A matcher over the eval's database. With EVAL_WORD_VECTORS=FILE it uses that word-vector file
 * (same format, e.g. one built by scripts/build-distilled-vectors.ts) instead of the matcher's
 * default, to measure one against the other; the bot itself always reads the default file.
 */
export function evalMatcher(db: Db, options: MatcherOptions = {}): Matcher {
  const file = process.env.EVAL_WORD_VECTORS;
  if (file && evalVectors === undefined) {
    evalVectors = WordVectors.load(file);
    console.log(`word vectors: ${file} (EVAL_WORD_VECTORS)`);
  }
  return new Matcher(db, { ...(evalVectors && { wordVectors: evalVectors }), ...options });
}

export function loadDataset(path: string): Dataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = datasetSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${path} is not a matcher dataset: at ${issue.path.join('.') || '(top level)'}: ${issue.message}.`);
  }
  return parsed.data;
}

/** The intent an answer text stands for (the dataset's labels), so a prediction can be scored. */
export function intentByAnswer(dataset: Dataset): Map<string, string> {
  return new Map(dataset.train.map((entry) => [entry.answer, entry.intent ?? entry.answer]));
}

export async function withTrainedDatabase<T>(dataset: Dataset, run: (db: Db) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bot-eval-'));
  const db = openDatabase(join(dir, 'eval.sqlite'));
  try {
    const store = new TrainingStore(db);
    db.transaction(() => {
      for (const entry of dataset.train) store.add(GUILD_ID, { question: entry.question, answer: entry.answer });
    })();
    return await run(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The semantic evidence of each query (same order), or none for the words alone. */
export type Evidence = ReadonlyMap<string, SemanticEvidence | undefined>;

export function runQueries(matcher: Matcher, dataset: Dataset, intents: Map<string, string>, evidence?: Evidence): Outcome[] {
  return dataset.queries.map((query) => {
    const started = performance.now();
    const [best] = matcher.match(GUILD_ID, query.text, 1, evidence?.get(query.text));
    const ms = performance.now() - started;
    return { expected: query.intent, predicted: best ? (intents.get(best.answer) ?? null) : null, score: best?.score ?? 0, ms };
  });
}

export function metrics(outcomes: readonly Outcome[], threshold: number): Metrics {
  const inScope = outcomes.filter((o) => o.expected !== null);
  const outOfScope = outcomes.filter((o) => o.expected === null);
  const share = (part: number, whole: number) => (whole === 0 ? 0 : round(part / whole));
  const answered = (o: Outcome) => o.predicted !== null && o.score >= threshold;
  return {
    queries: outcomes.length,
    top1_accuracy: share(inScope.filter((o) => o.predicted === o.expected).length, inScope.length),
    coverage_at_threshold: share(inScope.filter((o) => answered(o) && o.predicted === o.expected).length, inScope.length),
    wrong_answer_rate_at_threshold: share(inScope.filter((o) => answered(o) && o.predicted !== o.expected).length, inScope.length),
    oos_false_answer_rate_at_threshold: share(outOfScope.filter(answered).length, outOfScope.length),
    threshold,
    ms_per_query: round(outcomes.reduce((sum, o) => sum + o.ms, 0) / Math.max(outcomes.length, 1)),
    ...bestThreshold(inScope, outOfScope),
  };
}

const BEST_THRESHOLD_LIMIT = 0.03;

/** See Metrics.best_threshold: every score seen is tried as the threshold. */
function bestThreshold(inScope: readonly Outcome[], outOfScope: readonly Outcome[]): Pick<Metrics, 'best_threshold' | 'best_threshold_coverage'> {
  // Descending by score: lowering the threshold past each score answers that query too.
  const all = [...inScope, ...outOfScope].filter((o) => o.predicted !== null).sort((x, y) => y.score - x.score);
  let right = 0;
  let wrong = 0;
  let oos = 0;
  let best = { best_threshold: 1, best_threshold_coverage: 0 };
  for (let i = 0; i < all.length; i++) {
    const o = all[i]!;
    if (o.expected === null) oos++;
    else if (o.predicted === o.expected) right++;
    else wrong++;
    if (all[i + 1]?.score === o.score) continue;
    if (wrong > BEST_THRESHOLD_LIMIT * inScope.length || oos > BEST_THRESHOLD_LIMIT * outOfScope.length) break;
    if (right > best.best_threshold_coverage * inScope.length) best = { best_threshold: round(o.score), best_threshold_coverage: round(right / Math.max(inScope.length, 1)) };
  }
  return best;
}

export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** The best answer's calibration features for each query, labelled right or wrong. */
export function labelledFeatures(matcher: Matcher, dataset: Dataset, intents: Map<string, string>, evidence?: Evidence): (LabelledFeatures & { expected: string | null })[] {
  return dataset.queries.map((query) => {
    const [best] = matcher.rank(GUILD_ID, query.text, evidence?.get(query.text));
    const features = best?.features ?? { coverage: 0, margin: 0, recall: 0, meaning: 0, alignment: 0, unmatched: 0 };
    const correct = best !== undefined && query.intent !== null && intents.get(best.answer) === query.intent;
    return { ...features, correct, expected: query.intent };
  });
}

