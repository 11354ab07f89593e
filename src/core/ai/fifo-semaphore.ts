/** Gives back a held slot; calling it again does nothing, so `finally` blocks can call it freely. */
export type Release = () => void;

export interface AcquireOptions {
  /** Aborting while waiting leaves the queue and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called once, with the 1-based place in line, when no slot was free. */
  onQueued?: (position: number) => void;
}

interface Waiter {
  grant(): void;
}

/**
 * At most `capacity` holders at once; everyone else waits in arrival order. A freed slot passes
 * straight to the first waiter, so a newcomer can never overtake the queue.
 */
export class FifoSemaphore {
  private holders = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number ≥ 1, got ${capacity}`);
  }

  /** How many hold a slot now. */
  activeCount(): number {
    return this.holders;
  }

  /** How many wait for a slot. */
  queueLength(): number {
    return this.waiters.length;
  }

  acquire(options: AcquireOptions = {}): Promise<Release> {
    const { signal, onQueued } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.holders < this.capacity && this.waiters.length === 0) {
      this.holders++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      // Reported before joining the line: a throwing callback then rejects without leaving a ghost waiter.
      onQueued?.(this.waiters.length + 1);
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant();
      else this.holders--;
    };
  }
}
