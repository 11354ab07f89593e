import type { Passage } from '../knowledge/passages.js';

/** Where a bot answer came from, stored with the turn so staff can see why the bot said it. */
export type AnswerSource =
  | { kind: 'trained'; trainingEntryId: number; score: number }
  /** Answered from a knowledge-base entry or trained answer while the AI was unavailable. */
  | { kind: 'knowledge'; kbEntryIds: number[]; score: number; trainingEntryId?: number }
  | {
      kind: 'ai';
      model: string;
      trainingEntryIds: number[];
      kbEntryIds: number[];
      complete: boolean;
      /** Per kbEntryIds entry, the passage of a long entry the AI was shown (null: the entry itself); absent when none was a passage. */
      kbPassages?: (Passage | null)[];
    }
  | { kind: 'fallback'; reason: string };

/** The ticket_turns columns that hold a source. */
export interface SourceColumns {
  source_kind: AnswerSource['kind'] | null;
  training_entry_id: number | null;
  training_entry_ids: string | null;
  kb_entry_ids: string | null;
  /** JSON: AnswerSource 'ai' kbPassages (migration 017). */
  kb_passages: string | null;
  ai_model: string | null;
  score: number | null;
  complete: number;
  fallback_reason: string | null;
}

const ids = (json: string | null): number[] => (json ? (JSON.parse(json) as number[]) : []);

export function sourceToColumns(source: AnswerSource | null | undefined): SourceColumns {
  const none: SourceColumns = {
    source_kind: null,
    training_entry_id: null,
    training_entry_ids: null,
    kb_entry_ids: null,
    kb_passages: null,
    ai_model: null,
    score: null,
    complete: 1,
    fallback_reason: null,
  };
  if (!source) return none;
  switch (source.kind) {
    case 'trained':
      return { ...none, source_kind: 'trained', training_entry_id: source.trainingEntryId, score: source.score };
    case 'knowledge':
      return {
        ...none,
        source_kind: 'knowledge',
        training_entry_id: source.trainingEntryId ?? null,
        kb_entry_ids: JSON.stringify(source.kbEntryIds),
        score: source.score,
      };
    case 'ai':
      return {
        ...none,
        source_kind: 'ai',
        ai_model: source.model,
        training_entry_ids: JSON.stringify(source.trainingEntryIds),
        kb_entry_ids: JSON.stringify(source.kbEntryIds),
        kb_passages: source.kbPassages?.some((p) => p !== null) ? JSON.stringify(source.kbPassages) : null,
        complete: source.complete ? 1 : 0,
      };
    case 'fallback':
      return { ...none, source_kind: 'fallback', fallback_reason: source.reason };
  }
}

export function columnsToSource(row: SourceColumns): AnswerSource | null {
  switch (row.source_kind) {
    case 'trained':
      return { kind: 'trained', trainingEntryId: row.training_entry_id ?? 0, score: row.score ?? 0 };
    case 'knowledge': {
      const source: AnswerSource = { kind: 'knowledge', kbEntryIds: ids(row.kb_entry_ids), score: row.score ?? 0 };
      return row.training_entry_id === null ? source : { ...source, trainingEntryId: row.training_entry_id };
    }
    case 'ai':
      return {
        kind: 'ai',
        model: row.ai_model ?? '',
        trainingEntryIds: ids(row.training_entry_ids),
        kbEntryIds: ids(row.kb_entry_ids),
        complete: row.complete === 1,
        ...(row.kb_passages ? { kbPassages: JSON.parse(row.kb_passages) as (Passage | null)[] } : {}),
      };
    case 'fallback':
      return { kind: 'fallback', reason: row.fallback_reason ?? '' };
    default:
      return null;
  }
}
