import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { SOLVED_REASON } from './answer-feedback.js';
import type { KnowledgeGap, KnowledgeGaps, TimeRange } from './knowledge-gaps.js';

export type StatsPeriod = 'day' | 'week' | 'month' | 'quarter' | 'all';

const DAY_MS = 24 * 60 * 60 * 1000;
const PERIOD_MS: Record<StatsPeriod, number> = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS, quarter: 90 * DAY_MS, all: Number.POSITIVE_INFINITY };

/** Answers given in the period, by who or what gave them. */
export interface AnswerCounts {
  /** Trained answers, including a trained answer shown while the AI was unavailable. */
  training: number;
  /** A knowledge-base entry shown while the AI was unavailable. */
  knowledgeBase: number;
  ai: number;
  /** Staff messages in tickets. */
  staff: number;
  total: number;
  /** Not in the total: "staff will follow up" when the bot had nothing to say. */
  fallbacks: number;
}

export interface TicketStatsReport {
  period: StatsPeriod;
  range: TimeRange;
  opened: number;
  closed: number;
  /** Over tickets opened in the period that got an answer (bot, not a fallback, or staff). */
  medianFirstAnswerMs: number | null;
  /** Over tickets closed in the period. */
  medianCloseMs: number | null;
  answers: AnswerCounts;
  /** Closed tickets the member marked solved, or that no staff member had to write in. */
  deflected: number;
  /** deflected / closed; null with nothing closed. */
  deflectionRate: number | null;
  votes: { helpful: number; notHelpful: number };
  knowledgeGaps: KnowledgeGap[];
}

type Params = { guildId: string; since: number; until: number };

/** One UTC day of the dashboard's chart. */
export interface DailyTicketCounts {
  /** YYYY-MM-DD (UTC). */
  day: string;
  opened: number;
  /** Answers given that day, by who or what gave them (as in AnswerCounts; fallbacks not counted). */
  training: number;
  ai: number;
  staff: number;
}

/** The value below which `share` of the values fall (nearest rank); null for none. */
export function percentile(values: readonly number[], share: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** part / total, or null when there is nothing to share. */
export function shareOf(part: number, total: number): number | null {
  return total > 0 ? part / total : null;
}

/** /ticket_stats: every figure computed from the stored tickets, turns and votes of one server. */
export class TicketStats {
  private readonly countOpened: Statement<[Params], { n: number }>;
  private readonly firstAnswerDelays: Statement<[Params], { delay: number | null }>;
  private readonly closeDurations: Statement<[Params], { duration: number }>;
  private readonly answersBySource: Statement<[Params], { role: string; source_kind: string | null; from_training: number; n: number }>;
  private readonly deflection: Statement<[Params & { solved: string }], { deflected: number | null }>;
  private readonly voteCounts: Statement<[Params], { helpful: number | null; not_helpful: number | null }>;
  private readonly openedByDay: Statement<[Params], { day: number; n: number }>;
  private readonly answersByDay: Statement<[Params], { day: number; role: string; source_kind: string | null; from_training: number; n: number }>;

  constructor(
    db: Db,
    private readonly gaps: KnowledgeGaps,
  ) {
    this.countOpened = db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE guild_id = @guildId AND opened_at BETWEEN @since AND @until');
    this.firstAnswerDelays = db.prepare(
      `SELECT (SELECT MIN(tt.created_at) FROM ticket_turns tt
               WHERE tt.ticket_id = t.id AND tt.created_at <= @until
                 AND (tt.role = 'staff' OR (tt.role = 'bot' AND tt.source_kind IS NOT 'fallback'))) - t.opened_at AS delay
       FROM tickets t WHERE t.guild_id = @guildId AND t.opened_at BETWEEN @since AND @until`,
    );
    // One row per ticket closed in the period: also their count.
    this.closeDurations = db.prepare(
      'SELECT closed_at - opened_at AS duration FROM tickets WHERE guild_id = @guildId AND closed_at BETWEEN @since AND @until',
    );
    this.answersBySource = db.prepare(
      `SELECT tt.role, tt.source_kind, tt.training_entry_id IS NOT NULL AS from_training, COUNT(*) AS n
       FROM ticket_turns tt JOIN tickets t ON t.id = tt.ticket_id
       WHERE t.guild_id = @guildId AND tt.role IN ('bot', 'staff') AND tt.created_at BETWEEN @since AND @until
       GROUP BY 1, 2, 3`,
    );
    this.deflection = db.prepare(
      `SELECT SUM(t.close_reason IS @solved OR NOT EXISTS (SELECT 1 FROM ticket_turns tt WHERE tt.ticket_id = t.id AND tt.role = 'staff')) AS deflected
       FROM tickets t WHERE t.guild_id = @guildId AND t.closed_at BETWEEN @since AND @until`,
    );
    this.voteCounts = db.prepare(
      `SELECT SUM(vote = 'helpful') AS helpful, SUM(vote = 'not_helpful') AS not_helpful
       FROM answer_votes WHERE guild_id = @guildId AND created_at BETWEEN @since AND @until`,
    );
    this.openedByDay = db.prepare(
      `SELECT opened_at / ${DAY_MS} AS day, COUNT(*) AS n FROM tickets
       WHERE guild_id = @guildId AND opened_at BETWEEN @since AND @until GROUP BY 1`,
    );
    this.answersByDay = db.prepare(
      `SELECT tt.created_at / ${DAY_MS} AS day, tt.role, tt.source_kind, tt.training_entry_id IS NOT NULL AS from_training, COUNT(*) AS n
       FROM ticket_turns tt JOIN tickets t ON t.id = tt.ticket_id
       WHERE t.guild_id = @guildId AND tt.role IN ('bot', 'staff') AND tt.created_at BETWEEN @since AND @until
       GROUP BY 1, 2, 3, 4`,
    );
  }

  /** Tickets opened and answers given on each of the last `days` UTC days up to `now`, oldest first (days with nothing included). */
  daily(guildId: string, days: number, now = Date.now()): DailyTicketCounts[] {
    const lastDay = Math.floor(now / DAY_MS);
    const firstDay = lastDay - days + 1;
    const params = { guildId, since: firstDay * DAY_MS, until: now };
    const out = Array.from({ length: days }, (_, i) => ({
      day: new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10),
      opened: 0,
      training: 0,
      ai: 0,
      staff: 0,
    }));
    for (const row of this.openedByDay.all(params)) out[row.day - firstDay]!.opened += row.n;
    for (const row of this.answersByDay.all(params)) {
      const slot = out[row.day - firstDay]!;
      if (row.role === 'staff') slot.staff += row.n;
      else if (row.source_kind === 'trained' || (row.source_kind === 'knowledge' && row.from_training)) slot.training += row.n;
      else if (row.source_kind === 'ai') slot.ai += row.n;
    }
    return out;
  }

  /** The report for the period ending at `now`. */
  report(guildId: string, period: StatsPeriod, now = Date.now()): TicketStatsReport {
    const range = { since: period === 'all' ? 0 : now - PERIOD_MS[period], until: now };
    const params = { guildId, ...range };
    const closeDurations = this.closeDurations.all(params).map((r) => r.duration);
    const closed = closeDurations.length;
    const deflected = this.deflection.get({ ...params, solved: SOLVED_REASON })?.deflected ?? 0;
    const votes = this.voteCounts.get(params);
    const firstAnswerDelays = this.firstAnswerDelaysIn(params);
    return {
      period,
      range,
      opened: this.countOpened.get(params)?.n ?? 0,
      closed,
      medianFirstAnswerMs: median(firstAnswerDelays),
      medianCloseMs: median(closeDurations),
      answers: this.answerCounts(params),
      deflected,
      deflectionRate: shareOf(deflected, closed),
      votes: { helpful: votes?.helpful ?? 0, notHelpful: votes?.not_helpful ?? 0 },
      knowledgeGaps: this.gaps.top(guildId, range, 10),
    };
  }

  /** How long each ticket opened in the range waited for its first answer (bot, not a fallback, or staff); unanswered ones left out. */
  firstAnswerDelaysIn(params: Params): number[] {
    return this.firstAnswerDelays
      .all(params)
      .map((r) => r.delay)
      .filter((d): d is number => d !== null);
  }

  private answerCounts(params: Params): AnswerCounts {
    const counts: AnswerCounts = { training: 0, knowledgeBase: 0, ai: 0, staff: 0, total: 0, fallbacks: 0 };
    for (const row of this.answersBySource.all(params)) {
      if (row.role === 'staff') counts.staff += row.n;
      else if (row.source_kind === 'trained' || (row.source_kind === 'knowledge' && row.from_training)) counts.training += row.n;
      else if (row.source_kind === 'knowledge') counts.knowledgeBase += row.n;
      else if (row.source_kind === 'ai') counts.ai += row.n;
      else if (row.source_kind === 'fallback') counts.fallbacks += row.n;
    }
    counts.total = counts.training + counts.knowledgeBase + counts.ai + counts.staff;
    return counts;
  }
}
