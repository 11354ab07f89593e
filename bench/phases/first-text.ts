import { performance } from 'node:perf_hooks';
import { WRITING_NOTICE } from '../../src/discord/tickets/answer-in-thread.js';
import type { Scene } from '../lib/scene.js';
import { median } from '../lib/stats.js';
import { botMessages, isAnswered, openTicket } from '../lib/tickets.js';
import type { TicketPost } from './matching.js';

export interface FirstTextRun {
  median: number;
  max: number;
  samples: number[];
  /** Runs in which the "writing…" notice was on screen before the answer, and the answer replaced it (an edit of that message). */
  replacedNotice: number;
}

/**
 * The phase's settings (bench/README.md). The first token comes 4.5 s after the fake Ollama is asked:
 * after the bot's "writing…" notice (3 s without text) is on screen, as on a CPU box, so the answer
 * replaces the notice, and more than the streaming reply's 1 s between edits after it, so the figure
 * is the bot's way from token to screen rather than that pacing. 8-character chunks every 50 ms.
 */
export const FIRST_TEXT = { runs: 5, firstTokenDelayMs: 4_500, tokenDelayMs: 50, chunkSize: 8 } as const;

/** A long answer, so the stream lasts several seconds and the bot must post before it is done. */
const STREAMED_ANSWER =
  'Thanks for the details! This is not something I was trained on, so here is a general answer. ' +
  'First, check that the latest version is installed and that you are signed in with the right account. ' +
  'Then restart the app and try again. If the problem stays, tell us the exact message you see, the device ' +
  'and the time it happened, and a staff member will look into it. ' +
  'Meanwhile, the pinned messages in this forum list the most common fixes.';

/**
 * The AI's first token → the first characters of the answer itself visible in the ticket. The first
 * token is when the fake Ollama wrote the answer's first content chunk (it records the moment,
 * PromptEvaluation.firstContentAt); visible is when the fake Discord stores a bot message (posted or
 * edited) whose content holds that chunk. A notice ("you are in line", "writing an answer…") is not
 * the answer and does not count. One ticket at a time.
 */
export async function measureFirstText(
  scene: Scene,
  opts: { runs: number; posts: readonly TicketPost[]; members: readonly string[]; firstTokenDelayMs: number; tokenDelayMs: number; chunkSize: number },
): Promise<FirstTextRun> {
  const { fake, ollama } = scene;
  ollama.firstTokenDelayMs = opts.firstTokenDelayMs;
  ollama.tokenDelayMs = opts.tokenDelayMs;
  ollama.chunkSize = opts.chunkSize;
  ollama.reply = STREAMED_ANSWER;
  const firstChunk = STREAMED_ANSWER.slice(0, opts.chunkSize);

  const samples: number[] = [];
  let replacedNotice = 0;
  for (let run = 0; run < opts.runs; run++) {
    const chatsBefore = ollama.evaluations.length;
    const post = opts.posts[run % opts.posts.length]!;
    const threadId = openTicket(scene, opts.members[run]!, post.title, post.text);
    let noticeId: string | undefined;
    let visibleAt = Number.NaN;
    // Probed on every change the fake Discord stores, so the time is taken as the message is stored.
    const shown = await fake
      .waitFor(() => {
        const messages = botMessages(scene, threadId);
        noticeId ??= messages.find((m) => m.content.startsWith(WRITING_NOTICE))?.id;
        const answer = messages.find((m) => m.content.includes(firstChunk));
        if (answer) visibleAt = performance.now();
        return answer;
      }, 30_000, 'the first text of the answer')
      .catch((error: unknown) => {
        const seen = botMessages(scene, threadId).map((m) => JSON.stringify(m.content.slice(0, 120)));
        throw new Error(`${String(error)}; the ticket shows: ${seen.join(' | ') || 'no bot message'}; Ollama chats so far: ${ollama.chatRequests().length}`);
      });
    const firstTokenAt = ollama.evaluations.slice(chatsBefore).find((e) => e.firstContentAt !== undefined)?.firstContentAt;
    if (firstTokenAt === undefined) throw new Error('the answer is shown but the fake Ollama wrote no first token for this ticket');
    samples.push(visibleAt - firstTokenAt);
    if (noticeId !== undefined && shown.id === noticeId) replacedNotice++;
    // The whole answer, then the next ticket: runs never overlap.
    await fake.waitFor(() => isAnswered(scene, threadId) && botMessages(scene, threadId).some((m) => m.content === STREAMED_ANSWER), 30_000, 'the whole answer');
  }
  return { median: median(samples), max: Math.max(...samples), samples, replacedNotice };
}
