/**
 * The order in which the running bot works on and shows ticket answers. One per bot (in its
 * BotContext), so two bots in one process (as in the tests) never wait on each other.
 */
export class AnswerOrder {
  /**
   * Per thread, the answers being shown. The responder answers a ticket's messages one at a time,
   * but shows them through Discord afterwards; the next answer's first message waits for the one
   * before it, so the member reads the answers in the order they asked. Each entry settles once
   * that answer and every earlier one in the thread are shown, which is also what shutdown awaits.
   */
  private readonly beingShown = new Map<string, Promise<void>>();
  private lastCpuTurn: Promise<void> = Promise.resolve();

  /** `before` settles when the thread's earlier answers are shown; call `shown` once this one is. */
  takeTurnToShow(threadId: string): { before: Promise<void>; shown: () => void } {
    const before = this.beingShown.get(threadId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const upToMine = Promise.all([before, mine]).then(() => undefined);
    this.beingShown.set(threadId, upToMine);
    return {
      before,
      shown: () => {
        release();
        void upToMine.then(() => {
          if (this.beingShown.get(threadId) === upToMine) this.beingShown.delete(threadId);
        });
      },
    };
  }

  /**
   * Ticket messages take turns, one per turn of the event loop. A burst of new tickets arrives in a
   * few gateway reads; without turns, every one of them would be matched in one go (milliseconds
   * each against a large training set) while the AI's streams and Discord's replies wait, leaving
   * Ollama idle and answers unsent. FIFO, so a ticket's messages keep their order.
   */
  takeCpuTurn(): Promise<void> {
    const turn = this.lastCpuTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.lastCpuTurn = turn;
    return turn;
  }

  /** Resolves once every answer being shown in any thread is out, or after `timeoutMs`; true if all are. */
  async allShown(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(this.beingShown.values()).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
