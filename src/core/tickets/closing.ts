import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import type { Ticket, TicketStore } from './store.js';

/** A closed ticket whose post Discord has not yet locked (see migration 011). */
export interface PendingClose {
  ticketId: number;
  guildId: string;
  threadId: string;
  since: number;
  attempts: number;
  lastProblem: string | null;
}

interface Row {
  ticket_id: number;
  guild_id: string;
  thread_id: string;
  since: number;
  attempts: number;
  last_problem: string | null;
}

/**
 * Closing a ticket so that Discord and the database end up agreeing. The database closes first
 * (no new answer starts, the sweep leaves it alone) and, in the same transaction, notes that the
 * Discord part is still to do; the Discord layer reports success or the exact problem, and
 * start-up and the sweep retry what is still pending.
 */
export class TicketClosing {
  private readonly addStmt: Statement<[number, string, string, number]>;
  private readonly doneStmt: Statement<[number]>;
  private readonly failedStmt: Statement<[string, number]>;
  private readonly pendingStmt: Statement<[], Row>;
  private readonly oneStmt: Statement<[number], Row>;

  constructor(
    private readonly db: Db,
    private readonly tickets: TicketStore,
  ) {
    this.addStmt = db.prepare('INSERT OR REPLACE INTO ticket_discord_close (ticket_id, guild_id, thread_id, since) VALUES (?, ?, ?, ?)');
    this.doneStmt = db.prepare('DELETE FROM ticket_discord_close WHERE ticket_id = ?');
    this.failedStmt = db.prepare('UPDATE ticket_discord_close SET attempts = attempts + 1, last_problem = ? WHERE ticket_id = ?');
    this.pendingStmt = db.prepare('SELECT * FROM ticket_discord_close ORDER BY since');
    this.oneStmt = db.prepare('SELECT * FROM ticket_discord_close WHERE ticket_id = ?');
  }

  /** Closes the ticket in the database and notes that Discord still has to follow. */
  close(guildId: string, threadId: string, input: { closedBy: string | null; reason?: string | null }, now = Date.now()): Ticket {
    return this.db.transaction(() => {
      const ticket = this.tickets.close(guildId, threadId, input, now);
      this.addStmt.run(ticket.id, guildId, threadId, now);
      return ticket;
    })();
  }

  /** Discord has locked and archived the post: nothing is left to do. */
  done(ticketId: number): void {
    this.doneStmt.run(ticketId);
  }

  /** Discord refused a step; `problem` says which and why, for the admin. */
  failed(ticketId: number, problem: string): void {
    this.failedStmt.run(problem, ticketId);
  }

  /** Every ticket still to close in Discord, oldest first. */
  pending(): PendingClose[] {
    return this.pendingStmt.all().map(toPending);
  }

  get(ticketId: number): PendingClose | undefined {
    const row = this.oneStmt.get(ticketId);
    return row ? toPending(row) : undefined;
  }
}

function toPending(r: Row): PendingClose {
  return { ticketId: r.ticket_id, guildId: r.guild_id, threadId: r.thread_id, since: r.since, attempts: r.attempts, lastProblem: r.last_problem };
}
