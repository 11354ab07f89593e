import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuildSettingsStore, type GuildSettings } from '../../../src/core/guilds/settings.js';
import { StatCounters } from '../../../src/core/stats/counters.js';
import type { Db } from '../../../src/db/database.js';
import { GUILD_A, GUILD_B, openTempDb } from '../temp-db.js';

let db: Db;

beforeEach(() => {
  db = openTempDb();
});
afterEach(() => db.close());

describe('GuildSettingsStore', () => {
  const settings: GuildSettings = {
    guildId: GUILD_A,
    forumChannelId: '300000000000000003',
    staffRoleId: '400000000000000004',
    logChannelId: null,
    tags: { open: '1', answered: '2', needsStaff: null, closed: '4' },
  };

  it('has nothing for a guild never set up, saves, and replaces on save', () => {
    const store = new GuildSettingsStore(db);
    expect(store.get(GUILD_A)).toBeUndefined();
    expect(store.save(settings)).toEqual(settings);
    const changed = { ...settings, logChannelId: '500000000000000005', tags: { ...settings.tags, needsStaff: '3' } };
    expect(store.save(changed)).toEqual(changed);
    expect(new GuildSettingsStore(db).get(GUILD_A)).toEqual(changed);
    expect(store.get(GUILD_B)).toBeUndefined();
  });
});

describe('StatCounters', () => {
  it('increments per guild and name, starting from 0', () => {
    const counters = new StatCounters(db);
    expect(counters.get(GUILD_A, 'answered_ai')).toBe(0);
    counters.increment(GUILD_A, 'answered_ai');
    counters.increment(GUILD_A, 'answered_ai', 4);
    counters.increment(GUILD_A, 'messages_received');
    counters.increment(GUILD_B, 'answered_ai', 100);
    expect(counters.get(GUILD_A, 'answered_ai')).toBe(5);
    expect(counters.all(GUILD_A)).toEqual({ answered_ai: 5, messages_received: 1 });
    expect(counters.all('unknown')).toEqual({});
  });
});
