import type { RequestLogEntry } from '../../tests/fakes/discord/index.js';
import type { Scene } from '../lib/scene.js';
import { sleep } from '../lib/stats.js';
import { archiveAllTickets, botMessages, isAnswered, openTicket } from '../lib/tickets.js';
import type { TicketPost } from './matching.js';

export interface BurstSettings {
  tickets: number;
  /** Chats the fake Ollama serves at once (OLLAMA_NUM_PARALLEL); the bot runs with OLLAMA_MAX_CONCURRENT equal to it. */
  parallelism: number;
  firstTokenDelayMs: number;
  tokenDelayMs: number;
  chunkSize: number;
  answer: string;
}

export interface BurstRun {
  /** Tickets whose thread shows the whole AI answer, tagged Answered. */
  answered: number;
  totalMs: number;
  /** Time the fake Ollama takes per answer: first token, then a chunk every tokenDelayMs. */
  perAnswerMs: number;
  /** tickets ÷ parallelism × per-answer time: the time Ollama alone needs. */
  idealMs: number;
  ratio: number;
  /** Bot REST requests during the burst, and how many Discord answered 429. */
  requests: number;
  rateLimited: number;
  /** The slowest ticket: from its post to its whole answer. */
  slowestTicketMs: number;
  /** Bot requests by kind ("PATCH message": count), 429s among them, and what unanswered tickets show. */
  requestMix: Record<string, number>;
  limitedMix: Record<string, number>;
  unanswered: string[];
}

export function perAnswerMs(s: BurstSettings): number {
  const chunks = Math.ceil(s.answer.length / s.chunkSize);
  return s.firstTokenDelayMs + (chunks - 1) * s.tokenDelayMs;
}

const MESSAGE_WRITE = /^\/channels\/(\d+)\/messages(?:\/\d+)?$/;

/**
 * `tickets` members each open a ticket at the same moment (forum posts made one after another in
 * one go); every question is one nobody trained, so each needs the AI. Done = the whole answer is
 * visible in every ticket. The end of each ticket is read from the fake Discord's request log: the
 * post or edit whose content is the finished answer.
 */
export async function runBurst(scene: Scene, s: BurstSettings, posts: readonly TicketPost[], members: readonly string[]): Promise<BurstRun> {
  const { fake, ollama } = scene;
  archiveAllTickets(scene);
  ollama.parallelism = s.parallelism;
  ollama.firstTokenDelayMs = s.firstTokenDelayMs;
  ollama.tokenDelayMs = s.tokenDelayMs;
  ollama.chunkSize = s.chunkSize;
  ollama.reply = s.answer;
  const perAnswer = perAnswerMs(s);
  const idealMs = (s.tickets / s.parallelism) * perAnswer;

  const firstRequest = fake.requests.length;
  const limitedBefore = fake.limits.answered.length;
  const startedAt = Date.now();
  const openedAt = new Map<string, number>();
  for (let i = 0; i < s.tickets; i++) {
    const post = posts[i % posts.length]!;
    const threadId = openTicket(scene, members[i]!, post.title, post.text);
    openedAt.set(threadId, Date.now());
  }

  const doneAt = new Map<string, number>();
  let scanFrom = firstRequest;
  const scan = () => {
    const log: RequestLogEntry[] = fake.requests;
    let settledUpTo = scanFrom;
    let allSettled = true;
    for (let i = scanFrom; i < log.length; i++) {
      const entry = log[i]!;
      if (entry.status === 0) {
        allSettled = false;
        continue;
      }
      if (allSettled) settledUpTo = i + 1;
      const threadId = MESSAGE_WRITE.exec(entry.path)?.[1];
      if (!threadId || entry.status !== 200 || !openedAt.has(threadId) || doneAt.has(threadId)) continue;
      if ((entry.body as { content?: unknown } | undefined)?.content === s.answer) doneAt.set(threadId, entry.at);
    }
    scanFrom = settledUpTo;
  };
  // Past this, something is wrong: report what the tickets show rather than run on.
  const deadline = startedAt + 1.6 * idealMs + 30_000;
  while (doneAt.size < s.tickets && Date.now() < deadline) {
    await sleep(100);
    scan();
  }
  const finishedAt = doneAt.size > 0 ? Math.max(...doneAt.values()) : Date.now();
  // What members see at the end: the answer in the thread and the Answered tag (set right after the answer).
  await fake.waitFor(() => [...openedAt.keys()].every((t) => !doneAt.has(t) || isAnswered(scene, t)), 30_000, 'the Answered tags').catch(() => undefined);
  const isDone = (t: string) => isAnswered(scene, t) && botMessages(scene, t).some((m) => m.content === s.answer);
  const unanswered = [...openedAt.keys()].filter((t) => !isDone(t));
  const requests = fake.requests.slice(firstRequest);
  const limited = fake.limits.answered.slice(limitedBefore).filter((a) => a.status === 429);
  const totalMs = finishedAt - startedAt;
  return {
    answered: openedAt.size - unanswered.length,
    totalMs,
    perAnswerMs: perAnswer,
    idealMs,
    ratio: totalMs / idealMs,
    requests: requests.length,
    rateLimited: limited.length,
    slowestTicketMs: Math.max(...[...doneAt].map(([t, at]) => at - openedAt.get(t)!)),
    requestMix: countByKind(requests),
    limitedMix: countByKind(limited),
    unanswered: unanswered.slice(0, 5).map((t) => `${t}: ${scene.fake.channel(t).appliedTagNames.join('+') || 'no tag'}; ${botMessages(scene, t).map((m) => JSON.stringify(m.content.slice(0, 80))).join(' | ') || 'no bot message'}`),
  };
}

/** "POST message", "PATCH message", "PATCH thread", "POST typing", ... */
function requestKind(method: string, path: string): string {
  if (/^\/channels\/\d+\/messages$/.test(path)) return `${method} message`;
  if (/^\/channels\/\d+\/messages\/\d+$/.test(path)) return `${method} message`;
  if (/^\/channels\/\d+\/typing$/.test(path)) return `${method} typing`;
  if (/^\/channels\/\d+$/.test(path)) return `${method} channel`;
  return `${method} ${path.replace(/\d{5,}/g, ':id')}`;
}

function countByKind(entries: readonly { method: string; path: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) {
    const kind = requestKind(e.method, e.path);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
