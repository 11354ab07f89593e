import { afterEach } from 'vitest';

/**
 * What a fake test starts (the fake Discord, discord.js clients), stopped after each test, the last started first (so a
 * client is destroyed before the fake it talks to). Registers the afterEach hook; call once per file.
 */
export function stopAfterEachTest() {
  let stops: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    const due = stops.reverse();
    stops = [];
    for (const stop of due) await stop();
  });
  return {
    fake<T extends { stop(): Promise<unknown> }>(fake: T): T {
      stops.push(() => fake.stop());
      return fake;
    },
    client<T extends { destroy(): Promise<unknown> }>(client: T): T {
      stops.push(() => client.destroy());
      return client;
    },
  };
}
