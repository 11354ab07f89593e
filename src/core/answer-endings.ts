import type { Logger } from '../log.js';
import type { AiFailureKind, AiUnavailableError, AnswerStats } from './ai/ollama.js';
import { AI_UNAVAILABLE_NOTE, CUT_OFF_NOTE, FALLBACK_TEXT, HANDOFF_TEXT, isHandoff, shownSoFar } from './answer-texts.js';
import { passageText, type Passage } from './knowledge/passages.js';
import type { MatchCandidate } from './matching/matcher.js';
import type { KnowledgeHit } from './retrieval.js';
import type { AnswerSource } from './tickets/store.js';

/** What an answer was decided from: the best trained score and the entries found. */
export type AnswerContext = { score: number; trainingEntries: MatchCandidate[]; kbEntries: KnowledgeHit[] };
/** The references an AI answer was given, as its source records them. */
export type UsedReferences = { trainingEntryIds: number[]; kbEntryIds: number[]; kbPassages?: (Passage | null)[] };
/** What the member is shown and what the ticket's record says it came from; the responder adds the context. */
export type AnswerEnding = { text: string; source: AnswerSource };

/**
 * What the member is shown when an AI answer does not end as a whole answer: the model handed off,
 * the answer stopped early (its ticket closed, the answer limit, Ollama's token-repeat abort) or
 * failed. The rule they share: what the member already saw stays, but a cut answer never looks
 * complete (the cut-off note, `complete: false`, so it is not offered as a training suggestion), and
 * with nothing written the member gets the closest trained or knowledge entry, else the fallback.
 */
export class AnswerEndings {
  constructor(
    private readonly ai: { readonly model: string },
    private readonly logger: Logger,
  ) {}

  /** The model said the references do not answer the question: staff are asked instead. */
  handedOff(): AnswerEnding {
    return { text: HANDOFF_TEXT, source: { kind: 'fallback', reason: 'no-answer' } };
  }

  /** Stopped by its ticket's close (no AI failure): what was written so far, unmarked; the caller keeps it or not. */
  stoppedByClose(raw: string, used: UsedReferences): AnswerEnding {
    return { text: shownSoFar(raw).trim(), source: this.aiSource(used, false) };
  }

  /** Stopped at num_predict (done_reason "length", a normal end): what was written, cut off; the fallback when it all went on reasoning. */
  stoppedAtLimit(text: string, stats: AnswerStats, context: AnswerContext, used: UsedReferences): AnswerEnding {
    this.logger.warn(
      { generatedTokens: stats.evalCount, answered: text !== '' },
      text === ''
        ? 'The model spent the whole answer length on reasoning and wrote no answer. Raise OLLAMA_MAX_ANSWER_TOKENS (and OLLAMA_NUM_CTX), or use a model that does not reason.'
        : 'An answer reached OLLAMA_MAX_ANSWER_TOKENS and was cut off (a model that does not stop, or the limit is too low).',
    );
    return text === '' ? this.fallback('answer_limit', context) : this.cutOff(text, used);
  }

  /** Ollama ended the answer itself (its token-repeat limit), no outage: what came before the repetition, cut off; else the fallback. */
  endedByOllama(raw: string, error: AiUnavailableError, context: AnswerContext, used: UsedReferences): AnswerEnding {
    const repeated = error.repeatedText;
    const text = shownSoFar(repeated && raw.endsWith(repeated) ? raw.slice(0, raw.length - repeated.length) : raw).trim();
    this.logger.warn(
      { reason: error.message, answered: text !== '' },
      repeated === undefined
        ? 'Ollama ended an answer without its final line (the HTTP response was complete, so Ollama itself ended it). The member got what was written, marked as cut off.'
        : 'Ollama stopped an answer because the model repeated one token over and over (its limit is 30 repeats). The member got what came before, marked as cut off. If this happens often, raise OLLAMA_TEMPERATURE or use a larger model.',
    );
    if (text === '') return this.fallback('ended_early', context);
    return isHandoff(text) ? this.handedOff() : this.cutOff(text, used);
  }

  /** The AI failed mid-answer or before it: keep what the member already saw, but never let a cut answer look complete. */
  failed(raw: string, kind: AiFailureKind, context: AnswerContext, used: UsedReferences): AnswerEnding {
    const text = shownSoFar(raw);
    return text.trim() !== '' ? this.cutOff(text, used) : this.fallback(kind, context);
  }

  /** What the model wrote, marked as cut off: it never looks complete (nor is offered as a training suggestion). */
  private cutOff(text: string, used: UsedReferences): AnswerEnding {
    return { text: `${text}\n\n${CUT_OFF_NOTE}`, source: this.aiSource(used, false) };
  }

  /** AI unavailable: the closest entry at or above TRAINING_CONTEXT_THRESHOLD with a note, else a polite hand-off. */
  private fallback(kind: AiFailureKind, context: AnswerContext): AnswerEnding {
    const training = context.trainingEntries[0];
    const kb = context.kbEntries[0];
    if (training) {
      return {
        text: `${AI_UNAVAILABLE_NOTE}\n\n${training.answer}`,
        source: { kind: 'knowledge', trainingEntryId: training.entryId, kbEntryIds: [], score: training.score },
      };
    }
    if (kb) {
      return {
        // A long entry's passage that fits the question, as the AI would have been shown.
        text: `${AI_UNAVAILABLE_NOTE}\n\n**${kb.title}**\n${kb.passage ? passageText(kb.content, kb.passage) : kb.content}`,
        source: { kind: 'knowledge', kbEntryIds: [kb.entryId], score: kb.score },
      };
    }
    return { text: FALLBACK_TEXT, source: { kind: 'fallback', reason: kind } };
  }

  private aiSource(used: UsedReferences, complete: boolean): AnswerSource {
    return { kind: 'ai', model: this.ai.model, ...used, complete };
  }
}
