import type { Db } from '../../db/database.js';

export type ClosedListener<Ticket> = (ticket: Ticket) => void;

/**
 * Who is told that a ticket closed, whatever closed it: a command, a button, a close request, the stale sweep, a
 * moderator's lock, its post deleted. The responder drops the ticket's pending answers here (responder.ts), so no
 * close path can forget to. A close made inside a caller's transaction (TicketClosing) is told once that
 * transaction is over, and only if the ticket is still closed then (it committed).
 */
export class ClosedListeners<Ticket> {
  private readonly listeners = new Set<ClosedListener<Ticket>>();

  constructor(
    private readonly db: Db,
    private readonly isClosed: (ticket: Ticket) => boolean,
  ) {}

  /** Calls `listener` after every close from now on; returns the function that stops it. */
  add(listener: ClosedListener<Ticket>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The ticket was just marked closed. */
  announce(ticket: Ticket): void {
    if (!this.db.inTransaction) return this.tell(ticket);
    // better-sqlite3 transactions are synchronous: by the next microtask this one has committed or rolled back.
    queueMicrotask(() => {
      if (this.db.open && this.isClosed(ticket)) this.tell(ticket);
    });
  }

  private tell(ticket: Ticket): void {
    for (const listener of this.listeners) listener(ticket);
  }
}
