import { describe, expect, it } from 'vitest';
import { FifoSemaphore } from '../../../src/core/ai/fifo-semaphore.js';

describe('FifoSemaphore', () => {
  it('hands freed slots to waiters in arrival order, ahead of newcomers', async () => {
    const slots = new FifoSemaphore(1);
    const order: string[] = [];
    const releaseA = await slots.acquire();
    const b = slots.acquire().then((release) => (order.push('b'), release));
    const c = slots.acquire().then((release) => (order.push('c'), release));
    releaseA();
    const late = slots.acquire().then((release) => (order.push('late'), release));
    (await b)();
    (await c)();
    (await late)();
    expect(order).toEqual(['b', 'c', 'late']);
    expect([slots.activeCount(), slots.queueLength()]).toEqual([0, 0]);
  });

  it('reports the place in line only to those who wait', async () => {
    const slots = new FifoSemaphore(2);
    const positions: number[] = [];
    const onQueued = (p: number) => positions.push(p);
    await slots.acquire({ onQueued });
    await slots.acquire({ onQueued });
    void slots.acquire({ onQueued });
    void slots.acquire({ onQueued });
    expect(positions).toEqual([1, 2]);
    expect([slots.activeCount(), slots.queueLength()]).toEqual([2, 2]);
  });

  it('ignores a second release of the same slot', async () => {
    const slots = new FifoSemaphore(1);
    const release = await slots.acquire();
    const waiting = slots.acquire();
    release();
    release();
    await waiting;
    expect(slots.activeCount()).toBe(1);
    const third = slots.acquire();
    expect(slots.queueLength()).toBe(1);
    void third;
  });

  it('removes an aborted waiter from the line and rejects it with the reason', async () => {
    const slots = new FifoSemaphore(1);
    const release = await slots.acquire();
    const controller = new AbortController();
    const aborted = slots.acquire({ signal: controller.signal });
    const next = slots.acquire();
    controller.abort(new Error('member left'));
    await expect(aborted).rejects.toThrow('member left');
    expect(slots.queueLength()).toBe(1);
    release();
    await next;
    expect(slots.activeCount()).toBe(1);
  });

  it('refuses a capacity below one', () => {
    expect(() => new FifoSemaphore(0)).toThrow(RangeError);
  });
});
