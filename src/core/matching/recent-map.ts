/**
 * A Map bounded to the `limit` most recently used keys: reading or writing a key makes it the most
 * recent, and adding a key beyond the limit drops the least recent. For the matcher's per-document
 * caches: a busy guild keeps the documents its members' questions keep meeting, where emptying a
 * full cache re-read and re-parsed all of them at once.
 */
export class RecentMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`RecentMap: limit must be at least 1 (got ${limit}).`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Sets the value as the most recently used, dropping the least recently used key when full. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every key the predicate holds for (e.g. the documents of a guild the bot left). */
  deleteIf(predicate: (key: K, value: V) => boolean): void {
    for (const [key, value] of this.entries) if (predicate(key, value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
