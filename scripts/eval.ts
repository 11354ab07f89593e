/**
 * Measures the trained-answer matcher on a labelled dataset (format: shared/eval/README.md).
 *
 *   npm run eval -- <dataset.json> [--threshold T] [--fit] [--cross-check] [--embed]
 *
 * The dataset's `train` entries go through the real TrainingStore into a fresh temporary database
 * (one guild); every query goes through the real Matcher. The last line printed is one JSON object
 * with the metrics. --fit prints calibration parameters fitted on this dataset; --cross-check fits
 * on half of the answers' queries and reports the other half, both ways (an overfitting check).
 *
 * --embed fuses semantic similarity in (SemanticIndex): the trained questions and the queries are
 * embedded through OLLAMA_URL with OLLAMA_EMBED_MODEL (default nomic-embed-text) when OLLAMA_URL is
 * set, else through a FakeOllama started in this process (tests/fakes/ollama.ts: deterministic
 * hashed bag-of-words vectors, a stand-in, not a semantic model). ms_per_query then counts the
 * matching only; the embedding round trips are reported on their own line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { openDatabase, type Db } from '../src/db/database.js';
import { fitCalibration, type CalibrationParams, type LabelledFeatures } from '../src/core/matching/calibration.js';
import { Matcher, type SemanticEvidence } from '../src/core/matching/matcher.js';
import { SemanticIndex } from '../src/core/matching/semantic-index.js';
import { OllamaService } from '../src/core/ai/ollama.js';
import { silentLogger } from '../src/log.js';
import { TrainingStore } from '../src/core/training/store.js';
import { FakeOllama } from '../tests/fakes/ollama.js';

const GUILD_ID = 'eval-guild';
const DEFAULT_THRESHOLD = 0.85;

const datasetSchema = z.object({
  name: z.string().optional(),
  train: z.array(z.object({ question: z.string(), answer: z.string(), intent: z.string().optional() })).min(1),
  queries: z.array(z.object({ text: z.string(), intent: z.string().nullable() })).min(1),
});
type Dataset = z.infer<typeof datasetSchema>;

interface Args {
  path: string;
  threshold: number;
  fit: boolean;
  crossCheck: boolean;
  embed: boolean;
}

/** One query's outcome: the best answer's intent (if any) and its confidence. */
interface Outcome {
  expected: string | null;
  predicted: string | null;
  score: number;
  ms: number;
}

interface Metrics {
  queries: number;
  top1_accuracy: number;
  coverage_at_threshold: number;
  wrong_answer_rate_at_threshold: number;
  oos_false_answer_rate_at_threshold: number;
  threshold: number;
  ms_per_query: number;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  let path: string | undefined;
  let threshold = DEFAULT_THRESHOLD;
  let fit = false;
  let crossCheck = false;
  let embed = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--threshold') {
      threshold = Number(argv[++i]);
      if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) throw new UsageError('--threshold needs a number between 0 and 1.');
    } else if (arg === '--fit') fit = true;
    else if (arg === '--cross-check') crossCheck = true;
    else if (arg === '--embed') embed = true;
    else if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}.`);
    else if (path === undefined) path = arg;
    else throw new UsageError(`Unexpected argument ${arg}.`);
  }
  if (path === undefined) throw new UsageError('Usage: npm run eval -- <dataset.json> [--threshold T] [--fit] [--cross-check] [--embed]');
  return { path, threshold, fit, crossCheck, embed };
}

function loadDataset(path: string): Dataset {
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
function intentByAnswer(dataset: Dataset): Map<string, string> {
  return new Map(dataset.train.map((entry) => [entry.answer, entry.intent ?? entry.answer]));
}

async function withTrainedDatabase<T>(dataset: Dataset, run: (db: Db) => Promise<T>): Promise<T> {
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
type Evidence = ReadonlyMap<string, SemanticEvidence | undefined>;

function runQueries(matcher: Matcher, dataset: Dataset, intents: Map<string, string>, evidence?: Evidence): Outcome[] {
  return dataset.queries.map((query) => {
    const started = performance.now();
    const [best] = matcher.match(GUILD_ID, query.text, 1, evidence?.get(query.text));
    const ms = performance.now() - started;
    return { expected: query.intent, predicted: best ? (intents.get(best.answer) ?? null) : null, score: best?.score ?? 0, ms };
  });
}

function metrics(outcomes: readonly Outcome[], threshold: number): Metrics {
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
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** The best answer's calibration features for each query, labelled right or wrong. */
function labelledFeatures(matcher: Matcher, dataset: Dataset, intents: Map<string, string>, evidence?: Evidence): (LabelledFeatures & { expected: string | null })[] {
  return dataset.queries.map((query) => {
    const [best] = matcher.rank(GUILD_ID, query.text, evidence?.get(query.text));
    const features = best?.features ?? { coverage: 0, margin: 0 };
    const correct = best !== undefined && query.intent !== null && intents.get(best.answer) === query.intent;
    return { ...features, correct, expected: query.intent };
  });
}

/**
 * Splits the answers in two halves (alternating, in order of first appearance) and the
 * out-of-scope queries likewise; fits calibration on one half's queries, measures the other.
 */
function crossCheck(db: Db, dataset: Dataset, intents: Map<string, string>, threshold: number, evidence?: Evidence): void {
  const order = [...new Set(dataset.train.map((e) => e.intent ?? e.answer))];
  const half = new Map(order.map((intent, i) => [intent, i % 2]));
  const samples = labelledFeatures(new Matcher(db), dataset, intents, evidence);
  const sideOf = (expected: string | null, i: number) => (expected === null ? i % 2 : half.get(expected)!);
  for (const fitSide of [0, 1]) {
    const params = fitCalibration(samples.filter((s, i) => sideOf(s.expected, i) === fitSide));
    const matcher = new Matcher(db, { calibration: params });
    const heldOut = { ...dataset, queries: dataset.queries.filter((q, i) => sideOf(q.intent, i) !== fitSide) };
    const result = metrics(runQueries(matcher, heldOut, intents, evidence), threshold);
    console.log(`cross-check: fitted on half ${fitSide + 1} ${formatParams(params)}; held-out half: ${JSON.stringify(result)}`);
  }
}

function formatParams(params: CalibrationParams): string {
  return `{ bias: ${params.bias.toFixed(3)}, coverage: ${params.coverage.toFixed(3)}, margin: ${params.margin.toFixed(3)} }`;
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

/**
 * Embeds the trained questions and the queries (see --embed above) and returns each query's
 * semantic evidence; undefined when embedding is not asked for.
 */
async function embedAll(db: Db, dataset: Dataset): Promise<Evidence | undefined> {
  const external = process.env.OLLAMA_URL;
  const model = external ? (process.env.OLLAMA_EMBED_MODEL ?? 'nomic-embed-text') : 'fake-embed';
  const fake = external ? undefined : await FakeOllama.start({ models: [model] });
  try {
    const hosts = external ? external.split(',').map((url) => url.trim()).filter((url) => url !== '') : [fake!.url];
    const ollama = new OllamaService({ host: hosts, model, embedModel: model, timeoutMs: 120_000, maxConcurrent: 1, logger: silentLogger() });
    const semantic = new SemanticIndex(db, { embedder: ollama, matcher: new Matcher(db), logger: silentLogger() }, { queryTimeoutMs: 600_000 });
    const started = performance.now();
    const stored = await semantic.embedPending();
    const trainedMs = performance.now() - started;
    const texts = [...new Set(dataset.queries.map((q) => q.text))];
    const queryStarted = performance.now();
    const evidence = await semantic.semanticEvidence(GUILD_ID, texts);
    const queryMs = performance.now() - queryStarted;
    if (evidence.some((e) => e === undefined)) throw new UsageError(`--embed: the queries could not be embedded through ${external ?? 'the fake Ollama'}.`);
    console.log(
      `embeddings: ${model} via ${external ? external : 'FakeOllama (in process)'}; ${stored} trained questions in ${Math.round(trainedMs)} ms, ` +
        `${texts.length} queries in ${Math.round(queryMs)} ms (${(queryMs / texts.length).toFixed(3)} ms per query, batched)`,
    );
    return new Map(texts.map((text, i) => [text, evidence[i]]));
  } finally {
    await fake?.stop();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dataset = loadDataset(args.path);
  const intents = intentByAnswer(dataset);
  await withTrainedDatabase(dataset, async (db) => {
    const evidence = args.embed ? await embedAll(db, dataset) : undefined;
    if (args.fit) {
      const params = fitCalibration(labelledFeatures(new Matcher(db), dataset, intents, evidence));
      console.log(`calibration fitted on all queries: ${formatParams(params)}`);
    }
    if (args.crossCheck) crossCheck(db, dataset, intents, args.threshold, evidence);
    const matcher = new Matcher(db);

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
