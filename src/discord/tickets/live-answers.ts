/** Something showing an answer in a thread that closing the ticket must stop (a StreamingReply). */
export interface StoppableAnswer {
  stop(): Promise<void>;
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
  async stopAll(threadId: string): Promise<void> {
    const answers = [...(this.byThread.get(threadId) ?? [])];
    await Promise.all(answers.map((a) => a.stop().catch(() => undefined)));
  }
}
