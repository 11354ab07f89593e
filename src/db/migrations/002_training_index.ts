import type { Migration } from '../migrate.js';

/**
 * The index the matcher searches. Staff train one answer with several phrasings of its question;
 * the phrasings of one answer support each other, so the unit of search is the *answer*: one row
 * per distinct (guild, answer text) holding all its phrasings, and an FTS5 index over those rows.
 *
 * Everything is kept in step by triggers on training_entries, so any INSERT, UPDATE or DELETE
 * (the training store, an import, a hand-made SQL fix) updates the index in the same transaction.
 * training_index_stats keeps per-guild totals (answers, words) for BM25's length normalisation
 * without scanning a guild's rows, and a generation number that changes on every write so the
 * matcher can cache per-guild term statistics safely.
 *
 * The guild is an indexed FTS column holding one token ('g' + hex of the guild id): a search ANDs
 * it with the question terms, so FTS5 only visits documents of that guild.
 */
export const trainingIndex: Migration = {
  version: 2,
  name: 'training answer index',
  sql: `
    CREATE INDEX training_by_guild_answer ON training_entries (guild_id, answer);

    CREATE TABLE training_answers (
      id          INTEGER PRIMARY KEY,
      guild_id    TEXT NOT NULL,
      answer      TEXT NOT NULL,
      questions   TEXT NOT NULL,          -- every phrasing of this answer, one per line
      entry_count INTEGER NOT NULL,
      guild_key   TEXT GENERATED ALWAYS AS ('g' || lower(hex(guild_id))) VIRTUAL,
      -- Words approximated as spaces + lines: cheap in SQL, used the same way for every document.
      word_count  INTEGER GENERATED ALWAYS AS (length(questions) - length(replace(questions, ' ', '')) + entry_count) VIRTUAL,
      UNIQUE (guild_id, answer)
    );

    CREATE TABLE training_index_stats (
      guild_id   TEXT PRIMARY KEY,
      answers    INTEGER NOT NULL,
      words      INTEGER NOT NULL,
      generation INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE VIRTUAL TABLE training_answers_fts USING fts5(
      guild_key, questions,
      content = 'training_answers', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    );

    -- training_answers -> FTS index and per-guild totals.
    CREATE TRIGGER training_answers_after_insert AFTER INSERT ON training_answers BEGIN
      INSERT INTO training_answers_fts (rowid, guild_key, questions) VALUES (new.id, new.guild_key, new.questions);
      INSERT INTO training_index_stats (guild_id, answers, words, generation) VALUES (new.guild_id, 1, new.word_count, 1)
        ON CONFLICT (guild_id) DO UPDATE SET answers = answers + 1, words = words + excluded.words, generation = generation + 1;
    END;

    CREATE TRIGGER training_answers_after_delete AFTER DELETE ON training_answers BEGIN
      INSERT INTO training_answers_fts (training_answers_fts, rowid, guild_key, questions) VALUES ('delete', old.id, old.guild_key, old.questions);
      UPDATE training_index_stats SET answers = answers - 1, words = words - old.word_count, generation = generation + 1
        WHERE guild_id = old.guild_id;
    END;

    CREATE TRIGGER training_answers_after_update AFTER UPDATE ON training_answers BEGIN
      INSERT INTO training_answers_fts (training_answers_fts, rowid, guild_key, questions) VALUES ('delete', old.id, old.guild_key, old.questions);
      INSERT INTO training_answers_fts (rowid, guild_key, questions) VALUES (new.id, new.guild_key, new.questions);
      UPDATE training_index_stats SET words = words - old.word_count + new.word_count, generation = generation + 1
        WHERE guild_id = new.guild_id;
    END;

    -- training_entries -> answer documents. An insert appends its phrasing (no rescan of the
    -- answer's other phrasings); a delete or an edit rebuilds the affected documents.
    CREATE TRIGGER training_entries_index_after_insert AFTER INSERT ON training_entries BEGIN
      INSERT INTO training_answers (guild_id, answer, questions, entry_count) VALUES (new.guild_id, new.answer, new.question, 1)
        ON CONFLICT (guild_id, answer) DO UPDATE SET questions = questions || char(10) || excluded.questions, entry_count = entry_count + 1;
    END;

    CREATE TRIGGER training_entries_index_after_delete AFTER DELETE ON training_entries BEGIN
      UPDATE training_answers SET
        questions = coalesce((SELECT group_concat(question, char(10)) FROM training_entries WHERE guild_id = old.guild_id AND answer = old.answer), ''),
        entry_count = entry_count - 1
      WHERE guild_id = old.guild_id AND answer = old.answer;
      DELETE FROM training_answers WHERE guild_id = old.guild_id AND answer = old.answer AND entry_count <= 0;
    END;

    CREATE TRIGGER training_entries_index_after_update AFTER UPDATE OF guild_id, question, answer ON training_entries BEGIN
      INSERT OR IGNORE INTO training_answers (guild_id, answer, questions, entry_count) VALUES (new.guild_id, new.answer, '', 0);
      UPDATE training_answers SET
        questions = coalesce((SELECT group_concat(question, char(10)) FROM training_entries e
                              WHERE e.guild_id = training_answers.guild_id AND e.answer = training_answers.answer), ''),
        entry_count = (SELECT count(*) FROM training_entries e
                       WHERE e.guild_id = training_answers.guild_id AND e.answer = training_answers.answer)
      WHERE (guild_id = old.guild_id AND answer = old.answer) OR (guild_id = new.guild_id AND answer = new.answer);
      DELETE FROM training_answers WHERE guild_id = old.guild_id AND answer = old.answer AND entry_count <= 0;
    END;

    -- Index the entries written before this migration.
    INSERT INTO training_answers (guild_id, answer, questions, entry_count)
      SELECT guild_id, answer, group_concat(question, char(10)), count(*) FROM training_entries GROUP BY guild_id, answer;
  `,
};
