/**
 * The matcher's per-guild document frequencies (by stem, or "prefix*"), counted in the guild's FTS5
 * index the first time a word is met and kept until the guild's training changes. Bounded in two
 * ways, so that neither one big guild nor many small ones grow the process without limit:
 * - a guild's own counts: at GUILD_LIMIT its cache starts afresh (a miss only counts again);
 * - all guilds' counts together: past TOTAL_LIMIT the least recently asked guilds' caches go first.
 * A guild the bot has left is forgotten at once (`forget`; the Discord layer calls it on GUILD_DELETE).
 */

/** One guild's counts, valid while its training `generation` holds. */
export interface GuildFrequencies {
  readonly generation: number;
  /**
   * The IDFs' epoch (WordIdf.epoch): parsed documents keep it to know their cached IDFs still hold. An empty object of
   * its own, not the cache itself, so documents that outlive the cache do not keep its counts alive.
   */
  readonly epoch: object;
  /** The document frequency of `key`, counted once (with `count`) and kept. */
  frequency(key: string, count: () => number): number;
}

/**
 * A guild's counts beyond this start afresh: ~60–80 bytes each (a short key string and a Map slot),
 * so ~3–4 MB for one guild. The bench's 100,000-entry guild holds ~20,000 after its questions.
 */
export const GUILD_LIMIT = 50_000;
/** All guilds' counts together (~8–10 MB): room for two guilds at their limit, or many small ones. */
export const TOTAL_LIMIT = 120_000;

export interface FrequencyCacheLimits {
  /** Counts one guild keeps before its cache starts afresh. */
  guild: number;
  /** Counts all guilds keep together before the least recently asked guilds' go. */
  total: number;
}

class GuildCounts implements GuildFrequencies {
  readonly epoch = {};
  readonly counts = new Map<string, number>();

  constructor(
    readonly generation: number,
    private readonly added: () => void,
  ) {}

  frequency(key: string, count: () => number): number {
    let df = this.counts.get(key);
    if (df === undefined) {
      df = count();
      this.counts.set(key, df);
      this.added();
    }
    return df;
  }
}

export class FrequencyCaches {
  /** Least recently asked first (a Map keeps insertion order; asking re-inserts). */
  private readonly guilds = new Map<string, GuildCounts>();
  private total = 0;

  constructor(private readonly limits: FrequencyCacheLimits = { guild: GUILD_LIMIT, total: TOTAL_LIMIT }) {}

  /** The guild's counts at this training generation: a new, empty cache when its training changed or it was full. */
  of(guildId: string, generation: number): GuildFrequencies {
    let cache = this.guilds.get(guildId);
    this.guilds.delete(guildId);
    if (cache === undefined || cache.generation !== generation || cache.counts.size >= this.limits.guild) {
      if (cache !== undefined) this.total -= cache.counts.size;
      cache = new GuildCounts(generation, () => this.total++);
    }
    this.guilds.set(guildId, cache);
    this.evictBeyondTotal(cache);
    return cache;
  }

  /** Drops the guild's counts (the bot left it): nothing of it stays in memory. */
  forget(guildId: string): void {
    const cache = this.guilds.get(guildId);
    if (cache === undefined) return;
    this.total -= cache.counts.size;
    this.guilds.delete(guildId);
  }

  /** Guilds with counts kept, and how many counts in all (for tests and diagnostics). */
  held(): { guilds: string[]; counts: number } {
    return { guilds: [...this.guilds.keys()], counts: this.total };
  }

  /** The least recently asked guilds' caches go until the total fits; never the one being asked (`keep`). */
  private evictBeyondTotal(keep: GuildCounts): void {
    for (const [guildId, cache] of this.guilds) {
      if (this.total <= this.limits.total) return;
      if (cache === keep) continue;
      this.total -= cache.counts.size;
      this.guilds.delete(guildId);
    }
  }
}
