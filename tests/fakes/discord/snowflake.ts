/** Discord's epoch: the first millisecond of 2015 (UTC). */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Makes Discord snowflakes: `(ms since the Discord epoch) << 22` plus a counter in the low bits.
 * Ids are strictly increasing, so sorting by id is sorting by creation, as on Discord.
 */
export class SnowflakeGenerator {
  /** Shared by every generator in the process: ids are unique across fakes, as Discord's are everywhere. */
  private static last = 0n;

  next(at: number = Date.now()): string {
    const fromClock = (BigInt(at) - DISCORD_EPOCH) << 22n;
    SnowflakeGenerator.last = fromClock > SnowflakeGenerator.last ? fromClock : SnowflakeGenerator.last + 1n;
    return SnowflakeGenerator.last.toString();
  }
}

/** The creation time (epoch ms) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
