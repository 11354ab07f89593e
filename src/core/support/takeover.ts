import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import type { Ticket } from '../tickets/store.js';

/** Whether the bot answers in a ticket, and if not, why. */
export type BotMode =
  | { kind: 'answering' }
  | { kind: 'paused'; reason: 'staff-replied' | 'command'; by: string | null; at: number };

interface ModeRow {
  bot_paused: number;
  paused_reason: 'staff-replied' | 'command' | null;
  paused_by: string | null;
  paused_at: number | null;
}

/**
 * Staff taking a ticket over: once a staff member writes in a ticket (or runs /ai_pause) the bot
 * stops answering there, so member and staff are not talked over, until staff run /ai_resume.
 */
export class StaffTakeover {
  private readonly selectMode: Statement<[number], ModeRow>;
  private readonly pauseStmt: Statement<[number, string, string, string | null, number]>;
  private readonly pauseIfAnswering: Statement<[number, string, string, string | null, number]>;
  private readonly resumeStmt: Statement<[number]>;

  constructor(db: Db) {
    this.selectMode = db.prepare('SELECT bot_paused, paused_reason, paused_by, paused_at FROM ticket_support WHERE ticket_id = ?');
    const upsert = `INSERT INTO ticket_support (ticket_id, guild_id, bot_paused, paused_reason, paused_by, paused_at) VALUES (?, ?, 1, ?, ?, ?)
      ON CONFLICT (ticket_id) DO UPDATE SET bot_paused = 1, paused_reason = excluded.paused_reason, paused_by = excluded.paused_by,
        paused_at = excluded.paused_at`;
    this.pauseStmt = db.prepare(upsert);
    // A staff message while already paused keeps the first reason (who paused, and how).
    this.pauseIfAnswering = db.prepare(`${upsert} WHERE ticket_support.bot_paused = 0`);
    this.resumeStmt = db.prepare('UPDATE ticket_support SET bot_paused = 0, paused_reason = NULL, paused_by = NULL, paused_at = NULL WHERE ticket_id = ?');
  }

  mode(ticketId: number): BotMode {
    const row = this.selectMode.get(ticketId);
    if (!row || row.bot_paused === 0) return { kind: 'answering' };
    return { kind: 'paused', reason: row.paused_reason ?? 'command', by: row.paused_by, at: row.paused_at ?? 0 };
  }

  isPaused(ticketId: number): boolean {
    return this.mode(ticketId).kind === 'paused';
  }

  /** A staff member wrote in the ticket: the bot steps back there. */
  staffReplied(ticket: Ticket, staffId: string, now = Date.now()): void {
    this.pauseIfAnswering.run(ticket.id, ticket.guildId, 'staff-replied', staffId, now);
  }

  /** /ai_pause */
  pause(ticket: Ticket, by: string, now = Date.now()): void {
    requireOpen(ticket);
    if (this.isPaused(ticket.id)) throw new UserError('The bot is already paused in this ticket. `/ai_resume` lets it answer again.');
    this.pauseStmt.run(ticket.id, ticket.guildId, 'command', by, now);
  }

  /** /ai_resume */
  resume(ticket: Ticket): void {
    requireOpen(ticket);
    if (!this.isPaused(ticket.id)) throw new UserError('The bot is already answering in this ticket.');
    this.resumeStmt.run(ticket.id);
  }
}

function requireOpen(ticket: Ticket): void {
  if (ticket.status === 'closed') throw new UserError('This ticket is closed.');
}
