import type { AnswerDocument, AnswerIndex, GuildIndexStats } from './answer-index.js';
import type { HeldOut, RankedAnswer } from './matcher.js';
import { matchWords, stemOf } from './words.js';

/** One simulated question: the best answer's global confidence, and whether it is the held-out question's own answer. */
export interface Probe {
  score: number;
  /** True: an in-scope probe (a held-out phrasing of a trained answer); false: out of scope (its answer untrained). */
  inScope: boolean;
  correct: boolean;
}

export interface SimulationLimits {
  /** Answers sampled from the guild (evenly over its documents, in id order). */
  answers: number;
  /** Phrasings of each sampled answer asked as out-of-scope questions. */
  outOfScopePerAnswer: number;
}

export const DEFAULT_SIMULATION_LIMITS: SimulationLimits = { answers: 100, outOfScopePerAnswer: 2 };

/** Ranks a question as if `heldOut` were not trained (Matcher.rankWithout). */
export type HeldOutRanker = (text: string, heldOut: HeldOut) => RankedAnswer[];

/** The questions of a simulation, to be asked in steps (see GuildCalibrations). */
export interface PlannedProbe {
  text: string;
  heldOut: HeldOut;
  answer: string;
  inScope: boolean;
}

/**
 * Plans the guild's simulated questions: for each sampled answer, some of its phrasings asked with
 * the whole answer untrained (a close out-of-scope question: about this guild's topics, but not
 * one it trained), and, when it has two or more, its last phrasing asked of the others (a member
 * asking a trained question in new words). Deterministic: the same training plans the same probes.
 */
export function planProbes(index: AnswerIndex, guildId: string, stats: GuildIndexStats, limits: SimulationLimits = DEFAULT_SIMULATION_LIMITS): PlannedProbe[] {
  const ids = index.documentIds(stats);
  const sampled = evenly(ids, limits.answers);
  const probes: PlannedProbe[] = [];
  for (const doc of index.documentsById(guildId, sampled)) {
    const phrasings = doc.questions.split('\n').filter((q) => q.trim().length > 0);
    if (phrasings.length === 0) continue;
    const whole = heldOutAnswer(doc, phrasings);
    for (const text of evenly(phrasings, limits.outOfScopePerAnswer)) probes.push({ text, heldOut: whole, answer: doc.answer, inScope: false });
    if (phrasings.length >= 2) {
      const text = phrasings[phrasings.length - 1]!;
      probes.push({ text, heldOut: heldOutPhrasing(doc, phrasings.slice(0, -1), text), answer: doc.answer, inScope: true });
    }
  }
  return probes;
}

export function askProbe(rank: HeldOutRanker, probe: PlannedProbe): Probe {
  const [best] = rank(probe.text, probe.heldOut);
  return { score: best?.score ?? 0, inScope: probe.inScope, correct: best !== undefined && best.answer === probe.answer };
}

function heldOutAnswer(doc: AnswerDocument, phrasings: readonly string[]): HeldOut {
  return { docId: doc.id, stems: stemsOf(phrasings), words: doc.wordCount };
}

function heldOutPhrasing(doc: AnswerDocument, kept: readonly string[], text: string): HeldOut {
  const keptStems = stemsOf(kept);
  const stems = new Set([...stemsOf([text])].filter((stem) => !keptStems.has(stem)));
  const words = wordCount(text);
  const remaining: AnswerDocument = { ...doc, questions: kept.join('\n'), wordCount: Math.max(1, doc.wordCount - words) };
  return { docId: doc.id, remaining, stems, words };
}

function stemsOf(texts: readonly string[]): Set<string> {
  const stems = new Set<string>();
  for (const text of texts) for (const word of matchWords(text)) stems.add(stemOf(word));
  return stems;
}

/** As training_answers.word_count counts a phrasing: its spaces plus one. */
function wordCount(text: string): number {
  return text.split(' ').length;
}

/** At most `count` items spread evenly over the list, in order. */
function evenly<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / count)]!);
}
