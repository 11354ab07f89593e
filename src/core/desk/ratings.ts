import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import { cleanText, ellipsis } from '../transfer/fields.js';

export const COMMENT_MAX = 500;

export interface RatingGroup {
  /** A type name (null = no type), or a staff member's id. */
  key: string | null;
  count: number;
  average: number;
}

export interface TypeTimes {
  typeName: string | null;
  tickets: number;
  /** Median milliseconds from opening to the first staff message, over tickets staff answered. */
  medianFirstResponseMs: number | null;
  /** Median milliseconds from opening to closing, over closed tickets. */
  medianResolutionMs: number | null;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

/** The member's rating of the help on close (once per ticket), and the desk's figures per type and staff member. */
export class TicketRatings {
  private readonly insert: Statement<[number, string, number, string | null, number]>;
  private readonly existing: Statement<[number], { rating: number }>;
  private readonly setComment: Statement<[string, number]>;
  private readonly selectComment: Statement<[number], { comment: string | null }>;
  private readonly byType: Statement<[string, number], RatingGroup>;
  private readonly byStaff: Statement<[string, number], RatingGroup>;
  private readonly times: Statement<[string, number], { type_name: string | null; opened_at: number; closed_at: number | null; first_staff: number | null }>;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO ticket_ratings (ticket_id, guild_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?)');
    this.existing = db.prepare('SELECT rating FROM ticket_ratings WHERE ticket_id = ?');
    this.setComment = db.prepare('UPDATE ticket_ratings SET comment = ? WHERE ticket_id = ? AND comment IS NULL');
    this.selectComment = db.prepare('SELECT comment FROM ticket_ratings WHERE ticket_id = ?');
    this.byType = db.prepare(
      `SELECT tt.name AS key, COUNT(*) AS count, AVG(r.rating) AS average FROM ticket_ratings r
       JOIN tickets t ON t.id = r.ticket_id LEFT JOIN ticket_types tt ON tt.id = t.type_id
       WHERE r.guild_id = ? AND r.created_at >= ? GROUP BY t.type_id ORDER BY count DESC`,
    );
    // The staff member credited: who claimed the ticket, else who closed it (when not the member).
    this.byStaff = db.prepare(
      `SELECT COALESCE(t.claimed_by, CASE WHEN t.closed_by <> t.owner_id THEN t.closed_by END) AS key, COUNT(*) AS count, AVG(r.rating) AS average
       FROM ticket_ratings r JOIN tickets t ON t.id = r.ticket_id
       WHERE r.guild_id = ? AND r.created_at >= ? AND key IS NOT NULL GROUP BY key ORDER BY count DESC`,
    );
    this.times = db.prepare(
      `SELECT tt.name AS type_name, t.opened_at, t.closed_at,
         (SELECT MIN(created_at) FROM ticket_turns WHERE ticket_id = t.id AND role = 'staff') AS first_staff
       FROM tickets t LEFT JOIN ticket_types tt ON tt.id = t.type_id WHERE t.guild_id = ? AND t.opened_at >= ?`,
    );
  }

  /** Records the member's rating; a second rating of the same ticket is refused. */
  rate(input: { guildId: string; ticketId: number; rating: number; comment?: string | null }, now = Date.now()): void {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw new UserError('A rating is a whole number from 1 to 5.');
    if (this.existing.get(input.ticketId)) throw new UserError('You already rated this ticket. Thank you!');
    const comment = input.comment ? ellipsis(cleanText(input.comment).trim(), COMMENT_MAX) : '';
    this.insert.run(input.ticketId, input.guildId, input.rating, comment || null, now);
  }

  /**
   * The optional comment of the survey sent after a close, given after the one-click rating: only to a rated
   * ticket, once, and never replacing a comment already given.
   */
  addComment(ticketId: number, comment: string): void {
    const row = this.selectComment.get(ticketId);
    if (!row) throw new UserError('Please rate the help (1 to 5) before adding a comment.');
    if (row.comment != null) throw new UserError('You already commented on this ticket. Thank you!');
    const text = ellipsis(cleanText(comment).trim(), COMMENT_MAX);
    if (!text) throw new UserError('The comment is empty; nothing was changed.');
    this.setComment.run(text, ticketId);
  }

  commentOf(ticketId: number): string | null | undefined {
    return this.selectComment.get(ticketId)?.comment;
  }

  ratingOf(ticketId: number): number | undefined {
    return this.existing.get(ticketId)?.rating;
  }

  byTypeSince(guildId: string, since: number): RatingGroup[] {
    return this.byType.all(guildId, since);
  }

  byStaffSince(guildId: string, since: number): RatingGroup[] {
    return this.byStaff.all(guildId, since);
  }

  timesByType(guildId: string, since: number): TypeTimes[] {
    const groups = new Map<string | null, { opened: number; first: number[]; resolved: number[] }>();
    for (const row of this.times.all(guildId, since)) {
      const g = groups.get(row.type_name) ?? { opened: 0, first: [], resolved: [] };
      g.opened += 1;
      if (row.first_staff != null) g.first.push(row.first_staff - row.opened_at);
      if (row.closed_at != null) g.resolved.push(row.closed_at - row.opened_at);
      groups.set(row.type_name, g);
    }
    return [...groups].map(([typeName, g]) => ({
      typeName,
      tickets: g.opened,
      medianFirstResponseMs: median(g.first),
      medianResolutionMs: median(g.resolved),
    }));
  }
}
