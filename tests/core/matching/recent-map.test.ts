import { describe, expect, it } from 'vitest';
import { RecentMap } from '../../../src/core/matching/recent-map.js';

describe('RecentMap: the matcher caches keep the most recently used documents', () => {
  it('drops the least recently used key when full, a read counting as a use', () => {
    const map = new RecentMap<number, string>(3);
    map.set(1, 'a');
    map.set(2, 'b');
    map.set(3, 'c');
    expect(map.get(1)).toBe('a'); // 1 is now the most recent; 2 the least
    map.set(4, 'd');
    expect(map.size).toBe(3);
    expect([map.get(2), map.get(3), map.get(1), map.get(4)]).toEqual([undefined, 'c', 'a', 'd']);
  });

  it('replaces a value in place without dropping another key', () => {
    const map = new RecentMap<number, string>(2);
    map.set(1, 'a');
    map.set(2, 'b');
    map.set(1, 'a2');
    expect([map.size, map.get(1), map.get(2)]).toEqual([2, 'a2', 'b']);
  });

  it("drops the keys a predicate picks (a guild's documents), keeping the others in their order", () => {
    const map = new RecentMap<number, string>(5);
    for (const [key, value] of [[1, 'a'], [12, 'b'], [2, 'c'], [15, 'd']] as const) map.set(key, value);
    map.deleteIf((key) => key >= 10 && key <= 19);
    map.delete(99);
    expect(map.size).toBe(2);
    map.set(3, 'e');
    map.set(4, 'f');
    map.set(5, 'g');
    map.set(6, 'h'); // full at 5: the least recent, 1, goes
    expect([map.get(1), map.get(2), map.get(12)]).toEqual([undefined, 'c', undefined]);
  });

  it('refuses a limit below 1', () => {
    expect(() => new RecentMap(0)).toThrow(/at least 1/);
  });
});
