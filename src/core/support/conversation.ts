import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { toTicket, toTurn, type Ticket, type TicketRow, type Turn, type TurnRow } from '../tickets/store.js';

/** A turn with the ticket it belongs to. */
export interface TicketTurn {
  ticket: Ticket;
  turn: Turn;
}

/**
 * Look-ups across a ticket's conversation that the support desk needs (a turn by id or by its
 * Discord message, the member question an answer replied to); always within one guild.
 */
export class Conversations {
  private readonly selectTurn: Statement<[number, string], TurnRow>;
  private readonly selectTurnByMessage: Statement<[string, string], TurnRow>;
  private readonly selectTicket: Statement<[number, string], TicketRow>;
  private readonly selectQuestionBefore: Statement<[number, number], TurnRow>;
  private readonly selectQuestionAt: Statement<[number, number], TurnRow>;
  private readonly selectAll: Statement<[number], TurnRow>;

  constructor(db: Db) {
    this.selectTurn = db.prepare('SELECT tt.* FROM ticket_turns tt JOIN tickets t ON t.id = tt.ticket_id WHERE tt.id = ? AND t.guild_id = ?');
    this.selectTurnByMessage = db.prepare(
      'SELECT tt.* FROM ticket_turns tt JOIN tickets t ON t.id = tt.ticket_id WHERE tt.message_id = ? AND t.guild_id = ?',
    );
    this.selectTicket = db.prepare('SELECT * FROM tickets WHERE id = ? AND guild_id = ?');
    this.selectQuestionBefore = db.prepare(
      "SELECT * FROM ticket_turns WHERE ticket_id = ? AND role = 'user' AND id < ? ORDER BY id DESC LIMIT 1",
    );
    this.selectQuestionAt = db.prepare(
      "SELECT * FROM ticket_turns WHERE ticket_id = ? AND role = 'user' AND created_at <= ? ORDER BY id DESC LIMIT 1",
    );
    this.selectAll = db.prepare('SELECT * FROM ticket_turns WHERE ticket_id = ? ORDER BY id');
  }

  /** A turn of this guild by id, with its ticket; undefined for another guild's turn. */
  turn(guildId: string, turnId: number): TicketTurn | undefined {
    return this.withTicket(guildId, this.selectTurn.get(turnId, guildId));
  }

  /** The turn stored for a Discord message (a member's or staff message, or a bot answer's last part). */
  turnByMessage(guildId: string, messageId: string): TicketTurn | undefined {
    return this.withTicket(guildId, this.selectTurnByMessage.get(messageId, guildId));
  }

  /** The member's latest message before a turn: the question that turn answered. */
  questionBefore(ticketId: number, turnId: number): Turn | undefined {
    const row = this.selectQuestionBefore.get(ticketId, turnId);
    return row && toTurn(row);
  }

  /** The member's latest message stored at or before a time (for messages that are not turns). */
  questionAt(ticketId: number, at: number): Turn | undefined {
    const row = this.selectQuestionAt.get(ticketId, at);
    return row && toTurn(row);
  }

  /** Every turn of a ticket, oldest first. */
  all(ticketId: number): Turn[] {
    return this.selectAll.all(ticketId).map(toTurn);
  }

  private withTicket(guildId: string, row: TurnRow | undefined): TicketTurn | undefined {
    if (!row) return undefined;
    const ticket = this.selectTicket.get(row.ticket_id, guildId);
    return ticket && { ticket: toTicket(ticket), turn: toTurn(row) };
  }
}
