/**
 * `npm run eval -- --all [folder]`: every dataset of a folder (default ../shared/eval/), one table
 * and one JSON line. With --fit, the calibration fitted per domain (the way DEFAULT_CALIBRATION was
 * fitted, on the clinc150 files); with --cross-check, each domain measured with the calibration
 * fitted on the others only (the unseen-domain check of ARCHITECTURE.md, "Matching"); with
 * --fit-ranking, the ranking's weights fitted per domain (scripts/eval-ranking.ts). With
 * --safety-margin, every calibration fitted (--fit, --cross-check) gets the safety margin of
 * scripts/eval-margin.ts (measured, not shipped: ARCHITECTURE.md, "Matching"). With --embed, every
 * database (each file, and each copy a fit trains) gets its semantic evidence (scripts/eval-embed.ts),
 * the tables and the fits alike.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_CALIBRATION, FEATURES, fitCalibration, type CalibrationParams, type LabelledFeatures } from '../src/core/matching/calibration.js';
import { safetyMargin, type FileSamples } from './eval-margin.js';
import { fitRanking, formatRanking, rankingSamples } from './eval-ranking.js';
import { embedAll, embeddingSource } from './eval-embed.js';
import { evalMatcher, intentByAnswer, labelledFeatures, loadDataset, metrics, runQueries, UsageError, withTrainedDatabase, type Dataset, type Evidence, type Metrics } from './eval-lib.js';
import type { Db } from '../src/db/database.js';

export const DEFAULT_FOLDER = '../shared/eval/';
/** One answer in this many is left untrained when fitting, its questions becoming out-of-scope ones of the same domain. */
const HELD_OUT_EVERY = 5;

interface SuiteFile {
  file: string;
  /** The benchmark a file comes from (its name up to the first "-"): files of one domain share it. */
  domain: string;
  dataset: Dataset;
}

export interface SuiteOptions {
  threshold: number;
  fit: boolean;
  crossCheck: boolean;
  fitRanking: boolean;
  /** Lower each fitted calibration's bias by the safety margin of eval-margin.ts. */
  safetyMargin: boolean;
  /** Semantic evidence for every query (eval-embed.ts), in the tables and the fits. */
  embed: boolean;
}

export function loadSuite(folder: string): SuiteFile[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new UsageError(`Cannot read the folder ${folder}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message}.`);
  }
  if (names.length === 0) throw new UsageError(`${folder} holds no .json dataset.`);
  return names.map((name) => ({ file: basename(name, '.json'), domain: name.split('-')[0]!, dataset: loadDataset(join(folder, name)) }));
}

export async function runSuite(files: readonly SuiteFile[], options: SuiteOptions): Promise<void> {
  if (options.embed) console.log(`embeddings (--embed): ${embeddingSource().description}`);
  if (options.fitRanking) {
    for (const domain of domains(files)) {
      const sets = await rankingSamples(files.filter((f) => f.domain === domain).map((f) => f.dataset));
      console.log(`ranking fitted on ${domain} (${sets.length} questions): ${formatRanking(fitRanking(sets))}`);
    }
  }
  if (options.fit) {
    for (const domain of domains(files)) console.log(`calibration fitted on ${domain}: ${formatParams(await fitOn(files.filter((f) => f.domain === domain), options))}`);
    console.log(`calibration fitted on all files: ${formatParams(await fitOn(files, options))}`);
  }
  if (options.crossCheck) {
    for (const domain of domains(files)) {
      const others = files.filter((f) => f.domain !== domain);
      if (others.length === 0) continue;
      const params = await fitOn(others, options);
      console.log(`cross-domain: fitted on ${[...new Set(others.map((f) => f.domain))].join(', ')} ${formatParams(params)}; ${domain} unseen:`);
      printTable(await measureAll(files.filter((f) => f.domain === domain), options, params));
    }
    console.log('shipped calibration (DEFAULT_CALIBRATION):');
  }
  const rows = await measureAll(files, options, DEFAULT_CALIBRATION);
  printTable(rows);
  console.log(JSON.stringify({ threshold: options.threshold, files: Object.fromEntries(rows.map(({ file, result }) => [file, result])) }));
}

function domains(files: readonly SuiteFile[]): string[] {
  return [...new Set(files.map((f) => f.domain))];
}

async function measureAll(files: readonly SuiteFile[], options: SuiteOptions, calibration: CalibrationParams): Promise<{ file: string; result: Metrics }[]> {
  const rows: { file: string; result: Metrics }[] = [];
  for (const { file, dataset } of files) {
    const result = await withTrainedDatabase(dataset, async (db) => {
      const evidence = await evidenceFor(db, dataset, options);
      return metrics(runQueries(evalMatcher(db, { calibration }), dataset, intentByAnswer(dataset), evidence), options.threshold);
    });
    rows.push({ file, result });
  }
  return rows;
}

/** The queries' semantic evidence over this database with --embed (quietly: one line per file would drown the tables); none without. */
function evidenceFor(db: Db, dataset: Dataset, options: SuiteOptions): Promise<Evidence | undefined> {
  return options.embed ? embedAll(db, dataset, false) : Promise.resolve(undefined);
}

/**
 * Calibration fitted on the best answer of every question of these files, each file trained twice:
 * as it is, and with one answer in HELD_OUT_EVERY untrained so that its questions are out of scope
 * but about the same domain (what a support server's unanswered questions are like). The
 * maximum-likelihood fit is right on average for its own files; with --safety-margin, its bias is
 * then lowered by the safety margin of scripts/eval-margin.ts at the tables' threshold, for a domain
 * it has not seen. With --embed, the features are the ones the semantic evidence gives.
 */
async function fitOn(files: readonly SuiteFile[], options: SuiteOptions): Promise<CalibrationParams> {
  const samples: LabelledFeatures[] = [];
  const heldOutCopies: FileSamples[] = [];
  for (const { file, dataset } of files) {
    for (const variant of [dataset, withHeldOutAnswers(dataset)]) {
      const labelled = await withTrainedDatabase(variant, async (db) => labelledFeatures(evalMatcher(db), variant, intentByAnswer(variant), await evidenceFor(db, variant, options)));
      samples.push(...labelled);
      if (variant !== dataset) heldOutCopies.push({ file, samples: labelled });
    }
  }
  const fitted = fitCalibration(samples);
  const marginAt = marginThreshold(options);
  if (marginAt === undefined) return fitted;
  const { params, report } = safetyMargin(fitted, heldOutCopies, marginAt);
  console.log(report);
  return params;
}

/** The threshold the safety margin holds at: the one the tables are measured at (`--threshold`), when asked for. */
function marginThreshold(options: SuiteOptions): number | undefined {
  return options.safetyMargin ? options.threshold : undefined;
}

/** The dataset with every HELD_OUT_EVERY-th answer untrained and its questions out of scope (the original out-of-scope ones left out). */
export function withHeldOutAnswers(dataset: Dataset): Dataset {
  const intentOf = (entry: Dataset['train'][number]) => entry.intent ?? entry.answer;
  const order = [...new Set(dataset.train.map(intentOf))];
  const heldOut = new Set(order.filter((_, i) => i % HELD_OUT_EVERY === 2));
  return {
    ...dataset,
    train: dataset.train.filter((entry) => !heldOut.has(intentOf(entry))),
    queries: dataset.queries.filter((q) => q.intent !== null).map((q) => (heldOut.has(q.intent!) ? { ...q, intent: null } : q)),
  };
}

/** The parameters as DEFAULT_CALIBRATION is written, every feature of FEATURES included. */
export function formatParams(params: CalibrationParams): string {
  return `{ bias: ${params.bias.toFixed(3)}, ${FEATURES.map((name) => `${name}: ${params[name].toFixed(3)}`).join(', ')} }`;
}

function printTable(rows: readonly { file: string; result: Metrics }[]): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const width = Math.max(4, ...rows.map((r) => r.file.length));
  console.log(`  ${'file'.padEnd(width)}   top-1  coverage    wrong  oos answered  ms/query   (best t: coverage)`);
  for (const { file, result: r } of rows) {
    console.log(
      `  ${file.padEnd(width)}  ${r.top1_accuracy.toFixed(3)}     ${r.coverage_at_threshold.toFixed(3)}  ${pct(r.wrong_answer_rate_at_threshold)}       ${pct(r.oos_false_answer_rate_at_threshold)}     ${r.ms_per_query.toFixed(3)}   (${r.best_threshold.toFixed(3)}: ${r.best_threshold_coverage.toFixed(3)})`,
    );
  }
}
