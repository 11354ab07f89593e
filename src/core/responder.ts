import type { AnswerThresholds } from './answer-thresholds.js';
import type { Logger } from '../log.js';
import { buildChatMessages, knowledgeReference, trainedReference, type PromptTurn, type ReferenceEntry } from './ai/prompt.js';
import { AiUnavailableError, type AiFailureKind, type AnswerStats, type ChatMessage } from './ai/ollama.js';
import { stripThinking } from './ai/thinking.js';
import { AnswerEndings, type AnswerContext, type UsedReferences } from './answer-endings.js';
import { isHandoff, modelWords, shownSoFar } from './answer-texts.js';
import type { KnowledgeStore } from './knowledge/store.js';
import type { MatchCandidate, Matcher } from './matching/matcher.js';
import type { SemanticIndex } from './matching/semantic-index.js';
import { Retrieval, type KnowledgeHit } from './retrieval.js';
import { TicketLanes } from './ticket-lanes.js';
import type { StatCounters } from './stats/counters.js';
import type { AnswerSource, Ticket, TicketStore } from './tickets/store.js';
import type { HandoffReason } from './support/handoff.js';
import type { TrainingStore } from './training/store.js';

/** The slice of the Ollama service the responder needs (a fake or a recording stand-in fits too). */
export interface AiChat {
  readonly model: string;
  chat(messages: ChatMessage[], opts?: { signal?: AbortSignal; onQueued?: (position: number) => void; onDone?: (stats: AnswerStats) => void }): AsyncIterable<string>;
  /** The tokens the prompt may take: the context window less the room the answer may generate; 7168 when absent. */
  promptTokens?(): Promise<number>;
}

/** The prompt budget without a promptTokens(): an 8192-token window less a 1024-token answer. */
const DEFAULT_PROMPT_TOKENS = 8192 - 1024;

export interface ResponderSettings {
  /** Confidence and similarity thresholds, each with one meaning (see AnswerThresholds). */
  thresholds: AnswerThresholds;
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
  /** The server's name, for the prompt. */
  guildName?: string;
  /** The message had no text (only files, stickers or embeds): kept, not answered. */
  textless?: boolean;
  /** Staff messages are stored as staff turns and never answered by the bot. */
  fromStaff: boolean;
}

/** What the responder asks of the support desk while it handles a ticket message. */
export interface ResponderSupport {
  /** Staff took this ticket over: store the member's message, do not answer it. */
  isPaused(ticketId: number): boolean;
  /** How well the member's question matched what the server taught the bot (knowledge gaps). */
  recordMatch(userTurnId: number, answer: Answer): void;
  /** A staff member wrote: the bot steps back there. True when a hand-off was waiting for staff. */
  staffWrote(ticket: Ticket, staffId: string): boolean;
  /** The bot has no answer: hand the ticket to staff. True when staff should be called now (once until one of them writes). */
  requestHandoff(ticket: Ticket, reason: HandoffReason): boolean;
  /** The ticket waits for staff (its tag says Needs staff). */
  handoffPending(ticketId: number): boolean;
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

/**
 * Everything the Discord layer shows after an answer: the text, whether to call staff now (at most
 * once until one of them writes) and the ticket's status tag. The core decides; Discord displays.
 */
export interface TicketOutcome {
  text: string;
  callStaff: boolean;
  status: 'answered' | 'needsStaff';
}

export type HandleResult =
  | { kind: 'answered'; ticket: Ticket; answer: Answer; outcome: TicketOutcome }
  | { kind: 'stored'; ticket: Ticket; reason: 'staff'; /** A staff hand-off was waiting and is now answered. */ handoffAnswered: boolean }
  | { kind: 'stored'; ticket: Ticket; reason: 'auto-response-off' | 'empty' | 'paused' }
  /** The ticket closed before this message's answer was out: the message is stored, its answer dropped (or stopped). */
  | { kind: 'stored'; ticket: Ticket; reason: 'ticket-closed' }
  | { kind: 'ignored'; reason: 'not-a-ticket' | 'ticket-closed' };

export { AI_UNAVAILABLE_NOTE, CUT_OFF_NOTE, FALLBACK_TEXT, HANDOFF_TEXT } from './answer-texts.js';

/**
 * The message flow of a ticket: store the message → match trained questions → post the trained
 * answer, or ask the AI with this guild's entries and the ticket's own conversation → store the
 * answer with its source. One answer at a time per ticket; never throws for an AI outage.
 */
export class Responder {
  private readonly lanes: TicketLanes;
  private readonly retrieval: Retrieval;
  private readonly endings: AnswerEndings;
  private lastAiFailure: AiFailureKind | undefined;

  constructor(private readonly deps: ResponderDeps) {
    this.retrieval = new Retrieval({ ...deps, knowledgeSimilarityThreshold: deps.settings.thresholds.knowledgeSimilarity });
    // Whatever closes a ticket: its waiting messages are not answered, and an answer in flight is aborted (Ollama stops).
    this.lanes = new TicketLanes(deps.tickets, deps.logger);
    this.endings = new AnswerEndings(deps.ai, deps.logger);
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

    const ahead = this.lanes.size(ticket);
    if (ahead > 0) progress.onQueued?.(ahead, 'earlier-messages');
    const answer = await this.lanes.run(ticket, (signal) => this.answerTurn(ticket, turn.id, message, progress, signal));
    if (!answer) return { kind: 'stored', ticket, reason: 'ticket-closed' };
    return { kind: 'answered', ticket, answer, outcome: this.outcome(ticket, answer) };
  }

  /** No answer to give (AI unavailable with nothing close, or the model said the references do not cover it): staff are called. */
  private outcome(ticket: Ticket, answer: Answer): TicketOutcome {
    const support = this.deps.support;
    const handOff = answer.source.kind === 'fallback';
    const callStaff = handOff && (support?.requestHandoff(ticket, 'fallback') ?? false);
    const waiting = support ? support.handoffPending(ticket.id) : handOff;
    return { text: answer.text, callStaff, status: waiting ? 'needsStaff' : 'answered' };
  }

  /** What the bot would answer in this guild, and why, without storing anything (/test_ai). */
  async preview(guildId: string, text: string, progress: AnswerProgress = {}): Promise<Answer> {
    return this.decide(guildId, text, [{ role: 'user', content: text }], progress, undefined);
  }

  /** Waits for in-flight answers (shutdown); true when all finished within the time. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.lanes.drain(timeoutMs);
  }

  inFlight(): number {
    return this.lanes.totalSize();
  }

  /** The answer to one stored message; undefined when its ticket closed meanwhile (`signal`): nothing more to show. */
  private async answerTurn(ticket: Ticket, turnId: number, message: TicketMessage, progress: AnswerProgress, signal: AbortSignal): Promise<Answer | undefined> {
    const { tickets, training, counters } = this.deps;
    const conversation = this.promptConversation(ticket, turnId, message.content, await this.budgetTokens());
    if (signal.aborted) return undefined; // closed meanwhile: not even matched
    const answer = await this.decide(ticket.guildId, message.content, conversation, progress, message.guildName, signal);
    if (signal.aborted) {
      // What the member saw of an AI answer stopped by the close stays in the ticket's record; nothing else is kept.
      if (answer.source.kind === 'ai' && answer.text !== '') tickets.addTurn(ticket.id, { role: 'bot', content: answer.text, source: answer.source });
      return undefined;
    }
    this.deps.support?.recordMatch(turnId, answer);

    if (answer.source.kind === 'trained') training.recordUse(ticket.guildId, answer.source.trainingEntryId);
    counters.increment(ticket.guildId, `answered_${answer.source.kind}`);
    const stored = tickets.addTurn(ticket.id, { role: 'bot', content: answer.text, source: answer.source });
    return { ...answer, turnId: stored.id };
  }

  private async budgetTokens(): Promise<number> {
    return (await this.deps.ai.promptTokens?.()) ?? DEFAULT_PROMPT_TOKENS;
  }

  /**
   * This ticket's turns for the prompt: its first post, then as many recent turns as can fit, none of
   * the member's messages that came after this one (they wait their turn), and the message being
   * answered last, where the model expects the question. The bot's own notes (AI unavailable, cut
   * off, hand-off) are not the model's words and are left out; each earlier AI answer's references
   * go back where they were given.
   */
  private promptConversation(ticket: Ticket, turnId: number, text: string, budgetTokens: number): PromptTurn[] {
    const { tickets } = this.deps;
    const recent = tickets.recentTurns(ticket.id, budgetTokens * 8).filter((t) => t.id !== turnId && !(t.role === 'user' && t.id > turnId));
    const first = tickets.firstTurn(ticket.id);
    const turns = first && first.id !== turnId && !recent.some((t) => t.id === first.id) ? [first, ...recent] : recent;
    const conversation: PromptTurn[] = [];
    for (const turn of turns) {
      if (turn.role !== 'bot') {
        conversation.push({ role: turn.role, content: turn.content });
        continue;
      }
      const content = modelWords(turn.content, turn.source);
      if (content === undefined) continue;
      const question = [...conversation].reverse().find((t) => t.role === 'user');
      if (question && turn.source?.kind === 'ai' && !question.references) question.references = this.referencesOf(ticket.guildId, turn.source);
      conversation.push({ role: 'bot', content });
    }
    conversation.push({ role: 'user', content: text });
    return conversation;
  }

  /** An earlier answer's references as it was given them: a long entry's passage too (while the entry still holds it). */
  private referencesOf(guildId: string, source: UsedReferences): ReferenceEntry[] {
    const { training, knowledge } = this.deps;
    const trained = training.getMany(guildId, source.trainingEntryIds).map((e) => trainedReference(e));
    const passageOf = (entryId: number, content: string) => {
      const passage = source.kbPassages?.[source.kbEntryIds.indexOf(entryId)] ?? undefined;
      return passage && passage.end <= content.length ? passage : undefined;
    };
    const kb = knowledge.getEntriesWithBase(guildId, source.kbEntryIds).map(({ entry, kbName }) =>
      knowledgeReference({ id: entry.id, kbName, title: entry.title, content: entry.content, passage: passageOf(entry.id, entry.content) }),
    );
    return [...trained, ...kb];
  }

  private async decide(guildId: string, text: string, conversation: PromptTurn[], progress: AnswerProgress, guildName: string | undefined, signal?: AbortSignal): Promise<Answer> {
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
    return this.askAi(guildId, conversation, { score, trainingEntries, kbEntries }, progress, guildName, signal);
  }

  private async askAi(
    guildId: string,
    conversation: PromptTurn[],
    context: AnswerContext,
    progress: AnswerProgress,
    guildName: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Answer> {
    const { ai } = this.deps;
    const budgetTokens = await this.budgetTokens();
    const prompt = buildChatMessages({
      guildName,
      conversation,
      references: [
        ...context.trainingEntries.map((e) => trainedReference({ id: e.entryId, question: e.question, answer: e.answer })),
        ...context.kbEntries.map((e) => knowledgeReference({ id: e.entryId, kbName: e.kbName, title: e.title, content: e.content, passage: e.passage })),
      ],
      budgetTokens,
    });
    const used = usedReferences(context);
    let raw = '';
    let done: AnswerStats | undefined;
    try {
      const onQueued = progress.onQueued && ((position: number) => progress.onQueued?.(position, 'other-tickets'));
      const onDone = (stats: AnswerStats) => {
        done = stats;
        this.checkPromptFit(stats, prompt.estimatedTokens);
      };
      for await (const chunk of ai.chat(prompt.messages, { signal, onQueued, onDone })) {
        raw += chunk;
        const visible = shownSoFar(raw);
        if (visible !== '') progress.onText?.(visible);
      }
      this.noteAiRecovered();
      const text = stripThinking(raw, true).trim();
      if (isHandoff(text)) return { ...context, ...this.endings.handedOff() };
      if (done?.doneReason === 'length') return { ...context, ...this.endings.stoppedAtLimit(text, done, context, used) };
      if (text === '') throw new AiUnavailableError('error', 'the model returned an empty answer');
      return { ...context, text, source: { kind: 'ai', model: ai.model, ...used, complete: true } };
    } catch (error) {
      // A close is no AI failure, so it comes first; Ollama's own end is no outage (not counted, the host not marked down).
      if (signal?.aborted) return { ...context, ...this.endings.stoppedByClose(raw, used) };
      if (error instanceof AiUnavailableError && error.kind === 'ended_early') {
        this.noteAiRecovered();
        return { ...context, ...this.endings.endedByOllama(raw, error, context, used) };
      }
      const kind = this.noteAiFailure(guildId, error);
      return { ...context, ...this.endings.failed(raw, kind, context, used) };
    }
  }

  /** prompt_eval_count above the bot's estimate (which errs high) means the estimate is off for this model, and Ollama may cut the prompt. */
  private checkPromptFit(stats: AnswerStats, estimatedTokens: number): void {
    if (stats.promptEvalCount <= estimatedTokens && stats.promptEvalCount < stats.contextTokens - 1) return;
    this.deps.logger.warn(
      { promptEvalCount: stats.promptEvalCount, estimatedTokens, numCtx: stats.contextTokens },
      'Ollama read more prompt tokens than the bot planned: it may have cut the prompt (rules or references lost). Raise OLLAMA_NUM_CTX.',
    );
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

/** The references an AI answer is given, as its source records them (a long entry's passage too, so a follow-up is shown the same one). */
function usedReferences(context: AnswerContext): UsedReferences {
  return {
    trainingEntryIds: context.trainingEntries.map((e) => e.entryId),
    kbEntryIds: context.kbEntries.map((e) => e.entryId),
    ...(context.kbEntries.some((e) => e.passage) ? { kbPassages: context.kbEntries.map((e) => e.passage ?? null) } : {}),
  };
}
