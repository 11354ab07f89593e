import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';

/** The close reason of a ticket closed for the member's silence. */
export const INACTIVE_REASON = 'inactive';

const HOUR_MS = 60 * 60 * 1000;

/** An open ticket waiting for its member to reply. */
export interface StaleTicket {
  ticketId: number;
  guildId: string;
  threadId: string;
  ownerId: string;
  /** The last turn: the bot's or staff's answer the member has not replied to. */
  lastTurnId: number;
  answeredAt: number;
}

export interface StaleTicketsDue {
  /** Silent for STALE_TICKET_HOURS since the last answer: send the one reminder. */
  remind: StaleTicket[];
  /** Silent for as long again after the reminder: close as inactive. */
  close: StaleTicket[];
}

interface DueRow {
  ticket_id: number;
  guild_id: string;
  thread_id: string;
  owner_id: string;
  last_turn_id: number;
  answered_at: number;
  reminded_turn: number | null;
}

/**
 * Tickets whose member went quiet after an answer. Nothing is scheduled in memory: which ticket
 * is due is computed from its turns and the time of its reminder, so a sweep after a restart (or
 * a missed one) finds exactly what is due. A ticket waiting for staff (hand-off pending) is the
 * staff's to answer, never the member's, and is left alone.
 */
export class StaleTickets {
  private readonly guildsWithOpen: Statement<[], { guild_id: string }>;
  private readonly selectDue: Statement<[{ guildId: string; before: number }], DueRow>;
  private readonly remindStmt: Statement<[number, string, number, number]>;
  private readonly waitMs: number;

  constructor(db: Db, hours: number) {
    this.waitMs = hours * HOUR_MS;
    this.guildsWithOpen = db.prepare("SELECT DISTINCT guild_id FROM tickets WHERE status = 'open'");
    this.selectDue = db.prepare(
      `WITH waiting AS (
         SELECT t.id AS ticket_id, t.guild_id, t.thread_id, t.owner_id, s.reminded_at, s.reminded_turn, s.handoff_at,
           (SELECT id FROM ticket_turns WHERE ticket_id = t.id ORDER BY id DESC LIMIT 1) AS last_turn_id
         FROM tickets t LEFT JOIN ticket_support s ON s.ticket_id = t.id
         WHERE t.guild_id = @guildId AND t.status = 'open')
       SELECT w.ticket_id, w.guild_id, w.thread_id, w.owner_id, w.last_turn_id, w.reminded_turn, last.created_at AS answered_at
       FROM waiting w JOIN ticket_turns last ON last.id = w.last_turn_id
       WHERE last.role IN ('bot', 'staff') AND w.handoff_at IS NULL
         AND ((w.reminded_turn IS NOT w.last_turn_id AND last.created_at <= @before)
           OR (w.reminded_turn = w.last_turn_id AND w.reminded_at <= @before))
       ORDER BY w.ticket_id`,
    );
    this.remindStmt = db.prepare(
      `INSERT INTO ticket_support (ticket_id, guild_id, reminded_at, reminded_turn) VALUES (?, ?, ?, ?)
       ON CONFLICT (ticket_id) DO UPDATE SET reminded_at = excluded.reminded_at, reminded_turn = excluded.reminded_turn`,
    );
  }

  /** STALE_TICKET_HOURS=0 turns reminders and closing off. */
  get enabled(): boolean {
    return this.waitMs > 0;
  }

  /** What is due at `now`, in every server. */
  due(now = Date.now()): StaleTicketsDue {
    const due: StaleTicketsDue = { remind: [], close: [] };
    if (!this.enabled) return due;
    const before = now - this.waitMs;
    for (const { guild_id: guildId } of this.guildsWithOpen.all()) {
      for (const row of this.selectDue.all({ guildId, before })) {
        const ticket = {
          ticketId: row.ticket_id,
          guildId: row.guild_id,
          threadId: row.thread_id,
          ownerId: row.owner_id,
          lastTurnId: row.last_turn_id,
          answeredAt: row.answered_at,
        };
        (row.reminded_turn === row.last_turn_id ? due.close : due.remind).push(ticket);
      }
    }
    return due;
  }

  /**
   * The reminder was posted for the silence after `lastTurnId`: the ticket closes after as long
   * again, unless a turn comes first (ids, not clocks, tell which came first).
   */
  markReminded(ticket: { ticketId: number; guildId: string; lastTurnId: number }, now = Date.now()): void {
    this.remindStmt.run(ticket.ticketId, ticket.guildId, now, ticket.lastTurnId);
  }
}
