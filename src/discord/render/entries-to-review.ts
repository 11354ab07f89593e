import type { EntryToReview } from '../../core/support/votes.js';
import { EMBED_LIMITS, fieldValue, joinLines, oneLine } from './embed-text.js';

/** /training_stats: trained answers members keep voting "not helpful"; none, no field. */
export function entriesToReviewField(entries: readonly EntryToReview[]): { name: string; value: string } | undefined {
  if (entries.length === 0) return undefined;
  const lines = entries.map((e) => `**#${e.entryId}** 👎 ${e.notHelpful} · 👍 ${e.helpful} — ${oneLine(e.question, 110)}`);
  return {
    name: '⚠️ To review: repeatedly voted not helpful',
    value: fieldValue(joinLines(lines, EMBED_LIMITS.fieldValue)),
  };
}
