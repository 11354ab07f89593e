import type { World } from './world.js';

/** Resolves with the first truthy value of `probe`, re-checked after every change of the world (and every 25 ms). */
export function waitForState<T>(world: World, probe: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const check = () => {
      let value: T | undefined | null | false;
      try {
        value = probe();
      } catch {
        value = undefined;
      }
      if (!value) return false;
      cleanup();
      resolve(value);
      return true;
    };
    const onChange = () => void check();
    const poll = setInterval(onChange, 25);
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`fake discord: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearInterval(poll);
      clearTimeout(timer);
      world.off('change', onChange);
    };
    world.on('change', onChange);
    check();
  });
}
