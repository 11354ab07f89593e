import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { normalisedWords } from '../text/normalise.js';

/** A question members asked that no trained or knowledge-base entry matched. */
export interface KnowledgeGap {
  /** The latest wording asked. */
  question: string;
  count: number;
  lastAskedAt: number;
}

export interface TimeRange {
  since: number;
  until: number;
}

/**
 * How well each member question matched what the server taught the bot. Questions nothing
 * matched are the knowledge gaps: what staff should train next.
 */
export class KnowledgeGaps {
  private readonly recordStmt: Statement<[number | null, number, number]>;
  private readonly selectUnmatched: Statement<[{ guildId: string; since: number; until: number }], { content: string; created_at: number }>;

  constructor(db: Db) {
    this.recordStmt = db.prepare("UPDATE ticket_turns SET match_score = ?, unmatched = ? WHERE id = ? AND role = 'user'");
    this.selectUnmatched = db.prepare(
      `SELECT tt.content, tt.created_at FROM ticket_turns tt JOIN tickets t ON t.id = tt.ticket_id
       WHERE t.guild_id = @guildId AND tt.role = 'user' AND tt.unmatched = 1 AND tt.created_at BETWEEN @since AND @until
       ORDER BY tt.id`,
    );
  }

  /** Notes, on the member's turn, the best trained score and whether any entry came close. */
  record(userTurnId: number, bestScore: number, matched: boolean): void {
    this.recordStmt.run(bestScore, matched ? 0 : 1, userTurnId);
  }

  /** The most often asked unmatched questions in a time range, most frequent first. */
  top(guildId: string, range: TimeRange, limit = 10): KnowledgeGap[] {
    const groups = new Map<string, KnowledgeGap>();
    for (const row of this.selectUnmatched.iterate({ guildId, ...range })) {
      // The same question asked twice, case, spacing and punctuation aside; a message without words is no question to train.
      const key = normalisedWords(row.content);
      if (key === '') continue;
      const group = groups.get(key);
      if (group) Object.assign(group, { question: row.content, count: group.count + 1, lastAskedAt: row.created_at });
      else groups.set(key, { question: row.content, count: 1, lastAskedAt: row.created_at });
    }
    return [...groups.values()].sort((a, b) => b.count - a.count || b.lastAskedAt - a.lastAskedAt).slice(0, limit);
  }
}
