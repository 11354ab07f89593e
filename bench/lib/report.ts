import type { BurstRun, BurstSettings } from '../phases/burst.js';
import type { DashboardRun } from '../phases/dashboard.js';
import type { FirstTextRun } from '../phases/first-text.js';
import type { ImportRun } from '../phases/import.js';
import type { MatchRun } from '../phases/matching.js';
import type { ScaleRun } from '../phases/matching-scale.js';
import type { FloorRun } from '../phases/rest-floor.js';
import type { TrainedReplyRun } from '../phases/trained-reply.js';

/** The issue's table, in its order: the keys of the last JSON line. */
export interface Figures {
  match_p50_ms_1k: number;
  match_p50_ms_100k: number;
  match_scaling_ratio: number;
  match_p50_ms_small_beside_large: number;
  match_p50_ms_1m: number;
  trained_reply_p50_ms: number;
  trained_reply_p99_ms: number;
  rest_roundtrip_p50_ms: number;
  trained_reply_overhead_ratio: number;
  first_text_after_first_token_ms: number;
  burst_tickets: number;
  burst_ratio: number;
  rss_mb_100k: number;
  db_bytes_per_entry: number;
  import_10k_ms: number;
  cpu_cold_first_text_s: number;
  cpu_warm_first_text_s: number;
  cpu_complete_answers: number;
  prompt_tokens_p50: number;
  followup_prompt_eval_tokens: number;
  dashboard_training_page_p50_ms: number;
}

/** What explains the figures: shown in the table, not in the JSON line. */
export interface Notes {
  match1k: MatchRun;
  match100k: MatchRun;
  match1kShared: MatchRun;
  scale: ScaleRun;
  trainedPicked: number;
  trainedTried: number;
  untrainedDropped: number;
  untrainedTried: number;
  floor: FloorRun;
  replies: TrainedReplyRun;
  firstText: FirstTextRun;
  burst: BurstRun;
  burstSettings: BurstSettings;
  memory: { rss: number; peak: number };
  dbEntries: number;
  dbLoadMs: number;
  dbSpace: { name: string; bytesPerEntry: number }[];
  imported: ImportRun;
  /** The CPU-class profile's explanation (bench/phases/cpu.ts cpuNotes). */
  cpu: string;
  dashboard: DashboardRun;
  botExitCode: number | null;
  totalSeconds: number;
}

/** The figures `BENCH_ONLY=matching` measures (no bot process). */
export const MATCHING_KEYS = ['match_p50_ms_1k', 'match_p50_ms_100k', 'match_scaling_ratio', 'match_p50_ms_small_beside_large', 'match_p50_ms_1m'] as const;
export type MatchingFigures = Pick<Figures, (typeof MATCHING_KEYS)[number]>;

type Goal = { test: (v: number, f: MatchingFigures) => boolean; text: string } | undefined;

const GOALS: Record<keyof Figures, Goal> = {
  match_p50_ms_1k: undefined,
  match_p50_ms_100k: { test: (v) => v <= 5, text: '≤ 5' },
  match_scaling_ratio: { test: (v) => v <= 2, text: '≤ 2' },
  match_p50_ms_small_beside_large: { test: (v, f) => v <= 2 * f.match_p50_ms_1k, text: '≤ 2 × 1k alone' },
  match_p50_ms_1m: { test: (v) => v <= 5, text: '≤ 5' },
  trained_reply_p50_ms: { test: (v) => v < 50, text: '< 50' },
  trained_reply_p99_ms: { test: (v) => v < 150, text: '< 150' },
  rest_roundtrip_p50_ms: undefined,
  trained_reply_overhead_ratio: { test: (v) => v <= 3, text: '≤ 3' },
  first_text_after_first_token_ms: { test: (v) => v <= 500, text: '≤ 500' },
  burst_tickets: { test: (v) => v === 1000, text: '= 1000' },
  burst_ratio: { test: (v) => v <= 1.1, text: '≤ 1.1' },
  rss_mb_100k: { test: (v) => v <= 200, text: '≤ 200' },
  db_bytes_per_entry: { test: (v) => v <= 1000, text: '≤ 1000' },
  import_10k_ms: { test: (v) => v <= 3000, text: '≤ 3000' },
  cpu_cold_first_text_s: undefined,
  cpu_warm_first_text_s: undefined, // goal: prompt evaluation + 1 s (in the CPU line below the table)
  cpu_complete_answers: { test: (v) => v === 5, text: '= 5' },
  prompt_tokens_p50: { test: (v) => v <= 1500, text: '≤ 1500' },
  followup_prompt_eval_tokens: undefined, // goal: ≤ 25% of the first message's prompt (in the CPU line)
  dashboard_training_page_p50_ms: { test: (v) => v <= 100, text: '≤ 100' },
};

const mix = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const ms = (v: number) => `${v.toFixed(1)} ms`;

function detail(key: keyof Figures, n: Notes): string {
  switch (key) {
    case 'match_p50_ms_1k':
      return `p90 ${ms(n.match1k.p90)}, p99 ${ms(n.match1k.p99)}; ${n.match1k.queries} messages`;
    case 'match_p50_ms_100k':
      return `p90 ${ms(n.match100k.p90)}, p99 ${ms(n.match100k.p99)}`;
    case 'match_scaling_ratio':
      return 'p50 100k ÷ p50 1k';
    case 'match_p50_ms_small_beside_large':
      return `the 1k guild in the 100k guild's file (111,000 entries); p90 ${ms(n.match1kShared.p90)}`;
    case 'match_p50_ms_1m':
      return `a 10k guild among ${n.scale.entries} entries (100 guilds; loaded in ${(n.scale.loadMs / 1000).toFixed(0)} s, ${n.scale.bytesPerEntry.toFixed(0)} B/entry); p90 ${ms(n.scale.run.p90)}`;
    case 'trained_reply_p50_ms':
      return `${n.replies.samples} replies, ${n.replies.wrongReplies} not the trained answer`;
    case 'trained_reply_p99_ms':
      return `${n.replies.rateLimited} answered 429 during the phase`;
    case 'rest_roundtrip_p50_ms':
      return `p99 ${ms(n.floor.p99)}; ${n.floor.samples} posts`;
    case 'trained_reply_overhead_ratio':
      return 'trained p50 ÷ floor p50';
    case 'first_text_after_first_token_ms':
      return `median of ${n.firstText.samples.length}: ${n.firstText.samples.map((s) => s.toFixed(0)).join(', ')} ms; the answer replaced the "writing…" notice in ${n.firstText.replacedNotice}`;
    case 'burst_tickets':
      return `${n.burst.requests} bot requests, ${n.burst.rateLimited} answered 429`;
    case 'burst_ratio':
      return `${(n.burst.totalMs / 1000).toFixed(1)} s ÷ ideal ${(n.burst.idealMs / 1000).toFixed(1)} s (P=${n.burstSettings.parallelism}, ${n.burst.perAnswerMs} ms/answer); slowest ticket ${(n.burst.slowestTicketMs / 1000).toFixed(1)} s`;
    case 'rss_mb_100k':
      return `MiB; peak ${n.memory.peak.toFixed(0)} MiB`;
    case 'db_bytes_per_entry':
      return `${n.dbEntries} entries (all guilds); largest: ${n.dbSpace
        .slice(0, 4)
        .map((s) => `${s.name} ${s.bytesPerEntry.toFixed(0)}`)
        .join(', ')}`;
    case 'import_10k_ms':
      return `${(n.imported.fileBytes / 1e6).toFixed(1)} MB file into the 100k guild; the bot's CPU meanwhile ${ms(n.imported.botCpuMs)}`;
    case 'cpu_cold_first_text_s':
    case 'cpu_warm_first_text_s':
    case 'cpu_complete_answers':
    case 'prompt_tokens_p50':
    case 'followup_prompt_eval_tokens':
      return 'see the CPU profile line';
    case 'dashboard_training_page_p50_ms':
      return `whole page load over HTTP, ${n.dashboard.samples} loads over all ${n.dashboard.pages} pages; p90 ${ms(n.dashboard.p90)}; search p50 ${ms(n.dashboard.searchP50)}`;
  }
}

/** The table of `BENCH_ONLY=matching` and its JSON line (the matching keys only). */
export function printMatchingReport(figures: MatchingFigures, notes: Pick<Notes, 'match1k' | 'match100k' | 'match1kShared' | 'scale'>, totalSeconds: number): void {
  const rows = MATCHING_KEYS.map((key) => {
    const goal = GOALS[key];
    const value = figures[key];
    return [key, String(value), goal?.text ?? '—', goal ? (goal.test(value, figures) ? 'met' : 'MISSED') : '', detail(key, notes as Notes)];
  });
  for (const row of rows) process.stdout.write(`${row.join('  ')}\n`);
  process.stdout.write(`Matching phase alone took ${totalSeconds.toFixed(0)} s.\n${JSON.stringify(figures)}\n`);
}

export function printReport(figures: Figures, notes: Notes): void {
  const rows = (Object.keys(figures) as (keyof Figures)[]).map((key) => {
    const goal = GOALS[key];
    const value = figures[key];
    return [key, String(value), goal?.text ?? '—', goal ? (goal.test(value, figures) ? 'met' : 'MISSED') : '', detail(key, notes)];
  });
  const header = ['figure', 'value', 'goal', '', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out: string[] = [
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `Matcher quality at 0.85 (same messages): 1k guild ${pct(notes.match1k.rightShare)} right, ${pct(notes.match1k.wrongShare)} wrong, ` +
      `${pct(notes.match1k.offTopicAnsweredShare)} off-topic answered; 100k guild ${pct(notes.match100k.rightShare)} right, ` +
      `${pct(notes.match100k.wrongShare)} wrong, ${pct(notes.match100k.offTopicAnsweredShare)} off-topic answered.`,
    `Trained-reply messages: ${notes.trainedPicked} of ${notes.trainedTried} retyped trained questions got their own answer at 0.85; ` +
      `${notes.untrainedDropped} of ${notes.untrainedTried} off-topic posts got a trained answer and were left out of the AI phases.`,
    `Burst requests by kind: ${mix(notes.burst.requestMix)}; answered 429: ${mix(notes.burst.limitedMix) || 'none'}.`,
    notes.cpu,
    `Setup: ${notes.dbEntries} entries loaded in ${(notes.dbLoadMs / 1000).toFixed(1)} s. Bot stopped with exit code ${notes.botExitCode}. Bench took ${notes.totalSeconds.toFixed(0)} s.`,
    '',
  ];
  console.log(out.join('\n'));
  console.log(JSON.stringify(figures));
}
