import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import type { Db } from '../../../src/db/database.js';
import { GUILD_A, GUILD_B, openTempDb, trainSupportGuild } from './support-guild.js';

/**
 * What the matcher keeps between questions is per guild (document frequencies, the guild's prepared searches) or
 * per document: it must go when the bot leaves a guild, and many guilds must not grow it without limit.
 */
const QUESTIONS = ['How do I reset my password?', 'can i get my money back', 'when does my order arive', 'are you open on sunday'];

describe('Matcher: memory per guild', () => {
  let db: Db;
  let store: TrainingStore;

  beforeEach(() => {
    db = openTempDb();
    store = new TrainingStore(db);
    trainSupportGuild(store, GUILD_A);
    trainSupportGuild(store, GUILD_B);
  });

  afterEach(() => db.close());

  it('forgets a guild the bot left: none of its counts, searches or documents stay; the other guild keeps its own', () => {
    const matcher = new Matcher(db);
    for (const question of QUESTIONS) for (const guild of [GUILD_A, GUILD_B]) matcher.match(guild, question, 3);
    const both = matcher.held();
    expect(both.frequencyGuilds.sort()).toEqual([GUILD_A, GUILD_B].sort());
    expect(both.preparedGuilds).toBe(2);

    matcher.forgetGuild(GUILD_A);
    const left = matcher.held();
    expect(left.frequencyGuilds).toEqual([GUILD_B]);
    expect(left.preparedGuilds).toBe(1);
    // Each guild's answers were parsed once; only GUILD_B's remain.
    expect(left.documents).toBe(both.documents / 2);
    expect(left.parsedDocuments).toBe(both.parsedDocuments / 2);
    expect(left.frequencies).toBeLessThan(both.frequencies);
  });

  it('a guild forgotten and asked again (the bot invited back) answers as a new matcher does', () => {
    const matcher = new Matcher(db);
    for (const question of QUESTIONS) matcher.match(GUILD_A, question, 3);
    matcher.forgetGuild(GUILD_A);
    for (const question of QUESTIONS) expect(matcher.rank(GUILD_A, question), question).toEqual(new Matcher(db).rank(GUILD_A, question));
  });

  it('forgetting a guild it never asked about, or one with no training, changes nothing', () => {
    const matcher = new Matcher(db);
    matcher.match(GUILD_B, QUESTIONS[0]!, 3);
    const before = matcher.held();
    matcher.forgetGuild('300000000000000003');
    matcher.forgetGuild(GUILD_A);
    expect(matcher.held()).toEqual(before);
  });

  it('many guilds: the document frequencies kept stay within the total, the least recently asked guilds going first', () => {
    const guilds = Array.from({ length: 12 }, (_, i) => String(400000000000000000n + BigInt(i)));
    for (const guild of guilds) trainSupportGuild(store, guild);
    const matcher = new Matcher(db, { frequencyCacheLimits: { guild: 1_000, total: 40 } });
    let most = 0;
    for (const guild of guilds) {
      for (const question of QUESTIONS) matcher.match(guild, question, 1);
      most = Math.max(most, matcher.held().frequencies);
    }
    const held = matcher.held();
    // One guild's questions count ~30 words; the total is checked each time a guild is asked.
    expect(most).toBeLessThanOrEqual(40 + 40);
    expect(held.frequencyGuilds.length).toBeLessThan(guilds.length);
    expect(held.frequencyGuilds.at(-1)).toBe(guilds.at(-1));
    expect(held.frequencyGuilds).not.toContain(guilds[0]);
    // Bounded, and still answering as a new matcher does.
    for (const question of QUESTIONS) expect(matcher.rank(guilds[0]!, question)).toEqual(new Matcher(db).rank(guilds[0]!, question));
  });
});
