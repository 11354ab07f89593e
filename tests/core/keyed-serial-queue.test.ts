import { describe, expect, it } from 'vitest';
import { KeyedSerialQueue, TaskCancelled } from '../../src/core/keyed-serial-queue.js';

/** A task that runs until its signal aborts (or `finish` is called), recording what it saw. */
function controllable() {
  let finish!: (value: string) => void;
  const seen: { started: boolean; signal?: AbortSignal } = { started: false };
  const task = (signal: AbortSignal) => {
    seen.started = true;
    seen.signal = signal;
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
  return { task, seen, finish: (value: string) => finish(value) };
}

describe('KeyedSerialQueue.cancel: a key whose work is no longer wanted (a closed ticket)', () => {
  it('aborts the running task, never starts the ones queued behind it, and leaves other keys alone', async () => {
    const queue = new KeyedSerialQueue();
    const running = controllable();
    const other = controllable();
    const first = queue.run('a', running.task);
    let queuedStarted = false;
    const queued = queue.run('a', async () => {
      queuedStarted = true;
      return 'queued';
    });
    const elsewhere = queue.run('b', other.task);
    await Promise.resolve();
    expect(running.seen.started).toBe(true);

    expect(queue.cancel('a', 'ticket closed')).toBe(true);
    expect(running.seen.signal?.aborted).toBe(true);
    await expect(first).rejects.toBeInstanceOf(TaskCancelled);
    await expect(queued).rejects.toBeInstanceOf(TaskCancelled);
    expect(queuedStarted).toBe(false);
    expect(queue.size('a')).toBe(0);

    expect(other.seen.signal?.aborted).toBe(false);
    other.finish('b done');
    await expect(elsewhere).resolves.toBe('b done');
  });

  it('runs a task queued after the cancel as usual (a reopened ticket is answered again)', async () => {
    const queue = new KeyedSerialQueue();
    const running = controllable();
    const cancelled = queue.run('a', running.task);
    queue.cancel('a', 'ticket closed');
    const next = queue.run('a', async (signal) => (signal.aborted ? 'aborted' : 'answered'));
    await expect(cancelled).rejects.toBeInstanceOf(TaskCancelled);
    await expect(next).resolves.toBe('answered');
    expect(queue.cancel('nothing', 'no work')).toBe(false);
  });

  it('keeps the order of a key’s tasks, one at a time', async () => {
    const queue = new KeyedSerialQueue();
    const order: string[] = [];
    const one = controllable();
    const a = queue.run('a', one.task).then((v) => order.push(v));
    const b = queue.run('a', async () => order.push('second'));
    await Promise.resolve();
    expect(order).toEqual([]);
    one.finish('first');
    await Promise.all([a, b]);
    expect(order).toEqual(['first', 'second']);
  });
});
