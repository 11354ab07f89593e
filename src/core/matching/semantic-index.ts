import type { Db } from '../../db/database.js';
import type { Logger } from '../../log.js';
import { EmbeddingStore, type EmbeddingKind, type PendingEmbedding } from './embedding-store.js';
import type { MatchCandidate, Matcher, SemanticEvidence } from './matcher.js';
import { dotAt, unitVector } from './vectors.js';

/** The slice of OllamaService semantic search needs (a fake fits too). */
export interface Embedder {
  readonly embedModel: string | undefined;
  embed(texts: string[]): Promise<number[][]>;
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
  /** A guild with at most this many vectors (of a kind) is scanned whole; a larger one only re-ranks the lexical candidates. */
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

/** A guild's vectors of one kind, as one matrix (row i belongs to keys[i]). */
interface VectorMatrix<K> {
  version: string;
  dimensions: number;
  keys: K[];
  matrix: Float32Array;
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
  private readonly matrices = new Map<string, VectorMatrix<string | number>>();
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

  /** Entries still waiting for a vector. */
  queued(): number {
    return this.store.queued();
  }

  /**
   * Embeds queued entries until the queue is empty; returns how many were stored. When Ollama
   * fails it rejects with EmbeddingPaused and the rest stays queued (the background loop retries).
   */
  async embedPending(): Promise<number> {
    const model = this.model;
    if (!model) return 0;
    let stored = 0;
    for (;;) {
      const batch = this.store.pending(this.options.batchSize);
      if (batch.length === 0) return stored;
      let vectors: number[][];
      try {
        vectors = await this.deps.embedder.embed(batch.map((e) => documentText(model, e.text)));
      } catch (error) {
        this.noteFailure(error);
        throw new EmbeddingPaused(error);
      }
      this.noteRecovered();
      stored += this.save(model, batch, vectors);
    }
  }

  /** `Matcher.match` with vector similarity fused in when embeddings are available; the words alone otherwise. */
  async matchHybrid(guildId: string, text: string, limit = 5): Promise<MatchCandidate[]> {
    return (await this.matchHybridAll(guildId, [text], limit))[0]!;
  }

  /** matchHybrid for several texts of one message (their vectors in one request). */
  async matchHybridAll(guildId: string, texts: readonly string[], limit = 5): Promise<MatchCandidate[][]> {
    const evidence = await this.semanticEvidence(guildId, texts);
    return texts.map((text, i) => this.deps.matcher.match(guildId, text, limit, evidence[i]));
  }

  /** What the vectors say about each text, for Matcher.match / rank; undefined where the words alone must do. */
  async semanticEvidence(guildId: string, texts: readonly string[]): Promise<(SemanticEvidence | undefined)[]> {
    const vectors = await this.vectorsOf(texts);
    return texts.map((_, i) => {
      const vector = vectors?.[i];
      return vector && this.evidence(guildId, vector);
    });
  }

  /**
   * Knowledge-base entries of the guild nearest to the text by embedding, with their cosine
   * similarity, best first; [] without embeddings, while Ollama is unavailable, or for a guild with
   * more than `scanLimit` embedded entries (where the knowledge search's words alone serve).
   */
  async similarKnowledge(guildId: string, text: string, limit: number): Promise<{ entryId: number; similarity: number }[]> {
    const vector = (await this.vectorsOf([text]))?.[0];
    if (!vector) return [];
    const scanned = this.scan<number>('knowledge', guildId, vector);
    if (!scanned) return [];
    return [...scanned].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([entryId, similarity]) => ({ entryId, similarity }));
  }

  private evidence(guildId: string, vector: Float32Array): SemanticEvidence {
    const scanned = this.scan<string>('training', guildId, vector);
    const nearestAnswers = scanned
      ? [...scanned].sort((a, b) => b[1] - a[1]).slice(0, this.options.nearestAnswers).map(([answer]) => answer)
      : [];
    return {
      nearestAnswers,
      similarities: (answers) => {
        if (scanned) return new Map(answers.flatMap((a) => (scanned.has(a) ? [[a, scanned.get(a)!] as const] : [])));
        return bestPerKey(this.store.answerVectors(guildId, this.model!, answers), vector);
      },
    };
  }

  /** Best similarity per key over all the guild's vectors of a kind, or undefined when the guild is too big to scan. */
  private scan<K extends string | number>(kind: EmbeddingKind, guildId: string, vector: Float32Array): Map<K, number> | undefined {
    const matrix = this.matrix(kind, guildId) as VectorMatrix<K> | undefined;
    if (!matrix || matrix.dimensions !== vector.length) return undefined;
    const best = new Map<K, number>();
    for (let row = 0; row < matrix.keys.length; row++) {
      const key = matrix.keys[row]!;
      const similarity = dotAt(vector, matrix.matrix, row * matrix.dimensions);
      if (similarity > (best.get(key) ?? -Infinity)) best.set(key, similarity);
    }
    return best;
  }

  private matrix(kind: EmbeddingKind, guildId: string): VectorMatrix<string | number> | undefined {
    const model = this.model!;
    const count = this.store.count(kind, guildId, model, this.options.scanLimit + 1);
    if (count === 0 || count > this.options.scanLimit) return undefined;
    const cacheKey = `${kind}\u0000${guildId}`;
    const version = `${count}:${this.writes.get(guildId) ?? 0}`;
    const cached = this.matrices.get(cacheKey);
    if (cached && cached.version === version) {
      this.matrices.delete(cacheKey); // most recently used last
      this.matrices.set(cacheKey, cached);
      return cached;
    }
    const rows = kind === 'training' ? this.store.guildTrainingVectors(guildId, model) : this.store.guildKnowledgeVectors(guildId, model);
    const dimensions = rows[0]?.vector.length ?? 0;
    const usable = rows.filter((r) => r.vector.length === dimensions);
    const matrix = new Float32Array(usable.length * dimensions);
    usable.forEach((r, i) => matrix.set(r.vector, i * dimensions));
    const built: VectorMatrix<string | number> = { version, dimensions, keys: usable.map((r) => r.key), matrix };
    this.matrices.delete(cacheKey);
    this.matrices.set(cacheKey, built);
    this.evictBeyondBudget();
    return built;
  }

  private evictBeyondBudget(): void {
    let bytes = 0;
    for (const m of this.matrices.values()) bytes += m.matrix.byteLength;
    for (const [key, m] of this.matrices) {
      if (bytes <= this.options.cacheBytes || this.matrices.size <= 1) break;
      this.matrices.delete(key);
      bytes -= m.matrix.byteLength;
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
      if (!embedded || embedded.length !== missing.length) return undefined;
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

  private save(model: string, batch: readonly PendingEmbedding[], vectors: readonly number[][]): number {
    let stored = 0;
    for (const kind of ['training', 'knowledge'] as const) {
      const items = batch.flatMap((entry, i) => (entry.kind === kind && vectors[i] ? [{ entry, vector: unitVector(vectors[i]) }] : []));
      if (items.length === 0) continue;
      stored += this.store.save(kind, model, items);
      for (const guildId of new Set(items.map((item) => item.entry.guildId))) this.writes.set(guildId, (this.writes.get(guildId) ?? 0) + 1);
    }
    return stored;
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

/** nomic-embed-text is trained with task prefixes; other models take the text as is. */
export function documentText(model: string, text: string): string {
  return /nomic/i.test(model) ? `search_document: ${text}` : text;
}

export function queryText(model: string, text: string): string {
  return /nomic/i.test(model) ? `search_query: ${text}` : text;
}

function bestPerKey<K>(rows: readonly { key: K; vector: Float32Array }[], vector: Float32Array): Map<K, number> {
  const best = new Map<K, number>();
  for (const { key, vector: other } of rows) {
    if (other.length !== vector.length) continue;
    const similarity = dotAt(vector, other, 0);
    if (similarity > (best.get(key) ?? -Infinity)) best.set(key, similarity);
  }
  return best;
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
