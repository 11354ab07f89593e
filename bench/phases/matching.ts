import { performance } from 'node:perf_hooks';
import { Matcher } from '../../src/core/matching/matcher.js';
import { sharedWordVectors } from '../../src/core/matching/word-vectors.js';
import { openDatabase } from '../../src/db/database.js';
import { Random } from '../data/random.js';
import type { SyntheticEntry, SyntheticQuery, SyntheticServer } from '../data/corpus.js';
import { median, percentile } from '../lib/stats.js';

export interface MatchRun {
  p50: number;
  p90: number;
  p99: number;
  queries: number;
  /** In-scope messages answered (score ≥ threshold) with the answer they asked about. */
  rightShare: number;
  /** In-scope messages answered with another answer. */
  wrongShare: number;
  /** Out-of-scope messages answered at all. */
  offTopicAnsweredShare: number;
}

export const TRAINED_ANSWER_THRESHOLD = 0.85;

/**
 * Loads the matcher's word vectors (word-vectors.ts) as its first match would, and says what that
 * cost: wall time and the process's resident memory before and after. Call it before any Matcher.
 */
export function loadWordVectors(): string {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const vectors = sharedWordVectors();
  const ms = performance.now() - started;
  const mb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  if (vectors === null) return 'word vectors: unavailable (the matcher uses the words alone)';
  return `word vectors: ${vectors.size} words loaded in ${ms.toFixed(0)} ms, resident memory +${mb.toFixed(1)} MiB`;
}

/**
 * Times `new Matcher(db).match(guild, message, 5)`, the lookup the responder makes for a ticket
 * message, once per message. The matcher first sees `warmUp` (other messages), as a bot that has
 * been running a while has: its per-guild term statistics are cached until training changes.
 */
export function timeMatcher(
  dbPath: string,
  guildId: string,
  warmUp: readonly SyntheticQuery[],
  queries: readonly SyntheticQuery[],
  answerOfTopic: ReadonlyMap<number, string>,
): MatchRun {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const matcher = new Matcher(db);
    for (const q of warmUp) matcher.match(guildId, q.text, 5);
    const times: number[] = [];
    let inScope = 0;
    let right = 0;
    let wrong = 0;
    let offTopic = 0;
    let offTopicAnswered = 0;
    for (const q of queries) {
      const started = performance.now();
      const best = matcher.match(guildId, q.text, 5)[0];
      times.push(performance.now() - started);
      const answered = best !== undefined && best.score >= TRAINED_ANSWER_THRESHOLD;
      if (q.topic === null) {
        offTopic++;
        if (answered) offTopicAnswered++;
      } else {
        inScope++;
        if (answered && best.answer === answerOfTopic.get(q.topic)) right++;
        else if (answered) wrong++;
      }
    }
    return {
      p50: median(times),
      p90: percentile(times, 90),
      p99: percentile(times, 99),
      queries: queries.length,
      rightShare: right / Math.max(1, inScope),
      wrongShare: wrong / Math.max(1, inScope),
      offTopicAnsweredShare: offTopicAnswered / Math.max(1, offTopic),
    };
  } finally {
    db.close();
  }
}

/**
 * Messages that should get a trained answer: trained questions as members retype them (their own
 * filler, case and punctuation), kept when the real matcher answers them with their own answer.
 * These drive the trained-reply latency through Discord; how many qualify is reported.
 */
export function pickTrainedMessages(
  dbPath: string,
  guildId: string,
  server: SyntheticServer,
  entries: readonly SyntheticEntry[],
  count: number,
): { messages: { text: string; answer: string }[]; tried: number } {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const matcher = new Matcher(db);
    const random = new Random(4242);
    const messages: { text: string; answer: string }[] = [];
    let tried = 0;
    while (messages.length < count && tried < count * 4) {
      tried++;
      const entry = entries[random.int(entries.length)]!;
      const query = server.retyped(entry, random);
      const best = matcher.match(guildId, query.text, 5)[0];
      if (best && best.score >= TRAINED_ANSWER_THRESHOLD && best.answer === entry.answer) messages.push({ text: query.text, answer: entry.answer });
    }
    return { messages, tried };
  } finally {
    db.close();
  }
}

export interface TicketPost {
  title: string;
  text: string;
}

/**
 * Posts the bot must answer with the AI: no trained answer reaches the threshold for the post as
 * the responder reads a new forum post (title and text together, and each alone). Questions
 * nobody trained can still resemble a trained one by chance; those are left out here (and counted).
 */
export function keepUntrained(dbPath: string, guildId: string, posts: readonly TicketPost[]): { posts: TicketPost[]; dropped: number } {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const matcher = new Matcher(db);
    const score = (text: string) => matcher.match(guildId, text, 1)[0]?.score ?? 0;
    const kept = posts.filter((p) => Math.max(score(`${p.title}\n\n${p.text}`), score(p.title), score(p.text)) < TRAINED_ANSWER_THRESHOLD);
    return { posts: kept, dropped: posts.length - kept.length };
  } finally {
    db.close();
  }
}
