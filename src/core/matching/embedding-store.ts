import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import type { Passage } from '../knowledge/passages.js';
import { HOLDS_ANSWER } from './answer-index.js';
import { blobToVector, vectorToBlob } from './vectors.js';

export type EmbeddingKind = 'training' | 'knowledge';

/** An entry waiting for its vector (migration 006's embedding_queue), with the text to embed. */
export interface PendingEmbedding {
  kind: EmbeddingKind;
  id: number;
  guildId: string;
  /** A knowledge entry's: its title, then a newline and its content. */
  text: string;
  /** A knowledge entry's title (the start of `text`). */
  title?: string;
}

export interface StoredVector<K> {
  key: K;
  vector: Float32Array;
  /** The part of a knowledge entry's content the vector stands for; absent when it is the whole entry. */
  passage?: Passage;
}


/** One vector of a knowledge entry (migration 017): one of its chunks, or the whole entry. */
export interface ChunkVector {
  vector: Float32Array;
  passage?: Passage;
}

/**
 * The SQL behind semantic search: the queue of entries to embed, and the vectors (migration 006):
 * one per trained question, one or more per knowledge entry (its chunks, migration 017). The queue
 * holds entries, never chunks. Every read is scoped to one guild and one model; vectors of another
 * model are never compared.
 */
export class EmbeddingStore {
  private readonly selectPendingTraining: Statement<[number], { id: number; guildId: string; text: string }>;
  private readonly selectPendingKnowledge: Statement<[number], { id: number; guildId: string; text: string; title: string }>;
  private readonly saveTrainingVector: Statement<[string, Buffer, number, string]>;
  private readonly saveKnowledgeChunk: Statement<[number, string, number | null, number | null, Buffer, number, string]>;
  private readonly dequeue: Statement<[string, number]>;
  private readonly requeueTraining: Statement<[string]>;
  private readonly requeueKnowledge: Statement<[string]>;
  private readonly countTraining: Statement<[string, string, number], { n: number }>;
  private readonly countKnowledge: Statement<[string, string, number], { n: number }>;
  private readonly selectGuildTraining: Statement<[string, string], { answer: string; vector: Buffer }>;
  private readonly selectGuildKnowledge: Statement<[string, string], { id: number; start: number | null; end: number | null; vector: Buffer }>;
  private readonly selectAnswerVectors: Statement<[string, string, string], { answer: string; vector: Buffer }>;
  private readonly countQueue: Statement<[], { n: number }>;
  private readonly countGuildQueue: Statement<[string, string], { n: number }>;
  private readonly selectTrainingGeneration: Statement<[string], { generation: number }>;
  private readonly saveTrainingBatch: (model: string, items: readonly { entry: PendingEmbedding; vector: Float32Array }[]) => number;
  private readonly saveKnowledgeBatch: (model: string, items: readonly { entry: PendingEmbedding; chunks: readonly ChunkVector[] }[]) => number;
  private readonly skipEntries: (entries: readonly PendingEmbedding[]) => number;

  constructor(db: Db) {
    this.selectPendingTraining = db.prepare(
      `SELECT t.id, t.guild_id AS guildId, t.question AS text FROM embedding_queue q JOIN training_entries t ON t.id = q.entry_id
       WHERE q.kind = 'training' ORDER BY q.entry_id LIMIT ?`,
    );
    this.selectPendingKnowledge = db.prepare(
      `SELECT e.id, e.guild_id AS guildId, e.title || char(10) || e.content AS text, e.title FROM embedding_queue q JOIN kb_entries e ON e.id = q.entry_id
       WHERE q.kind = 'knowledge' ORDER BY q.entry_id LIMIT ?`,
    );
    // Saved only while the entry still has the text that was embedded: an edit made meanwhile
    // queued the entry again, and the vector of its old text must not be taken for the new one.
    this.saveTrainingVector = db.prepare(
      `INSERT OR REPLACE INTO training_embeddings (entry_id, guild_id, model, vector)
       SELECT id, guild_id, ?, ? FROM training_entries WHERE id = ? AND question = ?`,
    );
    this.saveKnowledgeChunk = db.prepare(
      `INSERT OR REPLACE INTO kb_embeddings (entry_id, chunk, guild_id, model, passage_start, passage_end, vector)
       SELECT id, ?, guild_id, ?, ?, ?, ? FROM kb_entries WHERE id = ? AND title || char(10) || content = ?`,
    );
    this.dequeue = db.prepare('DELETE FROM embedding_queue WHERE kind = ? AND entry_id = ?');
    this.requeueTraining = db.prepare(
      "INSERT OR IGNORE INTO embedding_queue (kind, entry_id) SELECT 'training', entry_id FROM training_embeddings WHERE model <> ?",
    );
    this.requeueKnowledge = db.prepare(
      "INSERT OR IGNORE INTO embedding_queue (kind, entry_id) SELECT 'knowledge', entry_id FROM kb_embeddings WHERE model <> ?",
    );
    // LIMIT: the caller only needs to know whether a guild is small enough to scan.
    this.countTraining = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM training_embeddings WHERE guild_id = ? AND model = ? LIMIT ?)');
    this.countKnowledge = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM kb_embeddings WHERE guild_id = ? AND model = ? LIMIT ?)');
    this.selectGuildTraining = db.prepare(
      `SELECT t.answer, e.vector FROM training_embeddings e JOIN training_entries t ON t.id = e.entry_id
       WHERE e.guild_id = ? AND e.model = ? AND t.guild_id = e.guild_id`,
    );
    this.selectGuildKnowledge = db.prepare(
      'SELECT entry_id AS id, passage_start AS start, passage_end AS end, vector FROM kb_embeddings WHERE guild_id = ? AND model = ?',
    );
    this.selectAnswerVectors = db.prepare(
      `SELECT value AS answer, e.vector FROM json_each(?) CROSS JOIN training_entries t ON t.guild_id = ? AND ${HOLDS_ANSWER}
       JOIN training_embeddings e ON e.entry_id = t.id WHERE e.model = ?`,
    );
    this.countQueue = db.prepare('SELECT count(*) AS n FROM embedding_queue');
    this.countGuildQueue = db.prepare(
      `SELECT (SELECT count(*) FROM embedding_queue q JOIN training_entries t ON t.id = q.entry_id WHERE q.kind = 'training' AND t.guild_id = ?)
            + (SELECT count(*) FROM embedding_queue q JOIN kb_entries e ON e.id = q.entry_id WHERE q.kind = 'knowledge' AND e.guild_id = ?) AS n`,
    );
    this.selectTrainingGeneration = db.prepare('SELECT generation FROM training_index_stats WHERE guild_id = ?');
    const unchanged = {
      training: db.prepare<[number, string], number>('SELECT 1 FROM training_entries WHERE id = ? AND question = ?').pluck(),
      knowledge: db.prepare<[number, string], number>("SELECT 1 FROM kb_entries WHERE id = ? AND title || char(10) || content = ?").pluck(),
    };
    const dropVector = {
      training: db.prepare<[number]>('DELETE FROM training_embeddings WHERE entry_id = ?'),
      knowledge: db.prepare<[number]>('DELETE FROM kb_embeddings WHERE entry_id = ?'),
    };
    this.skipEntries = db.transaction((entries: readonly PendingEmbedding[]) => {
      let skipped = 0;
      for (const entry of entries) {
        if (unchanged[entry.kind].get(entry.id, entry.text) === undefined) continue;
        dropVector[entry.kind].run(entry.id);
        skipped += this.dequeue.run(entry.kind, entry.id).changes;
      }
      return skipped;
    });
    this.saveTrainingBatch = db.transaction((model, items) => {
      let saved = 0;
      for (const { entry, vector } of items) {
        if (this.saveTrainingVector.run(model, vectorToBlob(vector), entry.id, entry.text).changes > 0) {
          this.dequeue.run('training', entry.id);
          saved++;
        }
      }
      return saved;
    });
    // An entry's chunks replace all its vectors at once: never some of the old text's and some of the new.
    this.saveKnowledgeBatch = db.transaction((model, items) => {
      let saved = 0;
      for (const { entry, chunks } of items) {
        if (unchanged.knowledge.get(entry.id, entry.text) === undefined || chunks.length === 0) continue;
        dropVector.knowledge.run(entry.id);
        chunks.forEach(({ vector, passage }: ChunkVector, chunk: number) => {
          this.saveKnowledgeChunk.run(chunk, model, passage?.start ?? null, passage?.end ?? null, vectorToBlob(vector), entry.id, entry.text);
        });
        this.dequeue.run('knowledge', entry.id);
        saved++;
      }
      return saved;
    });
  }

  /**
   * Takes entries Ollama refused to embed off the queue, with any vector of their older text, so the
   * queue moves on; an entry edited meanwhile (its text is not the one refused) stays queued.
   * Returns how many were taken off.
   */
  skip(entries: readonly PendingEmbedding[]): number {
    return this.skipEntries(entries);
  }

  /** Up to `limit` queued entries, trained questions first. */
  pending(limit: number): PendingEmbedding[] {
    const training = this.selectPendingTraining.all(limit).map((row) => ({ kind: 'training' as const, ...row }));
    if (training.length >= limit) return training;
    const knowledge = this.selectPendingKnowledge.all(limit - training.length).map((row) => ({ kind: 'knowledge' as const, ...row }));
    return [...training, ...knowledge];
  }

  /** Entries still waiting for a vector (all guilds). */
  queued(): number {
    return this.countQueue.get()?.n ?? 0;
  }

  /** Entries of one guild still waiting for a vector. */
  queuedIn(guildId: string): number {
    return this.countGuildQueue.get(guildId, guildId)?.n ?? 0;
  }

  /** Stores trained questions' vectors in one transaction; returns how many were still current and saved. */
  saveTraining(model: string, items: readonly { entry: PendingEmbedding; vector: Float32Array }[]): number {
    return this.saveTrainingBatch(model, items);
  }

  /**
   * Stores knowledge entries' vectors (each entry's chunks, replacing every vector it had) in one
   * transaction; returns how many entries were still current and saved.
   */
  saveKnowledge(model: string, items: readonly { entry: PendingEmbedding; chunks: readonly ChunkVector[] }[]): number {
    return this.saveKnowledgeBatch(model, items);
  }

  /** Queues every entry whose vector was made by another model (the model changed). */
  requeueOtherModels(model: string): void {
    this.requeueTraining.run(model);
    this.requeueKnowledge.run(model);
  }

  /** The guild's vectors of `model` (for knowledge: chunks, not entries), counted up to `cap`. */
  count(kind: EmbeddingKind, guildId: string, model: string, cap: number): number {
    return (kind === 'training' ? this.countTraining : this.countKnowledge).get(guildId, model, cap)?.n ?? 0;
  }

  /**
   * Changes on every write to the guild's training (migration 007), an edited answer too; undefined
   * for a guild that was never trained.
   */
  trainingGeneration(guildId: string): number | undefined {
    return this.selectTrainingGeneration.get(guildId)?.generation;
  }

  /** Every trained question's vector in the guild, keyed by its answer text. */
  guildTrainingVectors(guildId: string, model: string): StoredVector<string>[] {
    return this.selectGuildTraining.all(guildId, model).map((row) => ({ key: row.answer, vector: blobToVector(row.vector) }));
  }

  /** Every knowledge-base entry's vectors in the guild (one per chunk), keyed by entry id. */
  guildKnowledgeVectors(guildId: string, model: string): StoredVector<number>[] {
    return this.selectGuildKnowledge.all(guildId, model).map((row) => ({
      key: row.id,
      vector: blobToVector(row.vector),
      ...(row.start !== null && row.end !== null ? { passage: { start: row.start, end: row.end } } : {}),
    }));
  }

  /** The vectors of the trained questions of these answers in the guild, keyed by answer text. */
  answerVectors(guildId: string, model: string, answers: readonly string[]): StoredVector<string>[] {
    if (answers.length === 0) return [];
    return this.selectAnswerVectors.all(JSON.stringify(answers), guildId, model).map((row) => ({ key: row.answer, vector: blobToVector(row.vector) }));
  }
}
