import { ensureAllGuildAnswerIndexes } from '../guild-answer-index.js';
import type { Migration } from '../migrate.js';

/**
 * One FTS5 index per guild instead of one for all (see src/db/guild-answer-index.ts for why).
 * The triggers on training_answers keep only the guild statistics; each guild's index gets its
 * own triggers. Existing documents are indexed again, per guild, by `run`.
 */
export const answerIndexPerGuild: Migration = {
  version: 14,
  name: 'answer index per guild',
  sql: `
    DROP TRIGGER training_answers_after_insert;
    DROP TRIGGER training_answers_after_delete;
    DROP TRIGGER training_answers_after_update;
    DROP TABLE training_answers_fts;

    CREATE TRIGGER training_answers_after_insert AFTER INSERT ON training_answers BEGIN
      UPDATE training_index_stats SET answers = answers + 1, words = words + new.word_count, generation = generation + 1
        WHERE guild_id = new.guild_id;
    END;

    CREATE TRIGGER training_answers_after_delete AFTER DELETE ON training_answers BEGIN
      UPDATE training_index_stats SET answers = answers - 1, words = words - old.word_count, generation = generation + 1
        WHERE guild_id = old.guild_id;
    END;

    CREATE TRIGGER training_answers_after_update AFTER UPDATE ON training_answers BEGIN
      UPDATE training_index_stats SET words = words - old.word_count + new.word_count, generation = generation + 1
        WHERE guild_id = new.guild_id;
    END;
  `,
  run: ensureAllGuildAnswerIndexes,
};
