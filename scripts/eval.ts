/**
 * Measures the trained-answer matcher on a labelled dataset (format: shared/eval/README.md).
 *
 *   npm run eval -- <dataset.json> [--threshold T] [--fit] [--cross-check] [--embed]
 *   npm run eval -- --all [folder] [--threshold T] [--fit] [--cross-check] [--embed] [--fit-ranking] [--safety-margin]   (scripts/eval-suite.ts)
 *
 * The dataset's `train` entries go through the real TrainingStore into a fresh temporary database
 * (one guild); every query goes through the real Matcher. The last line printed is one JSON object
 * with the metrics. --fit prints calibration parameters fitted on this dataset; --cross-check fits
 * on half of the answers' queries and reports the other half, both ways (an overfitting check).
 *
 * --embed fuses semantic similarity in (SemanticIndex; scripts/eval-embed.ts): the trained questions
 * and the queries are embedded through OLLAMA_URL with OLLAMA_EMBED_MODEL (default nomic-embed-text)
 * when OLLAMA_URL is set (a real sentence encoder without Ollama: scripts/sentence-encoder-server.ts),
 * else through a FakeOllama started in this process (tests/fakes/ollama.ts: deterministic hashed
 * bag-of-words vectors, a stand-in, not a semantic model). ms_per_query then counts the matching
 * only; the embedding round trips are reported on their own line. With --all, every file (and every
 * copy a fit trains) is embedded, and --fit / --cross-check fit on the features with embeddings.
 *
 * EVAL_WORD_VECTORS=FILE measures with another word-vector file instead of the matcher's default
 * (eval-lib's evalMatcher), e.g. one built by scripts/build-distilled-vectors.ts.
 */
import type { Db } from '../src/db/database.js';
import { fitCalibration } from '../src/core/matching/calibration.js';
import {
  DEFAULT_THRESHOLD,
  evalMatcher,
  intentByAnswer,
  labelledFeatures,
  loadDataset,
  metrics,
  runQueries,
  UsageError,
  withTrainedDatabase,
  type Dataset,
  type Evidence,
  type Metrics,
} from './eval-lib.js';
import { embedAll } from './eval-embed.js';
import { DEFAULT_FOLDER, formatParams, loadSuite, runSuite } from './eval-suite.js';

interface Args {
  path: string;
  /** --all: `path` is a folder of datasets. */
  all: boolean;
  threshold: number;
  fit: boolean;
  crossCheck: boolean;
  embed: boolean;
  fitRanking: boolean;
  safetyMargin: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let path: string | undefined;
  let threshold = DEFAULT_THRESHOLD;
  let fit = false;
  let crossCheck = false;
  let embed = false;
  let all = false;
  let fitRanking = false;
  let safetyMargin = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--threshold') {
      threshold = Number(argv[++i]);
      if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) throw new UsageError('--threshold needs a number between 0 and 1.');
    } else if (arg === '--fit') fit = true;
    else if (arg === '--cross-check') crossCheck = true;
    else if (arg === '--embed') embed = true;
    else if (arg === '--all') all = true;
    else if (arg === '--fit-ranking') fitRanking = true;
    else if (arg === '--safety-margin') safetyMargin = true;
    else if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}.`);
    else if (path === undefined) path = arg;
    else throw new UsageError(`Unexpected argument ${arg}.`);
  }
  if (fitRanking && embed) throw new UsageError('--fit-ranking fits the words\' ranking; leave out --embed.');
  if (fitRanking && !all) throw new UsageError('--fit-ranking fits per domain; add --all.');
  if (safetyMargin && !all) throw new UsageError('--safety-margin applies to the fits of --all; add --all.');
  if (all) return { path: path ?? DEFAULT_FOLDER, all, threshold, fit, crossCheck, embed, fitRanking, safetyMargin };
  if (path === undefined) throw new UsageError('Usage: npm run eval -- <dataset.json> [--threshold T] [--fit] [--cross-check] [--embed], or npm run eval -- --all [folder]');
  return { path, all, threshold, fit, crossCheck, embed, fitRanking, safetyMargin };
}

/**
 * Splits the answers in two halves (alternating, in order of first appearance) and the
 * out-of-scope queries likewise; fits calibration on one half's queries, measures the other.
 */
function crossCheck(db: Db, dataset: Dataset, intents: Map<string, string>, threshold: number, evidence?: Evidence): void {
  const order = [...new Set(dataset.train.map((e) => e.intent ?? e.answer))];
  const half = new Map(order.map((intent, i) => [intent, i % 2]));
  const samples = labelledFeatures(evalMatcher(db), dataset, intents, evidence);
  const sideOf = (expected: string | null, i: number) => (expected === null ? i % 2 : half.get(expected)!);
  for (const fitSide of [0, 1]) {
    const params = fitCalibration(samples.filter((s, i) => sideOf(s.expected, i) === fitSide));
    const matcher = evalMatcher(db, { calibration: params });
    const heldOut = { ...dataset, queries: dataset.queries.filter((q, i) => sideOf(q.intent, i) !== fitSide) };
    const result = metrics(runQueries(matcher, heldOut, intents, evidence), threshold);
    console.log(`cross-check: fitted on half ${fitSide + 1} ${formatParams(params)}; held-out half: ${JSON.stringify(result)}`);
  }
}

function printSummary(dataset: Dataset, result: Metrics): void {
  const inScope = dataset.queries.filter((q) => q.intent !== null).length;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`Dataset: ${dataset.name ?? '(unnamed)'} — ${dataset.train.length} trained questions, ${inScope} in-scope and ${dataset.queries.length - inScope} out-of-scope queries`);
  console.log(`  top-1 accuracy                       ${pct(result.top1_accuracy)}`);
  console.log(`  at threshold ${result.threshold}: answered right       ${pct(result.coverage_at_threshold)}`);
  console.log(`  at threshold ${result.threshold}: answered wrong       ${pct(result.wrong_answer_rate_at_threshold)}`);
  console.log(`  at threshold ${result.threshold}: out-of-scope answered ${pct(result.oos_false_answer_rate_at_threshold)}`);
  console.log(`  time per query                       ${result.ms_per_query.toFixed(3)} ms`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.all) return runSuite(loadSuite(args.path), args);
  const dataset = loadDataset(args.path);
  const intents = intentByAnswer(dataset);
  await withTrainedDatabase(dataset, async (db) => {
    const evidence = args.embed ? await embedAll(db, dataset) : undefined;
    if (args.fit) {
      const params = fitCalibration(labelledFeatures(evalMatcher(db), dataset, intents, evidence));
      console.log(`calibration fitted on all queries: ${formatParams(params)}`);
    }
    if (args.crossCheck) crossCheck(db, dataset, intents, args.threshold, evidence);
    const matcher = evalMatcher(db);

    const result = metrics(runQueries(matcher, dataset, intents, evidence), args.threshold);
    printSummary(dataset, result);
    console.log(JSON.stringify(result));
  });
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
});
