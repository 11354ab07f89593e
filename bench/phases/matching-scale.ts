import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SyntheticServer, type SyntheticQuery } from '../data/corpus.js';
import { buildTrainingDatabase, databaseBytes } from './database.js';
import { timeMatcher, type MatchRun } from './matching.js';

/** 1,000,000 entries: 100 guilds of 10,000, the guild under test one of them (issue 14). */
export const SCALE_GUILDS = 100;
export const SCALE_GUILD_ENTRIES = 10_000;
const GUILD_UNDER_TEST = '400000000000000000';

export interface ScaleRun {
  run: MatchRun;
  entries: number;
  loadMs: number;
  bytesPerEntry: number;
}

/**
 * `match_p50_ms_1m`: the guild under test (the synthetic server's first 10,000 entries) in a file
 * with 99 other guilds of 10,000 entries each (other seeds: other topics over the same
 * vocabulary), matched with the same messages as the other match figures. Each guild is loaded in
 * its own transaction through the real TrainingStore (setup, not timed: minutes at this size).
 */
export function measureMatchingAtScale(
  dir: string,
  server: SyntheticServer,
  warmUp: readonly SyntheticQuery[],
  queries: readonly SyntheticQuery[],
  answerOfTopic: ReadonlyMap<number, string>,
  progress: (text: string) => void,
): ScaleRun {
  const path = join(dir, 'scale-1m.db');
  const started = performance.now();
  let entries = 0;
  entries += buildTrainingDatabase(path, [{ guildId: GUILD_UNDER_TEST, entries: server.entries(SCALE_GUILD_ENTRIES) }]).entries;
  for (let g = 1; g < SCALE_GUILDS; g++) {
    const guildId = String(400000000000000000n + BigInt(g));
    entries += buildTrainingDatabase(path, [{ guildId, entries: new SyntheticServer(1000 + g).entries(SCALE_GUILD_ENTRIES) }]).entries;
    if (g % 10 === 0) progress(`  1M file: ${entries} entries loaded`);
  }
  const loadMs = performance.now() - started;
  const bytesPerEntry = databaseBytes(path) / entries;
  return { run: timeMatcher(path, GUILD_UNDER_TEST, warmUp, queries, answerOfTopic), entries, loadMs, bytesPerEntry };
}
