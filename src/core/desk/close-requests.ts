import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import type { Ticket } from '../tickets/store.js';
import type { TicketClaims } from './claims.js';

/** Why a ticket closed when the member never answered the close request. */
export const CLOSE_REQUEST_REASON = 'no answer to the close request';

/**
 * A close request still stands while the member has neither pressed Keep open nor written in the ticket since it was
 * made. Staff ask because the ticket looks done; a member who writes again ("it still fails") says it is not, and the
 * request must not close the ticket under that new question (it is then left to the stale rule, which waits for the
 * ticket to go quiet). Read from the stored turns, so every path that stores a member's message withdraws it.
 */
const STANDING = `close_requested_at IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM ticket_turns AS turn
  WHERE turn.ticket_id = tickets.id AND turn.role = 'user' AND turn.author_id = tickets.owner_id AND turn.created_at > tickets.close_requested_at)`;

/** Staff ask the member to confirm a ticket can close; unanswered, it closes after the stale delay. */
export class CloseRequests {
  private readonly setRequest: Statement<[number | null, string | null, number]>;
  private readonly selectRequest: Statement<[number], { close_requested_at: number | null }>;
  private readonly selectMade: Statement<[number], { close_requested_at: number | null }>;
  private readonly selectDue: Statement<[number], { guild_id: string; thread_id: string }>;

  constructor(
    db: Db,
    private readonly claims: TicketClaims,
  ) {
    this.setRequest = db.prepare('UPDATE tickets SET close_requested_at = ?, close_requested_by = ? WHERE id = ?');
    this.selectRequest = db.prepare(`SELECT close_requested_at FROM tickets WHERE id = ? AND ${STANDING}`);
    this.selectMade = db.prepare('SELECT close_requested_at FROM tickets WHERE id = ?');
    this.selectDue = db.prepare(`SELECT guild_id, thread_id FROM tickets WHERE status = 'open' AND ${STANDING} AND close_requested_at <= ? ORDER BY id`);
  }

  request(guildId: string, threadId: string, staffId: string, now = Date.now()): Ticket {
    const ticket = this.claims.requireOpen(guildId, threadId);
    if (this.pending(ticket.id)) throw new UserError('The member has already been asked to confirm closing this ticket.');
    this.setRequest.run(now, staffId, ticket.id);
    return ticket;
  }

  /** The member kept the ticket open (or closed it): the request is withdrawn. False when none was made. */
  cancel(ticketId: number): boolean {
    if (!this.made(ticketId)) return false;
    this.setRequest.run(null, null, ticketId);
    return true;
  }

  /**
   * A request was made and the member has not answered it with Keep open: its buttons still work, even after the
   * member wrote ("thanks, it works") and so stopped it from closing the ticket by itself.
   */
  made(ticketId: number): boolean {
    return this.selectMade.get(ticketId)?.close_requested_at != null;
  }

  /** A request stands (it closes the ticket when due): made, and neither withdrawn nor followed by a message of the member. */
  pending(ticketId: number): boolean {
    return this.selectRequest.get(ticketId)?.close_requested_at != null;
  }

  /** Open tickets whose close request is older than `delayMs`. */
  due(now: number, delayMs: number): { guildId: string; threadId: string }[] {
    return this.selectDue.all(now - delayMs).map((r) => ({ guildId: r.guild_id, threadId: r.thread_id }));
  }
}
