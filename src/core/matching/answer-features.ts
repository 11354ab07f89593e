import type { AnswerDocument } from './answer-index.js';
import type { AnswerFeatures } from './calibration.js';
import type { AnswerEvidence } from './scoring.js';

/**
 * Calibration features for each answer: its coverage, its recall (phrasingRecall), its meaning
 * (the word-vector cosine with its closest phrasing), and its lead over the best other answer per
 * square root of its phrasings (see calibration.ts) — in both views, the lexical one (BM25) and the
 * ranking (with the similarities ranking.ts weighs), whichever lead is smaller — or
 * over its own stop-word-only share when that is higher. When the two views disagree on the
 * winner, neither answer gets a positive margin: the matcher is not sure. And an answer never
 * leads while ranked below another. Plus the word-by-word alignment and unmatched share
 * (answer-alignment.ts). The leads are taken over every answer at once; an answer's features are
 * put together when asked for (`featuresOf(i)`), so the word-by-word ones are computed only for
 * the answers whose confidence is read.
 */
export function answerFeatures(evidence: readonly AnswerEvidence[]): (answer: number) => AnswerFeatures {
  const leadIn = leads(evidence.map((e) => e.bm25));
  const leadInRanking = leads(evidence.map((e) => e.score));
  return (i) => {
    const item = evidence[i]!;
    return {
      coverage: item.coverage,
      margin: Math.min(leadIn[i]!, leadInRanking[i]!, item.bm25 - item.stopScore) / Math.sqrt(phrasingCount(item.doc)),
      recall: item.recall,
      meaning: item.meaning,
      ...item.words(),
    };
  };
}

/** How many phrasings the answer document pools (one per line). */
function phrasingCount(doc: AnswerDocument): number {
  let lines = 1;
  for (let i = doc.questions.indexOf('\n'); i !== -1; i = doc.questions.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Each value minus the largest of the others (0 when there are none). */
function leads(values: readonly number[]): number[] {
  const others = bestOfOthers(values);
  return values.map((value, i) => value - others[i]!);
}

/** For each value, the largest of the others (0 when there are none). */
function bestOfOthers(values: readonly number[]): number[] {
  let best = -Infinity;
  let second = -Infinity;
  for (const value of values) {
    if (value > best) {
      second = best;
      best = value;
    } else if (value > second) second = value;
  }
  return values.map((value) => (value === best ? (second === -Infinity ? 0 : second) : best));
}
