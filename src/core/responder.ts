import type { AnswerThresholds } from './answer-thresholds.js';
import type { Logger } from '../log.js';
import { buildChatMessages } from './ai/prompt.js';
import { AiUnavailableError, type AiFailureKind, type ChatMessage } from './ai/ollama.js';
import { KeyedSerialQueue } from './keyed-serial-queue.js';
import type { KnowledgeStore } from './knowledge/store.js';
import type { MatchCandidate, Matcher } from './matching/matcher.js';
import type { SemanticIndex } from './matching/semantic-index.js';
import { Retrieval, type KnowledgeHit } from './retrieval.js';
import type { StatCounters } from './stats/counters.js';
import type { AnswerSource, Ticket, TicketStore } from './tickets/store.js';
import type { ResponderSupport } from './support/support-desk.js';
import type { TrainingStore } from './training/store.js';

/** The slice of the Ollama service the responder needs (a fake or a recording stand-in fits too). */
export interface AiChat {
  readonly model: string;
  chat(messages: ChatMessage[], opts?: { signal?: AbortSignal; onQueued?: (position: number) => void }): AsyncIterable<string>;
}

export interface ResponderSettings {
  /** Confidence and similarity thresholds, each with one meaning (see AnswerThresholds). */
  thresholds: AnswerThresholds;
  maxContextChars: number;
  /** false: messages are stored but not answered (ENABLE_AUTO_RESPONSE). */
  autoRespond: boolean;
}

export interface ResponderDeps {
  training: TrainingStore;
  knowledge: KnowledgeStore;
  tickets: TicketStore;
  counters: StatCounters;
  matcher: Matcher;
  ai: AiChat;
  logger: Logger;
  settings: ResponderSettings;
  /** Staff takeover and knowledge-gap records; tools that only preview answers leave it out. */
  support?: ResponderSupport;
  /** Embedding search (OLLAMA_EMBED_MODEL) fused with the words; without it, the words alone. */
  semantic?: Pick<SemanticIndex, 'matchHybridBest' | 'similarKnowledge'>;
}

export interface TicketMessage {
  guildId: string;
  threadId: string;
  authorId: string;
  messageId: string | null;
  content: string;
  /** The message had no text (only files, stickers or embeds): kept, not answered. */
  textless?: boolean;
  /** Staff messages are stored as staff turns and never answered by the bot. */
  fromStaff: boolean;
}

/** What the bot decided to say, and why. */
export interface Answer {
  text: string;
  source: AnswerSource;
  /** Score of the best trained entry (0 when none matched). */
  score: number;
  trainingEntries: MatchCandidate[];
  kbEntries: KnowledgeHit[];
  /** The stored bot turn; undefined for previews. */
  turnId?: number;
}

export interface AnswerProgress {
  /**
   * The answer waits behind others, 1-based position: behind this ticket's earlier messages (whose
   * answers the member sees coming first), or in the AI queue behind other tickets.
   */
  onQueued?: (position: number, behind: 'earlier-messages' | 'other-tickets') => void;
  /** An AI answer is being written: the whole text so far. */
  onText?: (textSoFar: string) => void;
}

export type HandleResult =
  | { kind: 'answered'; ticket: Ticket; answer: Answer }
  | { kind: 'stored'; ticket: Ticket; reason: 'staff'; /** A staff hand-off was waiting and is now answered. */ handoffAnswered: boolean }
  | { kind: 'stored'; ticket: Ticket; reason: 'auto-response-off' | 'empty' | 'paused' }
  | { kind: 'ignored'; reason: 'not-a-ticket' | 'ticket-closed' };

export const FALLBACK_TEXT =
  "I couldn't find an answer to this in what I've been taught, and the AI assistant is unavailable right now. " +
  'A staff member will follow up here as soon as they can.';
export const AI_UNAVAILABLE_NOTE = '*The AI assistant is unavailable right now, so here is the closest answer from this server’s help entries:*';
export const CUT_OFF_NOTE = '*(This answer was cut off before it was finished. A staff member will follow up if it does not help.)*';

/**
 * The message flow of a ticket: store the message → match trained questions → post the trained
 * answer, or ask the AI with this guild's entries and the ticket's own conversation → store the
 * answer with its source. One answer at a time per ticket; never throws for an AI outage.
 */
export class Responder {
  private readonly lanes = new KeyedSerialQueue();
  private readonly retrieval: Retrieval;
  private lastAiFailure: AiFailureKind | undefined;

  constructor(private readonly deps: ResponderDeps) {
    this.retrieval = new Retrieval({ ...deps, knowledgeSimilarityThreshold: deps.settings.thresholds.knowledgeSimilarity });
  }

  /** Stores a ticket message and, when it is the bot's to answer, answers it. */
  async handleMessage(message: TicketMessage, progress: AnswerProgress = {}): Promise<HandleResult> {
    const { tickets, counters, settings } = this.deps;
    const ticket = tickets.getByThread(message.guildId, message.threadId);
    if (!ticket) return { kind: 'ignored', reason: 'not-a-ticket' };
    if (ticket.status === 'closed') return { kind: 'ignored', reason: 'ticket-closed' };

    const turn = tickets.addTurn(ticket.id, {
      role: message.fromStaff ? 'staff' : 'user',
      authorId: message.authorId,
      messageId: message.messageId,
      content: message.content,
    });
    counters.increment(message.guildId, 'messages_received');
    if (message.fromStaff) {
      // Paused in the same synchronous step that stores the turn: a member message right behind
      // it cannot slip through to the bot.
      const handoffAnswered = this.deps.support?.staffWrote(ticket, message.authorId) ?? false;
      return { kind: 'stored', ticket, reason: 'staff', handoffAnswered };
    }
    if (this.deps.support?.isPaused(ticket.id)) return { kind: 'stored', ticket, reason: 'paused' };
    if (!settings.autoRespond) return { kind: 'stored', ticket, reason: 'auto-response-off' };
    if (message.textless || message.content.trim() === '') return { kind: 'stored', ticket, reason: 'empty' };

    const ahead = this.lanes.size(ticket.threadId);
    if (ahead > 0) progress.onQueued?.(ahead, 'earlier-messages');
    const answer = await this.lanes.run(ticket.threadId, () => this.answerTurn(ticket, turn.id, message.content, progress));
    return { kind: 'answered', ticket, answer };
  }

  /** What the bot would answer in this guild, and why, without storing anything (/test_ai). */
  async preview(guildId: string, text: string, progress: AnswerProgress = {}): Promise<Answer> {
    return this.decide(guildId, text, [{ role: 'user', content: text }], progress);
  }

  /** Waits for in-flight answers (shutdown); true when all finished within the time. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.lanes.drain(timeoutMs);
  }

  inFlight(): number {
    return this.lanes.totalSize();
  }

  private async answerTurn(ticket: Ticket, turnId: number, text: string, progress: AnswerProgress): Promise<Answer> {
    const { tickets, training, counters, settings } = this.deps;
    // Only this ticket's turns, and none of the member's messages that came after this one (they
    // wait their turn). Answers to earlier messages may be newer than this turn: the message being
    // answered goes last, where the model expects the question.
    const conversation = tickets
      .recentTurns(ticket.id, settings.maxContextChars * 2)
      .filter((t) => t.id !== turnId && !(t.role === 'user' && t.id > turnId))
      .map((t) => ({ role: t.role, content: t.content }));
    conversation.push({ role: 'user', content: text });
    const answer = await this.decide(ticket.guildId, text, conversation, progress);
    this.deps.support?.recordMatch(turnId, answer);

    if (answer.source.kind === 'trained') training.recordUse(ticket.guildId, answer.source.trainingEntryId);
    counters.increment(ticket.guildId, `answered_${answer.source.kind}`);
    const stored = tickets.addTurn(ticket.id, { role: 'bot', content: answer.text, source: answer.source });
    return { ...answer, turnId: stored.id };
  }

  private async decide(
    guildId: string,
    text: string,
    conversation: { role: 'user' | 'bot' | 'staff'; content: string }[],
    progress: AnswerProgress,
  ): Promise<Answer> {
    const { settings } = this.deps;
    const matches = await this.retrieval.trainedMatches(guildId, text);
    const best = matches[0];
    const score = best?.score ?? 0;
    if (best && score >= settings.thresholds.trainedAnswer) {
      return {
        text: best.answer,
        source: { kind: 'trained', trainingEntryId: best.entryId, score },
        score,
        trainingEntries: [best],
        kbEntries: [],
      };
    }
    const trainingEntries = matches.filter((m) => m.score >= settings.thresholds.trainingContext);
    const kbEntries = await this.retrieval.knowledge(guildId, text);
    return this.askAi(guildId, conversation, { score, trainingEntries, kbEntries }, progress);
  }

  private async askAi(
    guildId: string,
    conversation: { role: 'user' | 'bot' | 'staff'; content: string }[],
    context: { score: number; trainingEntries: MatchCandidate[]; kbEntries: KnowledgeHit[] },
    progress: AnswerProgress,
  ): Promise<Answer> {
    const { ai, settings } = this.deps;
    const messages = buildChatMessages({
      trainingEntries: context.trainingEntries.map((e) => ({ id: e.entryId, question: e.question, answer: e.answer })),
      kbEntries: context.kbEntries.map((e) => ({ id: e.entryId, kbName: e.kbName, title: e.title, content: e.content })),
      conversation,
      maxContextChars: settings.maxContextChars,
    });
    const used = {
      trainingEntryIds: context.trainingEntries.map((e) => e.entryId),
      kbEntryIds: context.kbEntries.map((e) => e.entryId),
    };
    let text = '';
    try {
      const onQueued = progress.onQueued && ((position: number) => progress.onQueued?.(position, 'other-tickets'));
      for await (const chunk of ai.chat(messages, { onQueued })) {
        text += chunk;
        progress.onText?.(text);
      }
      this.noteAiRecovered();
      if (text.trim() === '') throw new AiUnavailableError('error', 'the model returned an empty answer');
      return { ...context, text, source: { kind: 'ai', model: ai.model, ...used, complete: true } };
    } catch (error) {
      const kind = this.noteAiFailure(guildId, error);
      if (text.trim() !== '') {
        // Keep what the member already saw, but never let a cut answer look complete.
        return { ...context, text: `${text}\n\n${CUT_OFF_NOTE}`, source: { kind: 'ai', model: ai.model, ...used, complete: false } };
      }
      return this.fallback(kind, context);
    }
  }

  /** AI unavailable: the closest entry at or above TRAINING_CONTEXT_THRESHOLD with a note, else a polite hand-off. */
  private fallback(kind: AiFailureKind, context: { score: number; trainingEntries: MatchCandidate[]; kbEntries: KnowledgeHit[] }): Answer {
    const training = context.trainingEntries[0];
    const kb = context.kbEntries[0];
    if (training) {
      return {
        ...context,
        text: `${AI_UNAVAILABLE_NOTE}\n\n${training.answer}`,
        source: { kind: 'knowledge', trainingEntryId: training.entryId, kbEntryIds: [], score: training.score },
      };
    }
    if (kb) {
      return {
        ...context,
        text: `${AI_UNAVAILABLE_NOTE}\n\n**${kb.title}**\n${kb.content}`,
        source: { kind: 'knowledge', kbEntryIds: [kb.entryId], score: kb.score },
      };
    }
    return { ...context, text: FALLBACK_TEXT, source: { kind: 'fallback', reason: kind } };
  }

  /** Logs an outage once when it starts (or changes), not for every message while it lasts. */
  private noteAiFailure(guildId: string, error: unknown): AiFailureKind {
    const kind: AiFailureKind = error instanceof AiUnavailableError ? error.kind : 'error';
    this.deps.counters.increment(guildId, 'ai_errors');
    if (this.lastAiFailure !== kind) {
      this.deps.logger.warn({ kind, err: error }, 'AI answer failed; answering from training and knowledge bases until Ollama recovers');
      this.lastAiFailure = kind;
    }
    return kind;
  }

  private noteAiRecovered(): void {
    if (this.lastAiFailure) {
      this.deps.logger.info('Ollama answers again');
      this.lastAiFailure = undefined;
    }
  }
}
