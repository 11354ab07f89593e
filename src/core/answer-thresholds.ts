import type { Config } from '../config.js';

/**
 * The numbers that decide what a member's question is answered with, each with one scale and one
 * meaning. The core owns them (built once from the config); the Discord layer and any other layer
 * show or compare against these, never the raw settings.
 */
export interface AnswerThresholds {
  /** Calibrated match confidence (0–1): a trained answer at or above it is posted as is (TRAINED_ANSWER_THRESHOLD). */
  trainedAnswer: number;
  /** Calibrated match confidence (0–1): trained entries at or above it go to the AI as context (TRAINING_CONTEXT_THRESHOLD). */
  trainingContext: number;
  /** Embedding cosine similarity: knowledge-base entries found by meaning join the AI's context at or above it (KNOWLEDGE_SIMILARITY_THRESHOLD). */
  knowledgeSimilarity: number;
}

export function answerThresholds(config: Pick<Config, 'TRAINED_ANSWER_THRESHOLD' | 'TRAINING_CONTEXT_THRESHOLD' | 'KNOWLEDGE_SIMILARITY_THRESHOLD'>): AnswerThresholds {
  return Object.freeze({
    trainedAnswer: config.TRAINED_ANSWER_THRESHOLD,
    trainingContext: config.TRAINING_CONTEXT_THRESHOLD,
    knowledgeSimilarity: config.KNOWLEDGE_SIMILARITY_THRESHOLD,
  });
}
