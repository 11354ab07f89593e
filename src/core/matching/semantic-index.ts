import type { Db } from '../../db/database.js';
import type { Logger } from '../../log.js';
import { estimateTokens } from '../ai/token-estimate.js';
import { CHUNK_TOKENS } from '../knowledge/chunks.js';
import type { Passage } from '../knowledge/passages.js';
import { EmbeddingStore, type ChunkVector, type EmbeddingKind, type PendingEmbedding } from './embedding-store.js';
import { documentParts, documentText, queryText, withVector, type DocumentPart } from './embedding-texts.js';
import type { MatchCandidate, Matcher, SemanticEvidence } from './matcher.js';
import { bestPerKey, bestRowPerKey, toMatrix, type VectorMatrix } from './vector-matrix.js';
import { unitVector } from './vectors.js';

/** The slice of OllamaService semantic search needs (a fake fits too). */
export interface Embedder {
  readonly embedModel: string | undefined;
  /** One vector per text, in order; undefined for a text the model refused (it is never retried as is). */
  embed(texts: string[]): Promise<(number[] | undefined)[]>;
  /** Estimated tokens (token-estimate.ts) one text may have and be embedded whole; absent: CHUNK_TOKENS is assumed to fit. */
  embedTextTokens?(): Promise<number>;
}

export interface SemanticIndexOptions {
  /** Queued entries embedded per request. */
  batchSize?: number;
  /** How often the queue is looked at when it was empty. */
  pollMs?: number;
  /** First wait after a failed embed (doubles up to maxRetryMs while Ollama stays unavailable). */
  retryMs?: number;
  maxRetryMs?: number;
  /** A member's question waits at most this long for its vector; then the words alone answer. */
  queryTimeoutMs?: number;
  /**
   * A guild with at most this many vectors (of a kind; a long knowledge entry has one per chunk) is
   * scanned whole; a larger one only re-ranks the lexical candidates.
   */
  scanLimit?: number;
  /** Bytes of vectors kept in memory for the scans, all guilds together (least recently used go first). */
  cacheBytes?: number;
  /** Answers the vector scan adds to the lexical candidates. */
  nearestAnswers?: number;
}

const DEFAULTS: Required<SemanticIndexOptions> = {
  batchSize: 32,
  pollMs: 2_000,
  retryMs: 5_000,
  maxRetryMs: 5 * 60_000,
  queryTimeoutMs: 2_000,
  scanLimit: 4_096,
  cacheBytes: 32 * 1024 * 1024,
  nearestAnswers: 10,
};

const QUERY_CACHE_LIMIT = 64;

/** A guild's vectors of one kind, or none to scan (no vectors, or more than scanLimit), while `version` holds. */
interface CachedVectors {
  version: string;
  vectors: VectorMatrix<string | number> | undefined;
}

/**
 * Semantic search through Ollama embeddings (OLLAMA_EMBED_MODEL), next to the lexical matcher.
 *
 * Writing never waits for it: adding or importing an entry only queues it (a trigger, migration
 * 006); a background loop embeds the queue in batches, and leaves an entry queued when Ollama is
 * unavailable, retrying later with a growing pause. When the model changes, entries whose vector
 * came from another model are queued again at start.
 *
 * Reading never fails because of it: without a model, while Ollama is unavailable, or when the
 * question's vector takes longer than `queryTimeoutMs`, the lexical matcher alone answers.
 *
 * Cost per question is bounded: the lexical candidates are re-ranked with their own vectors (an
 * indexed read of a few rows), and a guild's whole set of vectors is scanned only while it has at
 * most `scanLimit` of them, from a matrix kept in memory within `cacheBytes`. Brute force over a
 * 100k-entry guild would cost ~100 ms and ~300 MB (768 dimensions) per question; there, vectors
 * refine the words' candidates but do not find answers the words missed entirely.
 */
export class SemanticIndex {
  readonly model: string | undefined;
  private readonly store: EmbeddingStore;
  private readonly options: Required<SemanticIndexOptions>;
  private readonly matrices = new Map<string, CachedVectors>();
  private readonly queryVectors = new Map<string, Float32Array>();
  /** Bumped whenever this process saves vectors for a guild: cached matrices of it are stale. */
  private readonly writes = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private retryMs: number;
  /** Until then, questions skip embedding (Ollama failed recently). */
  private unavailableUntil = 0;
  private failing = false;

  constructor(
    db: Db,
    private readonly deps: { embedder: Embedder; matcher: Matcher; logger: Logger },
    options: SemanticIndexOptions = {},
  ) {
    this.store = new EmbeddingStore(db);
    this.options = { ...DEFAULTS, ...options };
    this.model = deps.embedder.embedModel;
    this.retryMs = this.options.retryMs;
  }

  get enabled(): boolean {
    return this.model !== undefined;
  }

  /** Starts embedding the queue in the background (a no-op without a model). */
  start(): void {
    if (!this.model || !this.stopped) return;
    this.stopped = false;
    this.store.requeueOtherModels(this.model);
    this.schedule(0);
  }

  /** Stops the background loop and waits for a batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Drops the guild's cached vectors (the bot left it); read again if it is asked again. */
  forgetGuild(guildId: string): void {
    for (const kind of ['training', 'knowledge'] as const) this.matrices.delete(`${kind}\u0000${guildId}`);
  }

  /** Entries (not chunks) still waiting for their vectors: all guilds', or one guild's. */
  queued(guildId?: string): number {
    return guildId === undefined ? this.store.queued() : this.store.queuedIn(guildId);
  }

  /**
   * Embeds queued entries until the queue is empty; returns how many entries were stored. A long
   * knowledge entry is embedded as overlapping chunks that each fit the model's context
   * (knowledge/chunks.ts), all in the same request batch, and saved together. When Ollama fails it
   * rejects with EmbeddingPaused and the rest stays queued (the background loop retries).
   */
  async embedPending(): Promise<number> {
    const model = this.model;
    if (!model) return 0;
    let stored = 0;
    for (;;) {
      const batch = this.store.pending(this.options.batchSize);
      if (batch.length === 0) return stored;
      let parts: DocumentPart[][];
      let vectors: (number[] | undefined)[];
      try {
        const room = (await this.deps.embedder.embedTextTokens?.()) ?? CHUNK_TOKENS;
        parts = batch.map((entry) => documentParts(entry, room - estimateTokens(documentText(model, ''))));
        vectors = await this.deps.embedder.embed(parts.flat().map((part) => documentText(model, part.text)));
      } catch (error) {
        this.noteFailure(error);
        throw new EmbeddingPaused(error);
      }
      this.noteRecovered();
      let next = 0;
      const embedded = parts.map((entryParts) => entryParts.flatMap((part) => withVector(part, vectors[next++])));
      stored += this.save(model, batch, embedded);
      this.skipRefused(batch.filter((_, i) => embedded[i]!.length === 0));
    }
  }

  /** `Matcher.match` with vector similarity fused in when embeddings are available; the words alone otherwise. */
  async matchHybrid(guildId: string, text: string, limit = 5): Promise<MatchCandidate[]> {
    const [evidence] = await this.semanticEvidence(guildId, [text]);
    return this.deps.matcher.match(guildId, text, limit, evidence);
  }

  /** `Matcher.matchBest` (several readings of one message) likewise; their vectors in one request. */
  async matchHybridBest(guildId: string, texts: readonly string[], limit = 5): Promise<MatchCandidate[]> {
    return this.deps.matcher.matchBest(guildId, texts, limit, await this.semanticEvidence(guildId, texts));
  }

  /** What the vectors say about each text, for Matcher.match / rank; undefined where the words alone must do. */
  async semanticEvidence(guildId: string, texts: readonly string[]): Promise<(SemanticEvidence | undefined)[]> {
    const vectors = await this.vectorsOf(texts);
    if (!vectors) return texts.map(() => undefined);
    const trained = this.guildVectors<string>('training', guildId);
    return vectors.map((vector) => this.evidence(guildId, vector, trained));
  }

  /**
   * Knowledge-base entries of the guild nearest to the text by embedding, best first: each entry
   * scored by its most similar chunk (cosine), and that chunk's passage when the entry has several.
   * [] without embeddings, while Ollama is unavailable, or for a guild with more than `scanLimit`
   * knowledge vectors (where the knowledge search's words alone serve).
   */
  async similarKnowledge(guildId: string, text: string, limit: number): Promise<SimilarKnowledge[]> {
    const vector = (await this.vectorsOf([text]))?.[0];
    if (!vector) return [];
    const entries = this.guildVectors<number>('knowledge', guildId);
    const scanned = entries && bestRowPerKey(entries, vector);
    if (!scanned) return [];
    return [...scanned]
      .sort((a, b) => b[1].similarity - a[1].similarity)
      .slice(0, limit)
      .map(([entryId, { similarity, passage }]) => ({ entryId, similarity, ...(passage ? { passage } : {}) }));
  }

  /** `trained`: the guild's trained vectors when it is small enough to scan them all. */
  private evidence(guildId: string, vector: Float32Array, trained: VectorMatrix<string> | undefined): SemanticEvidence {
    const scanned = trained && bestPerKey(trained, vector);
    const nearestAnswers = scanned
      ? [...scanned].sort((a, b) => b[1] - a[1]).slice(0, this.options.nearestAnswers).map(([answer]) => answer)
      : [];
    return {
      nearestAnswers,
      similarities: (answers) => {
        if (scanned) return new Map(answers.flatMap((a) => (scanned.has(a) ? [[a, scanned.get(a)!] as const] : [])));
        return bestPerKey(toMatrix(this.store.answerVectors(guildId, this.model!, answers), vector.length), vector) ?? new Map<string, number>();
      },
    };
  }

  /**
   * All the guild's vectors of a kind, from the cache while they have not changed; undefined when
   * it has none or more than `scanLimit` (remembered too, so a big guild is not counted per question).
   */
  private guildVectors<K extends string | number>(kind: EmbeddingKind, guildId: string): VectorMatrix<K> | undefined {
    const model = this.model!;
    const writes = this.writes.get(guildId) ?? 0;
    let count: number | undefined;
    let version: string;
    if (kind === 'training') {
      // The rows are keyed by answer text. A vector comes only from this process's saves (writes);
      // every other change (an entry added, deleted, its question or only its answer edited, which
      // keeps the vector and so its count) gives the guild's training a new generation. Nothing to count.
      const generation = this.store.trainingGeneration(guildId);
      if (generation === undefined) return undefined;
      version = `${generation}:${writes}`;
    } else {
      count = this.store.count(kind, guildId, model, this.options.scanLimit + 1);
      version = `${count}:${writes}`;
    }
    const cacheKey = `${kind}\u0000${guildId}`;
    const cached = this.matrices.get(cacheKey);
    if (cached && cached.version === version) {
      this.matrices.delete(cacheKey); // most recently used last
      this.matrices.set(cacheKey, cached);
      return cached.vectors as VectorMatrix<K> | undefined;
    }
    count ??= this.store.count(kind, guildId, model, this.options.scanLimit + 1);
    let vectors: VectorMatrix<string | number> | undefined;
    if (count > 0 && count <= this.options.scanLimit) {
      vectors = kind === 'training' ? toMatrix(this.store.guildTrainingVectors(guildId, model)) : toMatrix(this.store.guildKnowledgeVectors(guildId, model));
    }
    this.matrices.delete(cacheKey);
    this.matrices.set(cacheKey, { version, vectors });
    this.evictBeyondBudget();
    return vectors as VectorMatrix<K> | undefined;
  }

  private evictBeyondBudget(): void {
    const bytesOf = (cached: CachedVectors) => cached.vectors?.matrix.byteLength ?? 0;
    let bytes = 0;
    for (const cached of this.matrices.values()) bytes += bytesOf(cached);
    for (const [key, cached] of this.matrices) {
      if (bytes <= this.options.cacheBytes || this.matrices.size <= 1) break;
      this.matrices.delete(key);
      bytes -= bytesOf(cached);
    }
  }

  /** The texts' query vectors, or undefined when embeddings are off, failing, or too slow for a member's question. */
  private async vectorsOf(texts: readonly string[]): Promise<Float32Array[] | undefined> {
    const model = this.model;
    if (!model || Date.now() < this.unavailableUntil || texts.length === 0) return undefined;
    const found = new Map<string, Float32Array>();
    for (const text of texts) {
      const cached = this.queryVectors.get(text);
      if (cached) found.set(text, cached);
    }
    const missing = [...new Set(texts.filter((t) => !found.has(t)))];
    if (missing.length > 0) {
      const embedded = await withTimeout(this.deps.embedder.embed(missing.map((t) => queryText(model, t))), this.options.queryTimeoutMs).catch(
        (error: unknown) => {
          this.noteFailure(error);
          return undefined;
        },
      );
      if (!embedded || embedded.length !== missing.length || embedded.some((v) => !v)) return undefined;
      this.noteRecovered();
      missing.forEach((text, i) => {
        const vector = unitVector(embedded[i]!);
        found.set(text, vector);
        this.rememberQuery(text, vector);
      });
    }
    return texts.map((t) => found.get(t)!);
  }

  private rememberQuery(text: string, vector: Float32Array): void {
    if (this.queryVectors.size >= QUERY_CACHE_LIMIT) this.queryVectors.delete(this.queryVectors.keys().next().value!);
    this.queryVectors.set(text, vector);
  }

  /** `embedded[i]`: the vectors made for batch[i] (a knowledge entry's chunks that Ollama embedded; none when it refused them all). */
  private save(model: string, batch: readonly PendingEmbedding[], embedded: readonly ChunkVector[][]): number {
    const items = batch.map((entry, i) => ({ entry, chunks: embedded[i]! })).filter((item) => item.chunks.length > 0);
    const training = items.filter((item) => item.entry.kind === 'training').map(({ entry, chunks }) => ({ entry, vector: chunks[0]!.vector }));
    const knowledge = items.filter((item) => item.entry.kind === 'knowledge');
    const stored = (training.length > 0 ? this.store.saveTraining(model, training) : 0) + (knowledge.length > 0 ? this.store.saveKnowledge(model, knowledge) : 0);
    for (const guildId of new Set(items.map((item) => item.entry.guildId))) this.writes.set(guildId, (this.writes.get(guildId) ?? 0) + 1);
    return stored;
  }

  /** Entries the model refused leave the queue (logged), so one bad entry never holds up any guild's others. */
  private skipRefused(entries: readonly PendingEmbedding[]): void {
    if (entries.length === 0) return;
    this.store.skip(entries);
    for (const entry of entries) {
      this.writes.set(entry.guildId, (this.writes.get(entry.guildId) ?? 0) + 1);
      const where = { guildId: entry.guildId, kind: entry.kind, entryId: entry.id, chars: entry.text.length, model: this.model };
      this.deps.logger.warn(where, 'Ollama refused to embed this entry: it is matched by its words alone until it is edited');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.embedPending()
        .then(() => {
          this.retryMs = this.options.retryMs;
          this.schedule(this.options.pollMs);
        })
        .catch(() => {
          const wait = this.retryMs;
          this.retryMs = Math.min(this.retryMs * 2, this.options.maxRetryMs);
          this.schedule(wait);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Logged once when embedding starts failing, not for every batch or question while it lasts. */
  private noteFailure(error: unknown): void {
    this.unavailableUntil = Date.now() + this.options.retryMs;
    if (!this.failing) {
      this.failing = true;
      this.deps.logger.warn({ err: error, model: this.model }, 'embedding failed; matching by words alone until Ollama embeds again');
    }
  }

  private noteRecovered(): void {
    this.unavailableUntil = 0;
    if (this.failing) {
      this.failing = false;
      this.deps.logger.info({ model: this.model }, 'embeddings work again');
    }
  }
}

/** Thrown by embedPending when Ollama failed: the queue keeps what is left. */
export class EmbeddingPaused extends Error {
  constructor(cause: unknown) {
    super('embedding paused: Ollama is unavailable', { cause });
    this.name = 'EmbeddingPaused';
  }
}

/** A knowledge entry found by meaning: its best chunk's similarity, and that chunk's passage of the content when it is not the whole entry. */
export interface SimilarKnowledge {
  entryId: number;
  similarity: number;
  passage?: Passage;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no embedding within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
