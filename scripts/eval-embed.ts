/**
 * The eval's semantic evidence (`--embed`, scripts/eval.ts and eval-suite.ts): a trained database's
 * questions and a dataset's queries embedded through the bot's own OllamaService and SemanticIndex,
 * as a guild with OLLAMA_EMBED_MODEL gets them. Through OLLAMA_URL with OLLAMA_EMBED_MODEL (default
 * nomic-embed-text) when OLLAMA_URL is set, e.g. a real Ollama or scripts/sentence-encoder-server.ts;
 * else through a FakeOllama started for the call (tests/fakes/ollama.ts: deterministic hashed
 * bag-of-words vectors, a stand-in, not a semantic model).
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../src/db/database.js';
import { OllamaService } from '../src/core/ai/ollama.js';
import { SemanticIndex } from '../src/core/matching/semantic-index.js';
import { silentLogger } from '../src/log.js';
import { FakeOllama } from '../tests/fakes/ollama.js';
import { evalMatcher, GUILD_ID, UsageError, type Dataset, type Evidence } from './eval-lib.js';

/** Where --embed's vectors come from: OLLAMA_URL's OLLAMA_EMBED_MODEL, or the in-process fake. */
export function embeddingSource(): { external: string | undefined; model: string; description: string } {
  const external = process.env.OLLAMA_URL || undefined;
  const model = external ? (process.env.OLLAMA_EMBED_MODEL ?? 'nomic-embed-text') : 'fake-embed';
  return { external, model, description: `${model} via ${external ?? 'FakeOllama (in process; hashed bag of words, not a semantic model)'}` };
}

/**
 * Embeds the database's trained questions and the dataset's queries, and returns each query's
 * semantic evidence (its vector scanned against this database's vectors, so a database trained
 * differently needs its own call). `report`: print where the vectors came from and how long they took.
 */
export async function embedAll(db: Db, dataset: Dataset, report = true): Promise<Evidence> {
  const { external, model } = embeddingSource();
  const fake = external ? undefined : await FakeOllama.start({ models: [model] });
  try {
    const hosts = external ? external.split(',').map((url) => url.trim()).filter((url) => url !== '') : [fake!.url];
    const ollama = new OllamaService({ host: hosts, model, embedModel: model, firstTokenTimeoutMs: 120_000, maxConcurrent: 1, logger: silentLogger() });
    const semantic = new SemanticIndex(db, { embedder: ollama, matcher: evalMatcher(db), logger: silentLogger() }, { queryTimeoutMs: 600_000 });
    const started = performance.now();
    const stored = await semantic.embedPending();
    const trainedMs = performance.now() - started;
    const texts = [...new Set(dataset.queries.map((q) => q.text))];
    const queryStarted = performance.now();
    const evidence = await semantic.semanticEvidence(GUILD_ID, texts);
    const queryMs = performance.now() - queryStarted;
    if (evidence.some((e) => e === undefined)) throw new UsageError(`--embed: the queries could not be embedded through ${external ?? 'the fake Ollama'}.`);
    if (report) {
      console.log(
        `embeddings: ${embeddingSource().description}; ${stored} trained questions in ${Math.round(trainedMs)} ms, ` +
          `${texts.length} queries in ${Math.round(queryMs)} ms (${(queryMs / texts.length).toFixed(3)} ms per query, batched)`,
      );
    }
    return new Map(texts.map((text, i) => [text, evidence[i]]));
  } finally {
    await fake?.stop();
  }
}
