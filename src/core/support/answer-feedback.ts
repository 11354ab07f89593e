import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import type { TicketStore, TicketTurn } from '../tickets/store.js';
import type { Handoffs } from './handoff.js';
import type { TrainingSuggestions } from './suggestions.js';
import type { AnswerVotes } from './votes.js';

/** The close reason of a ticket the member marked solved from an answer's button. */
export const SOLVED_REASON = 'solved by member';

export interface FeedbackResult extends TicketTurn {
  /** Staff should be pinged now (the first hand-off since staff last wrote). */
  pingStaff: boolean;
}

/**
 * A member's reaction to a bot answer, from the buttons under it: Solved (a helpful vote; an AI
 * answer becomes a training suggestion; the caller closes the ticket), Not helpful (a vote and a
 * hand-off to staff), Talk to staff (a hand-off).
 */
export class AnswerFeedback {
  constructor(
    private readonly db: Db,
    private readonly deps: { tickets: TicketStore; votes: AnswerVotes; handoffs: Handoffs; suggestions: TrainingSuggestions },
  ) {}

  solved(guildId: string, turnId: number, memberId: string, threadId?: string, now = Date.now()): TicketTurn {
    return this.db.transaction(() => {
      const answer = this.answerFor(guildId, turnId, memberId, threadId);
      this.deps.votes.record(answer, memberId, 'helpful', now);
      const source = answer.turn.source;
      if (source?.kind === 'ai' && source.complete) {
        const question = this.deps.tickets.questionBefore(answer.ticket.id, answer.turn.id);
        if (question) {
          this.deps.suggestions.offer(
            { guildId, ticketId: answer.ticket.id, turnId: answer.turn.id, question: question.content, answer: answer.turn.content },
            now,
          );
        }
      }
      return answer;
    })();
  }

  notHelpful(guildId: string, turnId: number, memberId: string, threadId?: string, now = Date.now()): FeedbackResult {
    return this.db.transaction(() => {
      const answer = this.answerFor(guildId, turnId, memberId, threadId);
      this.deps.votes.record(answer, memberId, 'not_helpful', now);
      return { ...answer, pingStaff: this.deps.handoffs.request(answer.ticket, 'not-helpful', now) };
    })();
  }

  talkToStaff(guildId: string, turnId: number, memberId: string, threadId?: string, now = Date.now()): FeedbackResult {
    const answer = this.answerFor(guildId, turnId, memberId, threadId);
    return { ...answer, pingStaff: this.deps.handoffs.request(answer.ticket, 'member', now) };
  }

  /**
   * The bot answer behind a button, checked: this guild, the ticket the button was pressed in
   * (`threadId`, when known), an open ticket, its owner pressing.
   */
  private answerFor(guildId: string, turnId: number, memberId: string, threadId: string | undefined): TicketTurn {
    const answer = this.deps.tickets.turnInGuild(guildId, turnId);
    if (!answer || answer.turn.role !== 'bot') throw new UserError('This answer no longer exists.');
    if (threadId !== undefined && answer.ticket.threadId !== threadId) throw new UserError('This button belongs to another ticket.');
    if (answer.ticket.status === 'closed') throw new UserError('This ticket is closed.');
    if (answer.ticket.ownerId !== memberId) throw new UserError('Only the member who opened this ticket can use these buttons.');
    return answer;
  }
}
