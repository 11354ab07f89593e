/**
 * Runs tasks one at a time per key (a ticket), in the order they were queued, while tasks of
 * different keys run side by side. Each ticket's answers thus come in the order its messages
 * arrived, and no two answers in one ticket interleave.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, number>();

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

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    this.pending.set(key, this.size(key) + 1);
    const result = previous.then(task, task);
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
      }
    });
    return result;
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
