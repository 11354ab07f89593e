import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import type { Db } from '../../../src/db/database.js';
import { GUILD_A, openTempDb, PASSWORD_ANSWER, trainSupportGuild } from './support-guild.js';

/**
 * The matcher keeps work between questions (parsed answers with their words' IDFs, spellings,
 * word vectors, shown questions' stems): what it answers must not depend on what it was asked
 * before, nor on training it saw before a change.
 */
const QUESTIONS = ['How do I reset my password?', 'can i get my money back', 'when does my order arive', 'I want to change the email on my account', 'are you open on sunday'];

describe('Matcher caches', () => {
  let db: Db;
  let store: TrainingStore;

  beforeEach(() => {
    db = openTempDb();
    store = new TrainingStore(db);
    trainSupportGuild(store, GUILD_A);
  });

  afterEach(() => db.close());

  const everything = (matcher: Matcher, question: string) => ({ ranked: matcher.rank(GUILD_A, question), shown: matcher.match(GUILD_A, question, 5) });

  it('answers as a new matcher does, whatever it was asked before and in whatever order', () => {
    const used = new Matcher(db);
    for (const question of [...QUESTIONS].reverse()) used.match(GUILD_A, question, 1);
    for (const question of QUESTIONS) expect(everything(used, question), question).toEqual(everything(new Matcher(db), question));
  });

  it('after training changes, scores with the new statistics, as a new matcher does', () => {
    const used = new Matcher(db);
    for (const question of QUESTIONS) everything(used, question);
    // New phrasings change how rare "password", "change", "account" and "email" are in the guild.
    for (const question of ['Change my account password', 'My account email is wrong', 'change account settings'])
      store.add(GUILD_A, { question, answer: PASSWORD_ANSWER });
    for (const question of QUESTIONS) expect(everything(used, question), question).toEqual(everything(new Matcher(db), question));
  });
});
