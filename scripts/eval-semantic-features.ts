/**
 * Would a confidence feature read from the embedding cosine keep the safety goals on an unseen
 * domain? Measured, not shipped (ARCHITECTURE.md, "Matching", Tried and not shipped).
 *
 *   OLLAMA_URL=http://127.0.0.1:11435 OLLAMA_EMBED_MODEL=use-lite npx tsx scripts/eval-semantic-features.ts [folder] [--threshold T]
 *
 * (scripts/sentence-encoder-server.ts serves that model; any Ollama embedding model works the same
 * way.) Every file of the folder (default ../shared/eval/) is trained twice, as `--fit` trains it
 * (as it is, and with one answer in five untrained: close out-of-scope questions), and embedded
 * (eval-embed.ts); for each question, the best answer of the matcher with its semantic evidence,
 * its calibration features, and features of its cosine among the candidates' cosines, all
 * independent of the model's cosine scale:
 * - z: its cosine's z-score over the candidates (as the re-ranking standardises it);
 * - zlead: its lead in cosine over the best other candidate, in standard deviations;
 * - zneg: zlead where negative (another candidate is closer by meaning), else 0;
 * - top / notTop: whether it is also the candidate nearest by cosine;
 * - rank: how many candidates are nearer by cosine (up to 5).
 * For the calibration's own features alone and with each of these, a logistic fit (as
 * fitLogistic: Newton, L2 0.01) on one domain's files and both copies, measured at the threshold
 * on every file as it is, both ways (clinc150 → banking77 unseen, and back): coverage · wrong · out
 * of scope answered · best t, as the eval prints them.
 */
import { fitLogistic, sigmoid } from '../src/core/matching/calibration.js';
import { DEFAULT_THRESHOLD, evalMatcher, GUILD_ID, intentByAnswer, metrics, UsageError, withTrainedDatabase, type Dataset, type Outcome } from './eval-lib.js';
import { embedAll, embeddingSource } from './eval-embed.js';
import { DEFAULT_FOLDER, loadSuite, withHeldOutAnswers } from './eval-suite.js';

const BASE = ['coverage', 'margin', 'recall', 'meaning', 'alignment', 'unmatched'] as const;

/** A question's best answer: its features by name, and how it went. */
interface Sample {
  features: Record<string, number>;
  expected: string | null;
  /** null: no answer; else whether it is the expected one. */
  correct: boolean | null;
}

/** The cosine features of the best answer (see the header); 0 when it has no vector. */
function cosineFeatures(best: string, ranked: readonly string[], similarities: ReadonlyMap<string, number>): Record<string, number> {
  const cosine = similarities.get(best);
  const values = [...similarities.values()];
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(values.length, 1);
  const spread = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(values.length, 1));
  if (cosine === undefined || !(spread > 1e-9)) return { z: 0, zlead: 0, zneg: 0, top: 0, notTop: 0, rank: 0 };
  const others = ranked.filter((a) => a !== best).flatMap((a) => (similarities.has(a) ? [similarities.get(a)!] : []));
  const lead = others.length > 0 ? (cosine - Math.max(...others)) / spread : 0;
  const nearer = values.filter((v) => v > cosine).length;
  return { z: (cosine - mean) / spread, zlead: lead, zneg: Math.min(0, lead), top: nearer === 0 ? 1 : 0, notTop: nearer === 0 ? 0 : 1, rank: Math.min(nearer, 5) };
}

async function samplesOf(dataset: Dataset): Promise<Sample[]> {
  return withTrainedDatabase(dataset, async (db) => {
    const evidence = await embedAll(db, dataset, false);
    const matcher = evalMatcher(db);
    const intents = intentByAnswer(dataset);
    return dataset.queries.map((query) => {
      const semantic = evidence.get(query.text);
      const ranked = matcher.rank(GUILD_ID, query.text, semantic);
      const best = ranked[0];
      if (!best || !semantic) return { features: {}, expected: query.intent, correct: null };
      const answers = ranked.map((r) => r.answer);
      const features = { ...best.features, ...cosineFeatures(best.answer, answers, semantic.similarities(answers)) };
      return { features, expected: query.intent, correct: query.intent !== null && intents.get(best.answer) === query.intent };
    });
  });
}

const row = (s: Sample, names: readonly string[]) => [1, ...names.map((n) => s.features[n] ?? 0)];

/** Logistic regression as the calibration is fitted (fitLogistic), over any features. */
function fit(samples: readonly Sample[], names: readonly string[]): number[] {
  return fitLogistic(samples.map((s) => row(s, names)), samples.map((s) => s.correct === true));
}

function measured(samples: readonly Sample[], names: readonly string[], w: readonly number[], threshold: number): string {
  const outcomes: Outcome[] = samples.map((s) => ({
    expected: s.expected,
    predicted: s.correct === null ? null : s.correct ? s.expected : '(another answer)',
    score: s.correct === null ? 0 : sigmoid(row(s, names).reduce((sum, v, i) => sum + w[i]! * v, 0)),
    ms: 0,
  }));
  const m = metrics(outcomes, threshold);
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return `${m.coverage_at_threshold.toFixed(3)} · ${pct(m.wrong_answer_rate_at_threshold)} · ${pct(m.oos_false_answer_rate_at_threshold)} · best t ${m.best_threshold_coverage.toFixed(3)}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--threshold');
  const threshold = at >= 0 ? Number(args.splice(at, 2)[1]) : DEFAULT_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError('--threshold needs a number between 0 and 1.');
  if (!process.env.OLLAMA_URL) throw new UsageError('Set OLLAMA_URL (and OLLAMA_EMBED_MODEL) to a real embedding model: the fake one is not semantic.');
  const files = loadSuite(args[0] ?? DEFAULT_FOLDER);
  console.log(`embeddings: ${embeddingSource().description}; threshold ${threshold}; per file: coverage · wrong · out of scope answered · best t`);
  const samples = new Map<string, { domain: string; asIs: Sample[]; heldOut: Sample[] }>();
  for (const { file, domain, dataset } of files) samples.set(file, { domain, asIs: await samplesOf(dataset), heldOut: await samplesOf(withHeldOutAnswers(dataset)) });
  const domains = [...new Set(files.map((f) => f.domain))];
  for (const extra of [[], ['z'], ['zlead'], ['zneg'], ['top'], ['notTop'], ['rank'], ['z', 'zneg']]) {
    const names = [...BASE, ...extra];
    console.log(`features: calibration's${extra.length > 0 ? ` + ${extra.join(' + ')}` : ' only'}`);
    for (const domain of domains) {
      const fitted = [...samples.values()].filter((s) => s.domain === domain).flatMap((s) => [...s.asIs, ...s.heldOut]);
      const w = fit(fitted, names);
      console.log(`  fitted on ${domain}: bias ${w[0]!.toFixed(3)}, ${names.map((n, i) => `${n} ${w[i + 1]!.toFixed(3)}`).join(', ')}`);
      for (const [file, s] of samples) console.log(`    ${file.padEnd(22)} ${s.domain === domain ? 'fitted' : 'UNSEEN'}  ${measured(s.asIs, names, w, threshold)}`);
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
});
