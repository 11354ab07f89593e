import { performance } from 'node:perf_hooks';
import type { Scene } from '../lib/scene.js';
import { median, percentile, sleep } from '../lib/stats.js';
import { botMessages, isAfter, isAnswered, openTicket } from '../lib/tickets.js';
import type { TicketPost } from './matching.js';

export interface TrainedReplyRun {
  p50: number;
  p99: number;
  samples: number;
  /** Replies that were not the expected trained answer (should be 0). */
  wrongReplies: number;
  rateLimited: number;
}

/**
 * Member message in → trained answer visible in the ticket: from just before the fake Discord
 * dispatches the member's MESSAGE_CREATE to the moment it stores the bot's reply. Messages go one at
 * a time, over many open tickets in turn (as in a real server, where one ticket rarely gets five
 * messages in five seconds), spaced by `gapMs` so Discord's rate limits never add a wait.
 */
export async function measureTrainedReplies(
  scene: Scene,
  opts: { tickets: number; openers: readonly TicketPost[]; messages: readonly { text: string; answer: string }[]; warmUp: number; gapMs: number },
): Promise<TrainedReplyRun> {
  const { fake } = scene;
  const owners = scene.members.slice(0, opts.tickets);
  // Tickets opened with questions nobody trained: answered by the (instant) fake AI, then open for follow-ups.
  const threads = owners.map((member, i) => {
    const post = opts.openers[i % opts.openers.length]!;
    return openTicket(scene, member, post.title, post.text);
  });
  await fake.waitFor(() => threads.every((t) => isAnswered(scene, t)), 60_000, 'the tickets to be answered');
  const limitedBefore = fake.limits.answered.length;

  const times: number[] = [];
  let wrongReplies = 0;
  for (const [i, message] of opts.messages.entries()) {
    const ticket = i % threads.length;
    const threadId = threads[ticket]!;
    const started = performance.now();
    const posted = fake.postAsUser({ channelId: threadId, userId: owners[ticket]!, content: message.text });
    const reply = await fake.waitFor(() => botMessages(scene, threadId).find((m) => isAfter(m, posted.id)), 10_000, 'a trained reply');
    const elapsed = performance.now() - started;
    if (reply.content !== message.answer) wrongReplies++;
    if (i >= opts.warmUp) times.push(elapsed);
    await sleep(opts.gapMs);
  }
  return {
    p50: median(times),
    p99: percentile(times, 99),
    samples: times.length,
    wrongReplies,
    rateLimited: fake.limits.answered.length - limitedBefore,
  };
}
