import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import type { Ticket, TicketStore } from '../tickets/store.js';

/** What the desk adds to a ticket: its type, privacy and who handles it. */
export interface DeskTicket extends Ticket {
  typeId: number | null;
  private: boolean;
  claimedBy: string | null;
  claimedAt: number | null;
}

/** Who handles a ticket: a staff member claims it, hands it to another, or releases it. */
export class TicketClaims {
  private readonly setClaim: Statement<[string | null, number | null, number]>;
  private readonly setType: Statement<[number, number]>;
  private readonly selectDetails: Statement<[number], { type_id: number | null; private: number; claimed_by: string | null; claimed_at: number | null }>;

  constructor(
    db: Db,
    private readonly tickets: TicketStore,
  ) {
    this.setClaim = db.prepare('UPDATE tickets SET claimed_by = ?, claimed_at = ? WHERE id = ?');
    this.setType = db.prepare('UPDATE tickets SET type_id = ? WHERE id = ?');
    this.selectDetails = db.prepare('SELECT type_id, private, claimed_by, claimed_at FROM tickets WHERE id = ?');
  }

  /** The ticket of a thread with its type, privacy and claim; undefined when the thread is no ticket of this guild. */
  ticket(guildId: string, threadId: string): DeskTicket | undefined {
    const ticket = this.tickets.getByThread(guildId, threadId);
    const row = ticket && this.selectDetails.get(ticket.id);
    return ticket && row && { ...ticket, typeId: row.type_id, private: row.private === 1, claimedBy: row.claimed_by, claimedAt: row.claimed_at };
  }

  claim(guildId: string, threadId: string, staffId: string, now = Date.now()): DeskTicket {
    const ticket = this.requireOpen(guildId, threadId);
    if (ticket.claimedBy === staffId) throw new UserError('You already handle this ticket.');
    if (ticket.claimedBy) throw new UserError(`<@${ticket.claimedBy}> already handles this ticket. They can pass it to you with \`/ticket_transfer\`, or release it with \`/ticket_unclaim\`.`);
    this.setClaim.run(staffId, now, ticket.id);
    return this.ticket(guildId, threadId)!;
  }

  unclaim(guildId: string, threadId: string): DeskTicket {
    const ticket = this.requireOpen(guildId, threadId);
    if (!ticket.claimedBy) throw new UserError('Nobody has claimed this ticket.');
    this.setClaim.run(null, null, ticket.id);
    return this.ticket(guildId, threadId)!;
  }

  /** Hands the ticket to another staff member (claimed or not before). */
  transfer(guildId: string, threadId: string, toStaffId: string, now = Date.now()): DeskTicket {
    const ticket = this.requireOpen(guildId, threadId);
    if (ticket.claimedBy === toStaffId) throw new UserError(`<@${toStaffId}> already handles this ticket.`);
    this.setClaim.run(toStaffId, now, ticket.id);
    return this.ticket(guildId, threadId)!;
  }

  /** Moves the ticket to another type of the same privacy (a public thread cannot become private, nor the reverse). */
  changeType(guildId: string, threadId: string, type: { id: number; name: string; private: boolean }): DeskTicket {
    const ticket = this.requireOpen(guildId, threadId);
    if (ticket.typeId === type.id) throw new UserError(`This ticket already is a “${type.name}” ticket.`);
    if (type.private !== ticket.private) {
      throw new UserError(
        ticket.private
          ? `“${type.name}” is a public type and this ticket is private: it stays private. Pick another private type.`
          : `“${type.name}” is a private type and this ticket is public: everyone could already read it. Ask the member to open a “${type.name}” ticket instead.`,
      );
    }
    this.setType.run(type.id, ticket.id);
    return this.ticket(guildId, threadId)!;
  }

  /** The open ticket of this thread, or a clear refusal (not a ticket, or closed). */
  requireOpen(guildId: string, threadId: string): DeskTicket {
    const ticket = this.ticket(guildId, threadId);
    if (!ticket) throw new UserError('Use this command inside a ticket thread.');
    if (ticket.status !== 'open') throw new UserError('This ticket is closed.');
    return ticket;
  }
}
