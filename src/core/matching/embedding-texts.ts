import { chunkEntry } from '../knowledge/chunks.js';
import type { Passage } from '../knowledge/passages.js';
import type { ChunkVector, PendingEmbedding } from './embedding-store.js';
import { unitVector } from './vectors.js';

/** What is embedded for a queued entry and for a member's question. */

/** A text to embed for a queued entry: a trained question, a whole knowledge entry, or one chunk of a long one. */
export interface DocumentPart {
  text: string;
  passage?: Passage;
}

/** nomic-embed-text is trained with task prefixes; other models take the text as is. */
export function documentText(model: string, text: string): string {
  return /nomic/i.test(model) ? `search_document: ${text}` : text;
}

export function queryText(model: string, text: string): string {
  return /nomic/i.test(model) ? `search_query: ${text}` : text;
}

/**
 * The texts to embed for an entry: a trained question as it is; a knowledge entry in chunks
 * (knowledge/chunks.ts), one when it is short. `room`: estimated tokens one text may have (the
 * model's room less the document prefix).
 */
export function documentParts(entry: PendingEmbedding, room: number): DocumentPart[] {
  if (entry.kind === 'training' || entry.title === undefined) return [{ text: entry.text }];
  const chunks = chunkEntry(entry.title, entry.text.slice(entry.title.length + 1), room);
  if (chunks.length === 1) return [{ text: chunks[0]!.text }];
  return chunks.map(({ text, start, end }) => ({ text, passage: { start, end } }));
}

/** The part's vector as stored, or none when the model refused the part. */
export function withVector(part: DocumentPart, vector: number[] | undefined): ChunkVector[] {
  if (!vector) return [];
  return [{ vector: unitVector(vector), ...(part.passage ? { passage: part.passage } : {}) }];
}
