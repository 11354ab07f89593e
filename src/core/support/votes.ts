import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { sourceToColumns } from '../tickets/answer-source.js';
import type { TicketTurn } from '../tickets/store.js';

export type Vote = 'helpful' | 'not_helpful';

/** A trained entry members keep voting "not helpful": staff should check its answer. */
export interface EntryToReview {
  entryId: number;
  question: string;
  notHelpful: number;
  helpful: number;
}

/** "Repeated": at least this many not-helpful votes, and more of them than helpful ones. */
const REVIEW_MIN_NOT_HELPFUL = 2;
const REVIEW_LIST_LIMIT = 10;

interface VoteRow {
  guild_id: string;
  ticket_id: number;
  turn_id: number;
  voter_id: string;
  vote: Vote;
  source_kind: string | null;
  training_entry_id: number | null;
  kb_entry_ids: string | null;
  ai_model: string | null;
  created_at: number;
}

/**
 * Members' votes on bot answers. Each vote keeps a copy of the answer's source (trained entry,
 * knowledge-base entries, AI model), so it still counts against the right entry later.
 */
export class AnswerVotes {
  private readonly upsert: Statement<[VoteRow]>;
  private readonly selectToReview: Statement<[{ guildId: string; min: number; limit: number }], EntryToReview>;
  private readonly selectForEntries: Statement<[string, string], { entryId: number; helpful: number; notHelpful: number }>;

  constructor(db: Db) {
    // One vote per member per answer: a changed mind replaces the earlier vote.
    this.upsert = db.prepare(
      `INSERT INTO answer_votes (guild_id, ticket_id, turn_id, voter_id, vote, source_kind, training_entry_id, kb_entry_ids, ai_model, created_at)
       VALUES (@guild_id, @ticket_id, @turn_id, @voter_id, @vote, @source_kind, @training_entry_id, @kb_entry_ids, @ai_model, @created_at)
       ON CONFLICT (turn_id, voter_id) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at`,
    );
    this.selectToReview = db.prepare(
      `SELECT e.id AS entryId, e.question AS question,
         SUM(v.vote = 'not_helpful') AS notHelpful, SUM(v.vote = 'helpful') AS helpful
       FROM answer_votes v JOIN training_entries e ON e.id = v.training_entry_id AND e.guild_id = v.guild_id
       WHERE v.guild_id = @guildId
       GROUP BY e.id
       HAVING notHelpful >= @min AND notHelpful > helpful
       ORDER BY notHelpful DESC, e.id
       LIMIT @limit`,
    );
    this.selectForEntries = db.prepare(
      `SELECT training_entry_id AS entryId, SUM(vote = 'helpful') AS helpful, SUM(vote = 'not_helpful') AS notHelpful
       FROM answer_votes WHERE guild_id = ? AND training_entry_id IN (SELECT value FROM json_each(?))
       GROUP BY training_entry_id`,
    );
  }

  /** Stores a member's vote on a bot answer (a turn of their ticket; the caller checks that). */
  record(answer: TicketTurn, voterId: string, vote: Vote, now = Date.now()): void {
    const source = sourceToColumns(answer.turn.source);
    this.upsert.run({
      guild_id: answer.ticket.guildId,
      ticket_id: answer.ticket.id,
      turn_id: answer.turn.id,
      voter_id: voterId,
      vote,
      source_kind: source.source_kind,
      training_entry_id: source.training_entry_id,
      kb_entry_ids: source.kb_entry_ids,
      ai_model: source.ai_model,
      created_at: now,
    });
  }

  /** Trained entries with repeated not-helpful votes, worst first (/training_stats). */
  entriesToReview(guildId: string, limit = REVIEW_LIST_LIMIT): EntryToReview[] {
    return this.selectToReview.all({ guildId, min: REVIEW_MIN_NOT_HELPFUL, limit });
  }

  /** Helpful / not-helpful votes on the answers each of these trained entries gave (entries without votes are left out). */
  votesForEntries(guildId: string, entryIds: number[]): Map<number, { helpful: number; notHelpful: number }> {
    if (entryIds.length === 0) return new Map();
    const rows = this.selectForEntries.all(guildId, JSON.stringify(entryIds));
    return new Map(rows.map((r) => [r.entryId, { helpful: r.helpful, notHelpful: r.notHelpful }]));
  }
}
