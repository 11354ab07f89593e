import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import type { Ticket } from '../tickets/store.js';

/** Why a ticket was handed to staff: the member asked, voted an answer not helpful, or the bot had no answer. */
export type HandoffReason = 'member' | 'not-helpful' | 'fallback';

export interface PendingHandoff {
  reason: HandoffReason;
  at: number;
}

/**
 * Hand-offs to staff: staff are pinged at most once per ticket until one of them writes there,
 * however often the member asks or the bot falls back in between.
 */
export class Handoffs {
  private readonly requestStmt: Statement<[number, string, number, HandoffReason]>;
  private readonly selectPending: Statement<[number], { handoff_at: number | null; handoff_reason: HandoffReason | null }>;
  private readonly clearStmt: Statement<[number]>;

  constructor(db: Db) {
    this.requestStmt = db.prepare(
      `INSERT INTO ticket_support (ticket_id, guild_id, handoff_at, handoff_reason) VALUES (?, ?, ?, ?)
       ON CONFLICT (ticket_id) DO UPDATE SET handoff_at = excluded.handoff_at, handoff_reason = excluded.handoff_reason
       WHERE ticket_support.handoff_at IS NULL`,
    );
    this.selectPending = db.prepare('SELECT handoff_at, handoff_reason FROM ticket_support WHERE ticket_id = ?');
    this.clearStmt = db.prepare('UPDATE ticket_support SET handoff_at = NULL, handoff_reason = NULL WHERE ticket_id = ? AND handoff_at IS NOT NULL');
  }

  /** Records the request; true when staff should be pinged now (none pending since staff last wrote). */
  request(ticket: Ticket, reason: HandoffReason, now = Date.now()): boolean {
    return this.requestStmt.run(ticket.id, ticket.guildId, now, reason).changes > 0;
  }

  pending(ticketId: number): PendingHandoff | undefined {
    const row = this.selectPending.get(ticketId);
    return row?.handoff_at != null ? { reason: row.handoff_reason ?? 'member', at: row.handoff_at } : undefined;
  }

  /** A staff member wrote in the ticket: the next request pings again. True when a hand-off was pending. */
  staffAnswered(ticketId: number): boolean {
    return this.clearStmt.run(ticketId).changes > 0;
  }
}
