import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { knowledgeReference } from '../../../src/core/ai/prompt.js';
import { OllamaService } from '../../../src/core/ai/ollama.js';
import { estimateTokens } from '../../../src/core/ai/token-estimate.js';
import { KnowledgeStore } from '../../../src/core/knowledge/store.js';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { SemanticIndex, type Embedder } from '../../../src/core/matching/semantic-index.js';
import { Retrieval } from '../../../src/core/retrieval.js';
import type { Db } from '../../../src/db/database.js';
import { silentLogger } from '../../../src/log.js';
import { fakeTokenCount } from '../../fakes/ollama-embed.js';
import { FakeOllama } from '../../fakes/ollama.js';
import { ANSWER_AT_THE_END, handbook, HANDBOOK_TITLE, QUESTION_AT_THE_END } from '../knowledge/long-entry.js';
import { GUILD_A, GUILD_B, openTempDb } from './support-guild.js';

/**
 * Long knowledge entries against the fake Ollama, which cuts an input to the model's context as
 * Ollama does (tests/fakes/ollama-embed.ts): nomic-embed-text, 2,048 tokens.
 */
let db: Db;
let fake: FakeOllama;
let knowledge: KnowledgeStore;
let kbId: number;

beforeEach(async () => {
  db = openTempDb();
  fake = await FakeOllama.start({ models: ['nomic-embed-text'] });
  knowledge = new KnowledgeStore(db);
  kbId = knowledge.create(GUILD_A, { name: 'Guides' }).id;
});

afterEach(async () => {
  await fake.stop();
  db.close();
});

function ollama(): OllamaService {
  return new OllamaService({ host: fake.url, model: 'llama3', embedModel: 'nomic-embed-text', firstTokenTimeoutMs: 5_000, maxConcurrent: 1, logger: silentLogger() });
}

function semanticIndex(embedder: Embedder = ollama()): SemanticIndex {
  return new SemanticIndex(db, { embedder, matcher: new Matcher(db), logger: silentLogger() });
}

const vectorsOf = (entryId: number) => db.prepare('SELECT count(*) FROM kb_embeddings WHERE entry_id = ?').pluck().get(entryId) as number;
const embedInputs = () => fake.requests.filter((r) => r.path === '/api/embed').flatMap((r) => (r.body as { input: string[] }).input);

/** The long entry, and a short one that shares a word or two with the question. */
function addEntries(): { long: number; short: number } {
  const long = knowledge.addEntry(GUILD_A, kbId, { title: HANDBOOK_TITLE, content: handbook() }).id;
  const short = knowledge.addEntry(GUILD_A, kbId, { title: 'Refund policy', content: 'A purchase can be refunded within 14 days; write to staff with your order number.' }).id;
  return { long, short };
}

describe('Knowledge entries longer than the embedding context', () => {
  it('finds a 10,000-character entry by its vector when only its end answers the question', async () => {
    const content = handbook();
    expect(content.length).toBeGreaterThan(9_900);
    // The answer lies beyond the 2,046 tokens a single input keeps: one vector of the entry never saw it.
    expect(estimateTokens(`${HANDBOOK_TITLE}\n${content.slice(0, content.indexOf(ANSWER_AT_THE_END))}`)).toBeGreaterThan(2_046);
    const { long, short } = addEntries();
    // The same handbook without the answer: only the end of `long` tells them apart.
    const other = knowledge.addEntry(GUILD_A, kbId, { title: HANDBOOK_TITLE, content: content.replace(ANSWER_AT_THE_END, 'Lost and found: ask in the lobby.') }).id;
    const semantic = semanticIndex();
    expect(await semantic.embedPending()).toBe(3);

    const found = await semantic.similarKnowledge(GUILD_A, QUESTION_AT_THE_END, 3);
    expect(found[0]!.entryId).toBe(long);
    expect(found.slice(1).map((f) => f.entryId).sort()).toEqual([short, other].sort());
    expect(found[0]!.similarity).toBeGreaterThan(found[1]!.similarity + 0.15); // 0.49 vs 0.29 with the fake; tied at 0.25 when only the beginning was embedded
    expect(content.slice(found[0]!.passage!.start, found[0]!.passage!.end)).toContain(ANSWER_AT_THE_END);
  });

  it('sends Ollama only inputs within the context it reported, so nothing is cut off unseen', async () => {
    fake.embedContextTokens['nomic-embed-text'] = 256; // a server run with a small num_ctx
    const { long } = addEntries();
    const semantic = semanticIndex();
    await semantic.embedPending();
    expect(vectorsOf(long)).toBeGreaterThan(10);
    for (const input of embedInputs()) expect(fakeTokenCount(input)).toBeLessThanOrEqual(254);
    expect(embedInputs().some((input) => input.includes('press Dispute'))).toBe(true);
  });

  it('embeds a short entry whole, as before: one vector of "title, newline, content", standing for the whole entry', async () => {
    const { short } = addEntries();
    await semanticIndex().embedPending();
    expect(db.prepare('SELECT chunk, passage_start, passage_end FROM kb_embeddings WHERE entry_id = ?').all(short)).toEqual([
      { chunk: 0, passage_start: null, passage_end: null },
    ]);
    expect(embedInputs()).toContain('search_document: Refund policy\nA purchase can be refunded within 14 days; write to staff with your order number.');
    const [hit] = await semanticIndex().similarKnowledge(GUILD_A, 'refund within 14 days', 1);
    expect(hit).toEqual({ entryId: short, similarity: expect.any(Number) });
  });

  it('counts entries, not chunks, in the queue and in what it embedded', async () => {
    addEntries();
    const semantic = semanticIndex();
    expect(semantic.queued(GUILD_A)).toBe(2);
    expect(await semantic.embedPending()).toBe(2);
    expect(db.prepare('SELECT count(*) FROM kb_embeddings').pluck().get()).toBeGreaterThan(10);
    expect(semantic.queued(GUILD_A)).toBe(0);
  });

  it('replaces all of an edited entry\'s chunks, and removes a deleted entry\'s, with the entry change', async () => {
    const { long } = addEntries();
    const semantic = semanticIndex();
    await semantic.embedPending();
    expect(vectorsOf(long)).toBeGreaterThan(1);

    knowledge.updateEntry(GUILD_A, long, { title: HANDBOOK_TITLE, content: 'Moved: see the billing guide.' });
    expect(vectorsOf(long)).toBe(0); // none of the old text's chunks outlive the edit
    expect(semantic.queued(GUILD_A)).toBe(1);
    await semantic.embedPending();
    expect(vectorsOf(long)).toBe(1);
    expect(await semantic.similarKnowledge(GUILD_A, QUESTION_AT_THE_END, 3)).not.toContainEqual(expect.objectContaining({ passage: expect.anything() }));

    expect(knowledge.deleteEntry(GUILD_A, long)).toBe(true);
    expect(vectorsOf(long)).toBe(0);
    expect(semantic.queued(GUILD_A)).toBe(0);
  });

  it('saves no chunk of a text edited while it was being embedded: the new text is embedded next', async () => {
    const { long } = addEntries();
    const ai = ollama();
    const editing: Embedder = {
      embedModel: ai.embedModel,
      embedTextTokens: () => ai.embedTextTokens(),
      embed: async (texts) => {
        const vectors = await ai.embed(texts);
        if (texts.some((t) => t.includes('Community handbook'))) {
          db.prepare('UPDATE kb_entries SET content = ? WHERE id = ?').run(`${handbook(5_000)}\n\nEdited.`, long);
        }
        return vectors;
      },
    };
    const semantic = semanticIndex(editing);
    await semantic.embedPending();
    const passages = db.prepare('SELECT max(passage_end) FROM kb_embeddings WHERE entry_id = ?').pluck().get(long) as number;
    expect(passages).toBeLessThanOrEqual(5_100);
    expect(semantic.queued(GUILD_A)).toBe(0);
  });

  it('keeps the chunks Ollama embedded when it refuses one; an entry whose every chunk is refused leaves the queue', async () => {
    const { long, short } = addEntries();
    fake.embedRunnerFailsOn = (text) => text.includes('Duplicate charges') || text.includes('refunded within 14 days');
    const semantic = semanticIndex();
    expect(await semantic.embedPending()).toBe(1);
    expect(semantic.queued()).toBe(0);
    expect(vectorsOf(short)).toBe(0);
    const chunks = vectorsOf(long);
    expect(chunks).toBeGreaterThan(5);
    expect(embedInputs().filter((t) => t.includes('Duplicate charges')).length).toBeGreaterThan(0);
  });

  it('keeps each guild\'s chunks to itself', async () => {
    addEntries();
    const kbB = knowledge.create(GUILD_B, { name: 'B guides' });
    knowledge.addEntry(GUILD_B, kbB.id, { title: 'Other handbook', content: handbook() });
    const semantic = semanticIndex();
    await semantic.embedPending();
    const bIds = (await semantic.similarKnowledge(GUILD_B, QUESTION_AT_THE_END, 5)).map((f) => f.entryId);
    const aIds = (await semantic.similarKnowledge(GUILD_A, QUESTION_AT_THE_END, 5)).map((f) => f.entryId);
    expect(bIds).toHaveLength(1);
    expect(aIds).not.toContain(bIds[0]);
  });
});

describe('What the AI is shown of a long entry', () => {
  it('is the passage that answers the question, marked as an excerpt, not the entry\'s beginning', async () => {
    const { long } = addEntries();
    const semantic = semanticIndex();
    await semantic.embedPending();
    const retrieval = new Retrieval({ knowledge, matcher: new Matcher(db), semantic, knowledgeSimilarityThreshold: 0.7 });
    const hit = (await retrieval.knowledge(GUILD_A, QUESTION_AT_THE_END)).find((h) => h.entryId === long);
    expect(hit).toBeDefined();
    const reference = knowledgeReference({ id: hit!.entryId, kbName: hit!.kbName, title: hit!.title, content: hit!.content, passage: hit!.passage });
    expect(reference.header).toContain('(excerpt)');
    expect(reference.body).toContain(ANSWER_AT_THE_END);
    expect(reference.body).not.toContain('part 1:');
  });

  it('is the passage of the best chunk by embedding for an entry found by meaning alone', async () => {
    const { long } = addEntries();
    const semantic = semanticIndex();
    await semantic.embedPending();
    // No words' hit: the entry comes from the vectors, with its best chunk.
    const retrieval = new Retrieval({
      knowledge: { ...knowledge, search: () => [], getEntriesWithBase: (g: string, ids: number[]) => knowledge.getEntriesWithBase(g, ids) } as unknown as KnowledgeStore,
      matcher: new Matcher(db),
      semantic,
      knowledgeSimilarityThreshold: 0.2,
    });
    const [hit] = await retrieval.knowledge(GUILD_A, QUESTION_AT_THE_END);
    expect(hit?.entryId).toBe(long);
    expect(hit!.content.slice(hit!.passage!.start, hit!.passage!.end)).toContain(ANSWER_AT_THE_END);
  });
});
