import { performance } from 'node:perf_hooks';
import type { Scene } from '../lib/scene.js';
import { median } from '../lib/stats.js';
import { botMessages, isAnswered, openTicket } from '../lib/tickets.js';
import type { TicketPost } from './matching.js';

export interface FirstTextRun {
  median: number;
  max: number;
  samples: number[];
}

/** A long answer, so the stream lasts several seconds and the bot must post before it is done. */
const STREAMED_ANSWER =
  'Thanks for the details! This is not something I was trained on, so here is a general answer. ' +
  'First, check that the latest version is installed and that you are signed in with the right account. ' +
  'Then restart the app and try again. If the problem stays, tell us the exact message you see, the device ' +
  'and the time it happened, and a staff member will look into it. ' +
  'Meanwhile, the pinned messages in this forum list the most common fixes.';

/**
 * Fake Ollama's first token → the first streamed text visible in the ticket. The first-token time
 * is when the fake Ollama writes its first chunk (the moment it is asked, plus its set delay); the
 * visible time is when the fake Discord stores a bot message holding that text. One ticket at a time.
 */
export async function measureFirstText(
  scene: Scene,
  opts: { runs: number; posts: readonly TicketPost[]; members: readonly string[]; firstTokenDelayMs: number; tokenDelayMs: number; chunkSize: number },
): Promise<FirstTextRun> {
  const { fake, ollama } = scene;
  ollama.firstTokenDelayMs = opts.firstTokenDelayMs;
  ollama.tokenDelayMs = opts.tokenDelayMs;
  ollama.chunkSize = opts.chunkSize;
  let firstTokenAt = Number.NaN;
  ollama.reply = () => {
    firstTokenAt = performance.now() + opts.firstTokenDelayMs;
    return STREAMED_ANSWER;
  };
  const firstChunk = STREAMED_ANSWER.slice(0, opts.chunkSize);

  const samples: number[] = [];
  for (let run = 0; run < opts.runs; run++) {
    firstTokenAt = Number.NaN;
    const post = opts.posts[run % opts.posts.length]!;
    const threadId = openTicket(scene, opts.members[run]!, post.title, post.text);
    await fake
      .waitFor(() => botMessages(scene, threadId).some((m) => m.content.includes(firstChunk)), 30_000, 'the first streamed text')
      .catch((error: unknown) => {
        const seen = botMessages(scene, threadId).map((m) => JSON.stringify(m.content.slice(0, 120)));
        throw new Error(`${String(error)}; the ticket shows: ${seen.join(' | ') || 'no bot message'}; Ollama chats so far: ${ollama.chatRequests().length}`);
      });
    samples.push(performance.now() - firstTokenAt);
    // The whole answer, then the next ticket: runs never overlap.
    await fake.waitFor(() => isAnswered(scene, threadId) && botMessages(scene, threadId).some((m) => m.content === STREAMED_ANSWER), 30_000, 'the whole answer');
  }
  return { median: median(samples), max: Math.max(...samples), samples };
}
