import type { Db } from '../../db/database.js';
import type { KnowledgeStore } from '../knowledge/store.js';
import type { ResponderSupport } from '../responder.js';
import type { Ticket, TicketStore } from '../tickets/store.js';
import type { TrainingStore } from '../training/store.js';
import { AnswerFeedback } from './answer-feedback.js';
import { Handoffs, type PendingHandoff } from './handoff.js';
import { KnowledgeGaps } from './knowledge-gaps.js';
import { StaleTickets } from './stale-tickets.js';
import { TrainingSuggestions } from './suggestions.js';
import { StaffTakeover, type BotMode } from './takeover.js';
import { TicketStats } from './ticket-stats.js';
import { Transcripts } from './transcript.js';
import { AnswerVotes } from './votes.js';

/** Who a ticket is waiting for, for /ticket_info. */
export interface TicketMode {
  bot: BotMode;
  handoff: PendingHandoff | undefined;
}

/**
 * The support desk around the bot's answers: staff takeover and hand-offs, members' feedback,
 * training suggestions, analytics, stale tickets and transcripts. One object over one database.
 */
export class SupportDesk {
  readonly takeover: StaffTakeover;
  readonly handoffs: Handoffs;
  readonly votes: AnswerVotes;
  readonly gaps: KnowledgeGaps;
  readonly suggestions: TrainingSuggestions;
  readonly feedback: AnswerFeedback;
  readonly stats: TicketStats;
  readonly stale: StaleTickets;
  readonly transcripts: Transcripts;
  readonly responderSupport: ResponderSupport;

  constructor(
    private readonly db: Db,
    deps: { tickets: TicketStore; training: TrainingStore; knowledge: KnowledgeStore },
    options: { staleTicketHours: number },
  ) {
    this.takeover = new StaffTakeover(db);
    this.handoffs = new Handoffs(db);
    this.votes = new AnswerVotes(db);
    this.gaps = new KnowledgeGaps(db);
    this.suggestions = new TrainingSuggestions(db, deps.training);
    this.feedback = new AnswerFeedback(db, { tickets: deps.tickets, votes: this.votes, handoffs: this.handoffs, suggestions: this.suggestions });
    this.stats = new TicketStats(db, this.gaps);
    this.stale = new StaleTickets(db, options.staleTicketHours);
    this.transcripts = new Transcripts(deps);
    this.responderSupport = {
      isPaused: (ticketId) => this.takeover.isPaused(ticketId),
      recordMatch: (userTurnId, answer) => {
        const matched = answer.source.kind === 'trained' || answer.trainingEntries.length > 0 || answer.kbEntries.length > 0;
        this.gaps.record(userTurnId, answer.score, matched);
      },
      staffWrote: (ticket, staffId) => this.staffWrote(ticket, staffId),
      requestHandoff: (ticket, reason) => this.handoffs.request(ticket, reason),
      handoffPending: (ticketId) => this.handoffs.pending(ticketId) !== undefined,
    };
  }

  /**
   * A staff member wrote in a ticket: the bot steps back, and the hand-off (if any) is answered.
   * True when a hand-off was waiting for staff.
   */
  staffWrote(ticket: Ticket, staffId: string, now = Date.now()): boolean {
    return this.db.transaction(() => {
      this.takeover.staffReplied(ticket, staffId, now);
      return this.handoffs.staffAnswered(ticket.id);
    })();
  }

  mode(ticketId: number): TicketMode {
    return { bot: this.takeover.mode(ticketId), handoff: this.handoffs.pending(ticketId) };
  }
}
