/**
 * Why an answer being written is stopped, which decides what becomes of its post:
 * - `closing`: the bot closes the ticket next (a command, a button, the sweep): the post is reopened for the last edit if
 *   need be, and the close locks and archives it.
 * - `locked`: a moderator locked the post in Discord (the ticket closed with it): the last edit is made where the bot
 *   may, and the post is left as the moderator left it (archived again if it was archived).
 * - `deleted`: the post is gone: nothing to edit, the answer only stops.
 */
export type StopReason = 'closing' | 'locked' | 'deleted';

/** Something showing an answer in a ticket thread that closing the ticket must stop (a StreamingReply). */
export interface StoppableAnswer {
  stop(why: StopReason): Promise<void>;
}

/**
 * The answers being shown in each ticket thread right now. Closing a ticket stops them before
 * Discord locks the post: the text written so far stays (without the writing mark), and nothing
 * more is posted, edited or tagged in the closed ticket.
 */
export class LiveAnswers {
  private readonly byThread = new Map<string, Set<StoppableAnswer>>();

  /** Registers an answer; call the returned function when it is finished. */
  add(threadId: string, answer: StoppableAnswer): () => void {
    let set = this.byThread.get(threadId);
    if (!set) this.byThread.set(threadId, (set = new Set()));
    set.add(answer);
    return () => {
      set.delete(answer);
      if (set.size === 0 && this.byThread.get(threadId) === set) this.byThread.delete(threadId);
    };
  }

  /** Stops every answer in the thread; resolves once each has shown its last text. */
  async stopAll(threadId: string, why: StopReason): Promise<void> {
    const answers = [...(this.byThread.get(threadId) ?? [])];
    await Promise.all(answers.map((a) => a.stop(why).catch(() => undefined)));
  }
}
