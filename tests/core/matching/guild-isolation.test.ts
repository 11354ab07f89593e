import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { openDatabase, type Db } from '../../../src/db/database.js';
import { migrate } from '../../../src/db/migrate.js';
import { migrations } from '../../../src/db/migrations/index.js';
import { tempDbPath } from '../temp-db.js';
import { GUILD_A, GUILD_B, openTempDb, SUPPORT_TRAINING, trainSupportGuild } from './support-guild.js';

/**
 * Issue 14: one server's training never changes another's answers. Guild A's answers either
 * mention "alpha" (short phrasings) or "beta" (longer ones); a question with both words has more
 * candidates than the matcher fetches (15). With one FTS5 index for all guilds, bm25() counted
 * "alpha" in guild B's 1,000 answers too, found it common, and fetched beta answers first: which
 * of A's answers were even considered depended on B. Each guild's own index makes it A's alone.
 */
function trainAlphaBeta(store: TrainingStore): void {
  for (let i = 0; i < 10; i++) store.add(GUILD_A, { question: `alpha item${i}`, answer: `Alpha answer ${i}` });
  for (let i = 0; i < 10; i++) store.add(GUILD_A, { question: `beta thing${i} with several more words here`, answer: `Beta answer ${i}` });
}

function trainCrowdedNeighbour(db: Db, store: TrainingStore): void {
  db.transaction(() => {
    for (let i = 0; i < 1000; i++) store.add(GUILD_B, { question: `alpha alpha question number ${i}`, answer: `B answer ${i}` });
  })();
}

const QUESTIONS = ['alpha beta', 'beta alpha item3', 'alpha', 'thing7 beta', 'alpah betta'];

/** Everything the matcher decides for guild A: each candidate with its confidence, and the best matches. */
function decisions(db: Db): unknown[] {
  const matcher = new Matcher(db);
  return QUESTIONS.map((q) => ({
    ranked: matcher.rank(GUILD_A, q).map((r) => [r.answer, r.score]),
    matches: matcher.match(GUILD_A, q, 5).map((m) => [m.answer, m.question, m.score]),
  }));
}

describe('one guild\'s training never changes another guild\'s matches', () => {
  const open: Db[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });
  const fresh = () => {
    const db = openTempDb();
    open.push(db);
    return db;
  };

  it('gives guild A the same candidates and confidences whether or not a large guild shares its words', () => {
    const alone = fresh();
    trainAlphaBeta(new TrainingStore(alone));
    const shared = fresh();
    const store = new TrainingStore(shared);
    trainCrowdedNeighbour(shared, store);
    trainAlphaBeta(store);
    trainCrowdedNeighbour(shared, store);

    const expected = decisions(alone);
    expect((expected[0] as { ranked: unknown[] }).ranked).toHaveLength(15);
    expect(decisions(shared)).toEqual(expected);
  });

  it('upgrades a database of the shared index (version 13) to per-guild indexes that match as a new one does', () => {
    const path = tempDbPath();
    const old = new BetterSqlite3(path);
    migrate(old, migrations.filter((m) => m.version < 14), path);
    const insert = old.prepare('INSERT INTO training_entries (guild_id, question, answer, created_at, updated_at) VALUES (?, ?, ?, 1, 1)');
    for (const guild of [GUILD_A, GUILD_B]) for (const [answer, questions] of SUPPORT_TRAINING) for (const q of questions) insert.run(guild, q, answer);
    old.close();

    const upgraded = openDatabase(path);
    open.push(upgraded);
    const reference = fresh();
    const store = new TrainingStore(reference);
    trainSupportGuild(store, GUILD_A);
    trainSupportGuild(store, GUILD_B);
    for (const guild of [GUILD_A, GUILD_B]) {
      for (const q of ['I forgot my password', 'when does my order arrive', 'cancel plan', 'what is the weather']) {
        expect(new Matcher(upgraded).match(guild, q, 5)).toEqual(new Matcher(reference).match(guild, q, 5).map((m) => ({ ...m, entryId: expect.any(Number) })));
      }
    }
    expect(new Matcher(upgraded).match(GUILD_B, 'I forgot my password')[0]).toMatchObject({ answer: SUPPORT_TRAINING[0]![0], score: expect.any(Number) });
    // The upgraded file keeps indexing what is written afterwards, for old and new guilds.
    new TrainingStore(upgraded).add(GUILD_A, { question: 'locked out of my profile', answer: 'Ask staff.' });
    new TrainingStore(upgraded).add('300000000000000003', { question: 'locked out of my profile', answer: 'Ask staff.' });
    expect(new Matcher(upgraded).match(GUILD_A, 'locked out of my profile')[0]).toMatchObject({ answer: 'Ask staff.' });
    expect(new Matcher(upgraded).match('300000000000000003', 'locked out of my profile')[0]).toMatchObject({ answer: 'Ask staff.' });
  });

  it('indexes a guild first written by raw SQL when the matcher meets it', () => {
    const db = fresh();
    db.prepare("INSERT INTO training_entries (guild_id, question, answer, created_at, updated_at) VALUES (?, 'How do refunds work', 'Within 14 days.', 1, 1)").run(GUILD_B);
    expect(new Matcher(db).match(GUILD_B, 'how do refunds work')[0]).toMatchObject({ answer: 'Within 14 days.' });
  });
});
