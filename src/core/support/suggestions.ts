import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import { TRAINING_LIMITS, type TrainingEntry, type TrainingStore } from '../training/store.js';
import { ellipsis } from '../transfer/fields.js';

export type SuggestionStatus = 'pending' | 'approved' | 'dismissed';

/** An AI answer that solved a member's ticket, offered to staff as a training entry. */
export interface TrainingSuggestion {
  id: number;
  guildId: string;
  ticketId: number;
  turnId: number;
  question: string;
  answer: string;
  status: SuggestionStatus;
  createdAt: number;
}

interface SuggestionRow {
  id: number;
  guild_id: string;
  ticket_id: number;
  turn_id: number;
  question: string;
  answer: string;
  status: SuggestionStatus;
  created_at: number;
}

const toSuggestion = (row: SuggestionRow): TrainingSuggestion => ({
  id: row.id,
  guildId: row.guild_id,
  ticketId: row.ticket_id,
  turnId: row.turn_id,
  question: row.question,
  answer: row.answer,
  status: row.status,
  createdAt: row.created_at,
});

/**
 * Candidates for training from solved tickets. Nothing enters training without a staff member
 * approving it (as is, or edited); dismissed candidates are kept so they are not offered again.
 */
export class TrainingSuggestions {
  private readonly insert: Statement<[string, number, number, string, string, number]>;
  private readonly selectOne: Statement<[string, number], SuggestionRow>;
  private readonly selectNext: Statement<[string], SuggestionRow>;
  private readonly countPending: Statement<[string], { n: number }>;
  private readonly selectPending: Statement<[string, number], SuggestionRow>;
  private readonly decide: Statement<[SuggestionStatus, number | null, string, number, string, number]>;

  constructor(
    private readonly db: Db,
    private readonly training: TrainingStore,
  ) {
    this.insert = db.prepare(
      `INSERT INTO training_suggestions (guild_id, ticket_id, turn_id, question, answer, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (turn_id) DO NOTHING`,
    );
    this.selectOne = db.prepare('SELECT * FROM training_suggestions WHERE guild_id = ? AND id = ?');
    this.selectNext = db.prepare("SELECT * FROM training_suggestions WHERE guild_id = ? AND status = 'pending' ORDER BY id LIMIT 1");
    this.selectPending = db.prepare("SELECT * FROM training_suggestions WHERE guild_id = ? AND status = 'pending' ORDER BY id LIMIT ?");
    this.countPending = db.prepare("SELECT COUNT(*) AS n FROM training_suggestions WHERE guild_id = ? AND status = 'pending'");
    this.decide = db.prepare(
      `UPDATE training_suggestions SET status = ?, training_entry_id = ?, decided_by = ?, decided_at = ?
       WHERE guild_id = ? AND id = ? AND status = 'pending'`,
    );
  }

  /** Offers an answer (once per answer); the texts are cut to what a training entry may hold. */
  offer(input: { guildId: string; ticketId: number; turnId: number; question: string; answer: string }, now = Date.now()): void {
    const question = ellipsis(input.question.trim(), TRAINING_LIMITS.question);
    const answer = ellipsis(input.answer.trim(), TRAINING_LIMITS.answer);
    if (question === '' || answer === '') return;
    this.insert.run(input.guildId, input.ticketId, input.turnId, question, answer, now);
  }

  get(guildId: string, id: number): TrainingSuggestion | undefined {
    const row = this.selectOne.get(guildId, id);
    return row && toSuggestion(row);
  }

  /** The oldest suggestion still waiting for staff. */
  next(guildId: string): TrainingSuggestion | undefined {
    const row = this.selectNext.get(guildId);
    return row && toSuggestion(row);
  }

  /** The oldest `limit` suggestions still waiting for staff (the dashboard lists them). */
  pending(guildId: string, limit = 50): TrainingSuggestion[] {
    return this.selectPending.all(guildId, limit).map(toSuggestion);
  }

  pendingCount(guildId: string): number {
    return this.countPending.get(guildId)?.n ?? 0;
  }

  /** Adds the suggestion (or staff's edit of it) to training; throws a UserError and adds nothing when it is invalid or already decided. */
  approve(
    guildId: string,
    id: number,
    staffId: string,
    edited: { question: string; answer: string; category?: string } | undefined = undefined,
    now = Date.now(),
  ): TrainingEntry {
    return this.db.transaction(() => {
      const suggestion = this.requirePending(guildId, id);
      const fields = edited ?? { question: suggestion.question, answer: suggestion.answer };
      const entry = this.training.add(guildId, { ...fields, authorId: staffId }, now);
      this.decide.run('approved', entry.id, staffId, now, guildId, id);
      return entry;
    })();
  }

  dismiss(guildId: string, id: number, staffId: string, now = Date.now()): void {
    this.db.transaction(() => {
      this.requirePending(guildId, id);
      this.decide.run('dismissed', null, staffId, now, guildId, id);
    })();
  }

  private requirePending(guildId: string, id: number): TrainingSuggestion {
    const suggestion = this.get(guildId, id);
    if (!suggestion) throw new UserError(`There is no training suggestion #${id} in this server.`);
    if (suggestion.status !== 'pending') throw new UserError(`Suggestion #${id} was already ${suggestion.status}.`);
    return suggestion;
  }
}
