import type { Database } from 'better-sqlite3';

/**
 * One FTS5 index per guild over its answer documents (migration 014).
 *
 * Why per guild: FTS5 keeps one posting list per term for the whole table. With every guild in
 * one table, a lookup scoped to a guild's rowid range still read each of the message's words'
 * postings of all guilds (measured: 4.5 ms of a small guild's 8 ms lookup beside a 100,000-entry
 * guild, 1.2 ms alone), and bm25() counted each word's documents in all guilds. In its own table a
 * guild's lookup reads only its own postings, and bm25()'s document count, average length and
 * document frequencies are the guild's own: another guild's training cannot change a guild's
 * candidates or their order.
 *
 * A guild's documents keep their id range (slot * 2^32 + n, migration 007). Each index reads its
 * documents through a view of that range (FTS5 external content), and triggers on
 * training_answers, one set per guild, keep it in step whatever writes the rows. SQL cannot create
 * a table from a trigger, so a guild's index is created by ensureGuildAnswerIndex before its first
 * entry is written (TrainingStore, imports) and, as a safety net, by the matcher on a writable
 * connection when it finds a guild without one (it then indexes the guild's documents).
 */
export const SLOT_SIZE = 4294967296; // 2^32 document ids per guild

/** The FTS5 table of a guild's slot. A slot is an integer from training_index_stats, so the name is safe SQL. */
export function answerIndexTable(slot: number): string {
  if (!Number.isSafeInteger(slot) || slot < 1) throw new Error(`invalid guild slot ${slot}`);
  return `training_answers_fts_${slot}`;
}

function hasTable(db: Database, name: string): boolean {
  return statementsOf(db).hasTable.get(name) !== undefined;
}

/** Prepared once per connection: TrainingStore.add ensures the index before every write in a transaction. */
const statements = new WeakMap<Database, ReturnType<typeof prepare>>();
function prepare(db: Database) {
  return {
    hasTable: db.prepare<[string], 1>('SELECT 1 FROM sqlite_schema WHERE name = ?').pluck(),
    assignSlot: db.prepare<[string]>(
      `INSERT OR IGNORE INTO training_index_stats (guild_id, slot, answers, words, generation)
       VALUES (?, (SELECT coalesce(max(slot), 0) + 1 FROM training_index_stats), 0, 0, 0)`,
    ),
    slotOf: db.prepare<[string], number>('SELECT slot FROM training_index_stats WHERE guild_id = ?').pluck(),
  };
}
function statementsOf(db: Database): ReturnType<typeof prepare> {
  let prepared = statements.get(db);
  if (prepared === undefined) {
    prepared = prepare(db);
    statements.set(db, prepared);
  }
  return prepared;
}

/** Creates the slot's view, FTS5 table and triggers, and indexes the documents already in its range. */
function createSlotIndex(db: Database, slot: number): void {
  const fts = answerIndexTable(slot);
  const view = `training_answers_${slot}`;
  const first = slot * SLOT_SIZE;
  const last = first + SLOT_SIZE - 1;
  db.exec(`
    CREATE VIEW ${view} AS SELECT id, questions FROM training_answers WHERE id BETWEEN ${first} AND ${last};
    CREATE VIRTUAL TABLE ${fts} USING fts5(
      questions,
      content = '${view}', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER ${fts}_after_insert AFTER INSERT ON training_answers WHEN new.id BETWEEN ${first} AND ${last} BEGIN
      INSERT INTO ${fts} (rowid, questions) VALUES (new.id, new.questions);
    END;
    CREATE TRIGGER ${fts}_after_delete AFTER DELETE ON training_answers WHEN old.id BETWEEN ${first} AND ${last} BEGIN
      INSERT INTO ${fts} (${fts}, rowid, questions) VALUES ('delete', old.id, old.questions);
    END;
    CREATE TRIGGER ${fts}_after_update AFTER UPDATE ON training_answers WHEN old.id BETWEEN ${first} AND ${last} BEGIN
      INSERT INTO ${fts} (${fts}, rowid, questions) VALUES ('delete', old.id, old.questions);
      INSERT INTO ${fts} (rowid, questions) VALUES (new.id, new.questions);
    END;
    INSERT INTO ${fts} (${fts}) VALUES ('rebuild');
  `);
}

/**
 * The guild's slot, with its index: assigns the slot as migration 007's trigger would (the next
 * free one) when the guild has none yet, and creates the index when missing. Cheap when both exist.
 */
export function ensureGuildAnswerIndex(db: Database, guildId: string): void {
  const ensured = ensuredGuilds.get(db) ?? new Set<string>();
  ensuredGuilds.set(db, ensured);
  if (ensured.has(guildId)) return;
  const { assignSlot, slotOf } = statementsOf(db);
  // Inside an outer transaction (an import, a batch of adds) the guild is not cached above, so this
  // runs per write: two reads when slot and index exist, no savepoint and no write attempt.
  const existing = slotOf.get(guildId);
  if (existing !== undefined && hasTable(db, answerIndexTable(existing))) {
    if (!db.inTransaction) ensured.add(guildId);
    return;
  }
  db.transaction(() => {
    assignSlot.run(guildId);
    const slot = slotOf.get(guildId)!;
    if (!hasTable(db, answerIndexTable(slot))) createSlotIndex(db, slot);
  })();
  // Inside an outer transaction the index is only ours once it commits: a rollback would drop it.
  if (!db.inTransaction) ensured.add(guildId);
}

/** Guilds whose index exists, per connection (an index is never dropped). */
const ensuredGuilds = new WeakMap<Database, Set<string>>();

/** Every guild's index (migration 014 builds them from the documents already stored). */
export function ensureAllGuildAnswerIndexes(db: Database): void {
  const slots = db.prepare('SELECT slot FROM training_index_stats ORDER BY slot').pluck().all() as number[];
  for (const slot of slots) if (!hasTable(db, answerIndexTable(slot))) createSlotIndex(db, slot);
}
