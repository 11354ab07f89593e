import type { SyntheticEntry } from '../data/corpus.js';
import { SyntheticServer } from '../data/corpus.js';
import type { GuildTraining } from '../phases/database.js';

/** The 1,000-entry guild: the same entries as the start of the big guild (bench/README.md, "Databases"). */
export const SMALL_GUILD_ID = '200000000000000001';
export const SMALL_GUILD_ENTRIES = 1_000;
/** Other servers on the same bot, so every lookup really has to keep to its own guild. */
const OTHER_GUILDS = [
  { id: '300000000000000001', seed: 2, entries: 5_000 },
  { id: '300000000000000002', seed: 3, entries: 5_000 },
];

/** The guilds of the bot's file: its own (bigGuild), the small one and two others. */
export function botFileGuilds(botGuildId: string, bigGuild: readonly SyntheticEntry[]): GuildTraining[] {
  const others = OTHER_GUILDS.map((g) => ({ guildId: g.id, entries: new SyntheticServer(g.seed).entries(g.entries) }));
  return [{ guildId: botGuildId, entries: bigGuild }, { guildId: SMALL_GUILD_ID, entries: bigGuild.slice(0, SMALL_GUILD_ENTRIES) }, ...others];
}
