import type { Migration } from '../migrate.js';

/**
 * The matcher's answer documents (migration 002), rebuilt for size and for speed in big guilds.
 *
 * Size: 002 copied every answer's text into training_answers and indexed it twice more (a unique
 * (guild, answer) index there and a (guild, answer) index on training_entries): four copies of
 * the largest column, 2,257 bytes per entry in the bench's database (953 after). Now the text
 * lives only in training_entries; each entry points at its document (answer_id), and an entry
 * with the same answer is found through a short fingerprint index (length, first and last 16
 * characters; SQLite has no hash function), whose equal fingerprints are then compared in full.
 *
 * Speed: 002 scoped a search to a guild with an indexed guild token, and FTS5's bm25() counts every
 * document containing each phrase of the query, so the token made each search cost as much as the
 * guild is large. Now a guild's documents have ids in their own range, slot * 2^32 + n, with the
 * guild's slot in training_index_stats, and a search says `rowid BETWEEN` the range: it returns
 * only the guild's documents that hold its words. (Ids stay exact in JavaScript numbers for 2^21
 * guilds.)
 *
 * Triggers keep everything in step with training_entries, whatever writes to it.
 */
const SLOT_SIZE = 4294967296; // 2^32 document ids per guild

/** SQL: `e` (a training_entries alias) has the same guild and answer as `x` (`new` or `old`), by the fingerprint index. */
function sameAnswer(e: string, x: string): string {
  return `${e}.guild_id = ${x}.guild_id AND length(${e}.answer) = length(${x}.answer)
    AND substr(${e}.answer, 1, 16) = substr(${x}.answer, 1, 16) AND substr(${e}.answer, -16) = substr(${x}.answer, -16)
    AND ${e}.answer = ${x}.answer`;
}

/** SQL: the first and last document id of the guild's range. */
const rangeStart = (guildId: string) => `(SELECT slot * ${SLOT_SIZE} FROM training_index_stats WHERE guild_id = ${guildId})`;
const rangeEnd = (guildId: string) => `(SELECT slot * ${SLOT_SIZE} + ${SLOT_SIZE - 1} FROM training_index_stats WHERE guild_id = ${guildId})`;
const lastDocumentId = (guildId: string) => `(SELECT max(id) FROM training_answers WHERE id BETWEEN ${rangeStart(guildId)} AND ${rangeEnd(guildId)})`;

/**
 * Trigger body: entry `new.id` joins the document of its answer, or starts one (the next id of its
 * guild's range, the guild getting a slot on its first entry).
 */
const joinDocument = `
  INSERT OR IGNORE INTO training_index_stats (guild_id, slot, answers, words, generation)
    VALUES (new.guild_id, (SELECT coalesce(max(slot), 0) + 1 FROM training_index_stats), 0, 0, 0);
  UPDATE training_entries SET answer_id = (SELECT e.answer_id FROM training_entries e WHERE ${sameAnswer('e', 'new')} AND e.id <> new.id LIMIT 1)
    WHERE id = new.id;
  UPDATE training_answers SET questions = questions || char(10) || new.question, entry_count = entry_count + 1
    WHERE id = (SELECT answer_id FROM training_entries WHERE id = new.id);
  INSERT INTO training_answers (id, guild_id, questions, entry_count)
    SELECT coalesce(${lastDocumentId('new.guild_id')}, ${rangeStart('new.guild_id')}) + 1, new.guild_id, new.question, 1
    WHERE (SELECT answer_id FROM training_entries WHERE id = new.id) IS NULL;
  UPDATE training_entries SET answer_id = ${lastDocumentId('new.guild_id')} WHERE id = new.id AND answer_id IS NULL;
`;

/** Trigger body: entry `old.id` (deleted, or still there when `except` names it) leaves its document; an empty one is dropped. */
const leaveDocument = (except: string) => `
  UPDATE training_answers SET
    questions = coalesce((SELECT group_concat(question, char(10) ORDER BY id) FROM training_entries WHERE answer_id = old.answer_id AND id <> ${except}), ''),
    entry_count = entry_count - 1
  WHERE id = old.answer_id;
  DELETE FROM training_answers WHERE id = old.answer_id AND entry_count <= 0;
`;

export const answerDocumentsByReference: Migration = {
  version: 7,
  name: 'answer documents by reference, in per-guild id ranges',
  sql: `
    DROP TRIGGER training_entries_index_after_insert;
    DROP TRIGGER training_entries_index_after_delete;
    DROP TRIGGER training_entries_index_after_update;
    DROP TABLE training_answers_fts;
    DROP TABLE training_answers;
    DROP TABLE training_index_stats;
    DROP INDEX training_by_guild_answer;

    ALTER TABLE training_entries ADD COLUMN answer_id INTEGER; -- its document: training_answers.id
    CREATE INDEX training_by_answer_document ON training_entries (answer_id);
    CREATE INDEX training_by_answer_fingerprint ON training_entries (guild_id, length(answer), substr(answer, 1, 16), substr(answer, -16));

    CREATE TABLE training_index_stats (
      guild_id   TEXT PRIMARY KEY,
      slot       INTEGER NOT NULL UNIQUE, -- the guild's document ids are slot * 2^32 + 1 ...
      answers    INTEGER NOT NULL,
      words      INTEGER NOT NULL,
      generation INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE training_answers (
      id          INTEGER PRIMARY KEY,
      guild_id    TEXT NOT NULL,
      questions   TEXT NOT NULL,          -- every phrasing of this answer, one per line
      entry_count INTEGER NOT NULL,
      word_count  INTEGER GENERATED ALWAYS AS (length(questions) - length(replace(questions, ' ', '')) + entry_count) VIRTUAL
    );

    CREATE VIRTUAL TABLE training_answers_fts USING fts5(
      questions,
      content = 'training_answers', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    );

    CREATE TRIGGER training_answers_after_insert AFTER INSERT ON training_answers BEGIN
      INSERT INTO training_answers_fts (rowid, questions) VALUES (new.id, new.questions);
      UPDATE training_index_stats SET answers = answers + 1, words = words + new.word_count, generation = generation + 1
        WHERE guild_id = new.guild_id;
    END;

    CREATE TRIGGER training_answers_after_delete AFTER DELETE ON training_answers BEGIN
      INSERT INTO training_answers_fts (training_answers_fts, rowid, questions) VALUES ('delete', old.id, old.questions);
      UPDATE training_index_stats SET answers = answers - 1, words = words - old.word_count, generation = generation + 1
        WHERE guild_id = old.guild_id;
    END;

    CREATE TRIGGER training_answers_after_update AFTER UPDATE ON training_answers BEGIN
      INSERT INTO training_answers_fts (training_answers_fts, rowid, questions) VALUES ('delete', old.id, old.questions);
      INSERT INTO training_answers_fts (rowid, questions) VALUES (new.id, new.questions);
      UPDATE training_index_stats SET words = words - old.word_count + new.word_count, generation = generation + 1
        WHERE guild_id = new.guild_id;
    END;

    CREATE TRIGGER training_entries_index_after_insert AFTER INSERT ON training_entries BEGIN
      ${joinDocument}
    END;

    CREATE TRIGGER training_entries_index_after_delete AFTER DELETE ON training_entries BEGIN
      ${leaveDocument('old.id')}
    END;

    -- An edit leaves the old document and joins the one of the new answer (or the same one again).
    CREATE TRIGGER training_entries_index_after_update AFTER UPDATE OF guild_id, question, answer ON training_entries BEGIN
      ${leaveDocument('new.id')}
      UPDATE training_entries SET answer_id = NULL WHERE id = new.id;
      ${joinDocument}
    END;

    -- Index the entries written before this migration: a slot per guild, a document per answer.
    INSERT INTO training_index_stats (guild_id, slot, answers, words, generation)
      SELECT guild_id, row_number() OVER (ORDER BY min(id)), 0, 0, 0 FROM training_entries GROUP BY guild_id;
    CREATE TEMP TABLE answer_groups AS
      SELECT s.slot * ${SLOT_SIZE} + row_number() OVER (PARTITION BY e.guild_id ORDER BY min(e.id)) AS id,
             e.guild_id, e.answer, group_concat(e.question, char(10) ORDER BY e.id) AS questions, count(*) AS entry_count
      FROM training_entries e JOIN training_index_stats s USING (guild_id) GROUP BY e.guild_id, e.answer;
    INSERT INTO training_answers (id, guild_id, questions, entry_count) SELECT id, guild_id, questions, entry_count FROM answer_groups;
    UPDATE training_entries AS e SET answer_id = g.id FROM answer_groups g WHERE g.guild_id = e.guild_id AND g.answer = e.answer;
    DROP TABLE temp.answer_groups;
  `,
};
