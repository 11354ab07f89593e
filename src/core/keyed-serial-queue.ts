/** Why a task's run() rejected: its key's work was cancelled (a ticket closed) before or while it ran. */
export class TaskCancelled extends Error {
  constructor(readonly reason: string) {
    super(`cancelled: ${reason}`);
    this.name = 'TaskCancelled';
  }
}

/**
 * Runs tasks one at a time per key (a ticket), in the order they were queued, while tasks of
 * different keys run side by side. Each ticket's answers thus come in the order its messages
 * arrived, and no two answers in one ticket interleave. A key's work can be cancelled (its ticket
 * closed): the running task's signal aborts, and the tasks queued behind it never start.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, number>();
  /** Per key, the controller of the tasks queued or running now; a cancel replaces it, so later tasks run. */
  private readonly controllers = new Map<string, AbortController>();

  /** How many tasks of this key are queued or running. */
  size(key: string): number {
    return this.pending.get(key) ?? 0;
  }

  /** How many tasks of any key are queued or running. */
  totalSize(): number {
    let total = 0;
    for (const n of this.pending.values()) total += n;
    return total;
  }

  /**
   * Queues `task` behind the key's earlier tasks. It gets a signal that aborts when the key is
   * cancelled while it runs; cancelled before it started, it never runs and this rejects with TaskCancelled.
   */
  run<T>(key: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    this.pending.set(key, this.size(key) + 1);
    let controller = this.controllers.get(key);
    if (!controller) this.controllers.set(key, (controller = new AbortController()));
    const signal = controller.signal;
    const start = () => (signal.aborted ? Promise.reject(signal.reason as TaskCancelled) : task(signal));
    const result = previous.then(start, start);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      const left = this.size(key) - 1;
      if (left > 0) {
        this.pending.set(key, left);
      } else {
        this.pending.delete(key);
        this.tails.delete(key);
        if (this.controllers.get(key) === controller) this.controllers.delete(key);
      }
    });
    return result;
  }

  /**
   * Cancels the key's tasks queued or running now: the running one's signal aborts with a TaskCancelled (the task
   * decides what its end looks like), the queued ones never start. Tasks queued afterwards run as usual. False when
   * the key had no work.
   */
  cancel(key: string, reason: string): boolean {
    const controller = this.controllers.get(key);
    if (!controller) return false;
    this.controllers.delete(key);
    controller.abort(new TaskCancelled(reason));
    return true;
  }

  /** Resolves when every task queued so far has settled, or after `timeoutMs`; true if all settled. */
  async drain(timeoutMs: number): Promise<boolean> {
    const all = Promise.all([...this.tails.values()]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
