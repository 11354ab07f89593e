import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaService } from '../../../src/core/ai/ollama.js';
import { KnowledgeStore } from '../../../src/core/knowledge/store.js';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { SemanticIndex } from '../../../src/core/matching/semantic-index.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import type { Db } from '../../../src/db/database.js';
import type { Logger } from '../../../src/log.js';
import { silentLogger } from '../../../src/log.js';
import { FakeOllama } from '../../fakes/ollama.js';
import { capturingLogger } from '../../reliability/helpers.js';
import { GUILD_A, GUILD_B, openTempDb, trainSupportGuild } from './support-guild.js';

/** The embedding queue against an Ollama that refuses over-long inputs (tests/fakes/ollama-embed.ts). */
let db: Db;
let fake: FakeOllama;

beforeEach(async () => {
  db = openTempDb();
  fake = await FakeOllama.start({ models: ['all-minilm'] });
  // Every request holding an input beyond 64 tokens fails whole with a 400, whatever the bot cuts to.
  fake.embedRefusesBeyondTokens = 64;
});

afterEach(async () => {
  await fake.stop();
  db.close();
});

function semanticIndex(logger: Logger = silentLogger()): SemanticIndex {
  const ai = new OllamaService({ host: fake.url, model: 'llama3', embedModel: 'all-minilm', firstTokenTimeoutMs: 5_000, maxConcurrent: 1, logger });
  return new SemanticIndex(db, { embedder: ai, matcher: new Matcher(db), logger }, { pollMs: 20, retryMs: 20, maxRetryMs: 40 });
}

const vectorCount = (table: 'training_embeddings' | 'kb_embeddings', guildId: string) =>
  db.prepare(`SELECT count(*) FROM ${table} WHERE guild_id = ?`).pluck().get(guildId) as number;

const tooLong = Array.from({ length: 80 }, (_, i) => `paragraph${i % 9} explains`).join(' ');

function addGuides(guildId: string, entries: { title: string; content: string }[]): number[] {
  const knowledge = new KnowledgeStore(db);
  const kb = knowledge.create(guildId, { name: 'Guides' });
  return entries.map((e) => knowledge.addEntry(guildId, kb.id, e).id);
}

describe('Embedding queue: one entry Ollama refuses', () => {
  it('is skipped and logged, and every other entry of every guild gets its vector (the queue empties)', async () => {
    trainSupportGuild(new TrainingStore(db), GUILD_B);
    const [badId] = addGuides(GUILD_A, [
      { title: 'Whole manual', content: tooLong },
      { title: 'Router', content: 'Hold the reset button for ten seconds.' },
    ]);
    const log = capturingLogger();
    const semantic = semanticIndex(log.logger);
    expect(semantic.queued()).toBe(16);

    expect(await semantic.embedPending()).toBe(15);
    expect(semantic.queued()).toBe(0);
    expect(vectorCount('training_embeddings', GUILD_B)).toBe(14);
    expect(vectorCount('kb_embeddings', GUILD_A)).toBe(1);
    expect(log.text()).toMatch(new RegExp(`refused to embed this entry[\\s\\S]*entryId: ${badId}`));
  });

  it('never keeps the background loop retrying it: the queue drains while new entries keep coming', async () => {
    addGuides(GUILD_A, [{ title: 'Whole manual', content: tooLong }]);
    const semantic = semanticIndex();
    semantic.start();
    try {
      await waitFor(() => semantic.queued() === 0);
      const training = new TrainingStore(db);
      training.add(GUILD_B, { question: 'How do I reset my password?', answer: 'Use the link.' });
      await waitFor(() => vectorCount('training_embeddings', GUILD_B) === 1);
      const requests = fake.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(fake.requests.length).toBe(requests); // nothing left to retry
    } finally {
      await semantic.stop();
    }
  });

  it('is queued again once staff edit it, and embedded when it fits', async () => {
    const [badId] = addGuides(GUILD_A, [{ title: 'Whole manual', content: tooLong }]);
    const semantic = semanticIndex();
    await semantic.embedPending();
    expect(vectorCount('kb_embeddings', GUILD_A)).toBe(0);
    db.prepare('UPDATE kb_entries SET content = ? WHERE id = ?').run('A short summary of the manual.', badId);
    expect(semantic.queued()).toBe(1);
    expect(await semantic.embedPending()).toBe(1);
    expect(vectorCount('kb_embeddings', GUILD_A)).toBe(1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
