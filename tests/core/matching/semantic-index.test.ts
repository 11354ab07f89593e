import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaService } from '../../../src/core/ai/ollama.js';
import { KnowledgeStore } from '../../../src/core/knowledge/store.js';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { EmbeddingPaused, SemanticIndex, type Embedder, type SemanticIndexOptions } from '../../../src/core/matching/semantic-index.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { importTraining } from '../../../src/core/training/transfer.js';
import type { Db } from '../../../src/db/database.js';
import { silentLogger } from '../../../src/log.js';
import { FakeOllama } from '../../fakes/ollama.js';
import { GUILD_A, GUILD_B, openTempDb, PASSWORD_ANSWER, SHIPPING_ANSWER, trainSupportGuild } from './support-guild.js';

const THRESHOLD = 0.85;

let db: Db;
let store: TrainingStore;
let fake: FakeOllama;

beforeEach(async () => {
  db = openTempDb();
  store = new TrainingStore(db);
  fake = await FakeOllama.start({ models: ['nomic-embed-text', 'other-embed'] });
});

afterEach(async () => {
  await fake.stop();
  db.close();
});

function ollama(embedModel: string | null = 'nomic-embed-text'): OllamaService {
  return new OllamaService({ host: fake.url, model: 'llama3', embedModel: embedModel ?? undefined, firstTokenTimeoutMs: 5_000, maxConcurrent: 1, logger: silentLogger() });
}

function semanticIndex(embedder: Embedder = ollama(), options: SemanticIndexOptions = {}): SemanticIndex {
  return new SemanticIndex(db, { embedder, matcher: new Matcher(db), logger: silentLogger() }, options);
}

function storedModels(): string[] {
  return db.prepare('SELECT model FROM training_embeddings ORDER BY entry_id').pluck().all() as string[];
}

function embedInputs(): string[] {
  return fake.requests.filter((r) => r.path === '/api/embed').flatMap((r) => (r.body as { input: string[] }).input);
}

/** Hand-made 3-d vectors by keyword: [phone, password, shipping]; anything else points elsewhere. */
const keywordEmbedder: Embedder = {
  embedModel: 'keywords',
  embed: async (texts) =>
    texts.map((t) => [/phone|cell|mobile/i.test(t) ? 1 : 0, /password|login/i.test(t) ? 1 : 0, /ship|arriv|deliver|order/i.test(t) ? 1 : 0, 0.05]),
};

describe('SemanticIndex: embedding the entries', () => {
  it('embeds added entries in batches with the model name and the nomic document prefix, and empties the queue', async () => {
    trainSupportGuild(store, GUILD_A);
    const semantic = semanticIndex();
    expect(semantic.queued()).toBe(14);
    expect(await semantic.embedPending()).toBe(14);
    expect(semantic.queued()).toBe(0);
    expect(new Set(storedModels())).toEqual(new Set(['nomic-embed-text']));
    expect(embedInputs()).toContain('search_document: How do I reset my password?');
  });

  it('embeds knowledge-base entries too (title and content)', async () => {
    const knowledge = new KnowledgeStore(db);
    const kb = knowledge.create(GUILD_A, { name: 'Guides' });
    knowledge.addEntry(GUILD_A, kb.id, { title: 'Resetting a router', content: 'Hold the reset button for ten seconds.' });
    await semanticIndex().embedPending();
    expect(db.prepare('SELECT count(*) FROM kb_embeddings').pluck().get()).toBe(1);
    expect(embedInputs()).toContain('search_document: Resetting a router\nHold the reset button for ten seconds.');
  });

  it('takes other models\' text as is (no nomic prefixes)', async () => {
    store.add(GUILD_A, { question: 'Where is my order?', answer: SHIPPING_ANSWER });
    const semantic = semanticIndex(ollama('other-embed'));
    await semantic.embedPending();
    await semantic.matchHybrid(GUILD_A, 'where is my parcel');
    expect(embedInputs()).toEqual(['Where is my order?', 'where is my parcel']);
  });

  it('never blocks or fails a write while Ollama is down; the entry is embedded once it is back', async () => {
    const semantic = semanticIndex();
    await fake.stop();
    const entry = store.add(GUILD_A, { question: 'How do I reset my password?', answer: PASSWORD_ANSWER });
    expect(store.get(GUILD_A, entry.id)).toBeDefined();
    await expect(semantic.embedPending()).rejects.toBeInstanceOf(EmbeddingPaused);
    expect(semantic.queued()).toBe(1);
    await fake.restart();
    expect(await semantic.embedPending()).toBe(1);
    expect(semantic.queued()).toBe(0);
  });

  it('re-embeds entries whose vector came from another model when started with a new one', async () => {
    trainSupportGuild(store, GUILD_A);
    await semanticIndex(ollama('other-embed')).embedPending();
    expect(new Set(storedModels())).toEqual(new Set(['other-embed']));

    const semantic = semanticIndex(ollama('nomic-embed-text'));
    semantic.start();
    await semantic.stop();
    expect(semantic.queued()).toBe(14);
    await semantic.embedPending();
    expect(new Set(storedModels())).toEqual(new Set(['nomic-embed-text']));
  });

  it('drops the vector of an edited question and embeds the new text; a deleted entry leaves no vector or queue row', async () => {
    const entry = store.add(GUILD_A, { question: 'How do I reset my password?', answer: PASSWORD_ANSWER });
    const semantic = semanticIndex();
    await semantic.embedPending();
    db.prepare('UPDATE training_entries SET question = ? WHERE id = ?').run('I forgot my login', entry.id);
    expect(storedModels()).toEqual([]);
    expect(semantic.queued()).toBe(1);
    await semantic.embedPending();
    expect(embedInputs()).toContain('search_document: I forgot my login');

    store.delete(GUILD_A, entry.id);
    expect(storedModels()).toEqual([]);
    expect(semantic.queued()).toBe(0);
  });

  it('does nothing without an embedding model', async () => {
    trainSupportGuild(store, GUILD_A);
    const semantic = semanticIndex(ollama(null));
    expect(semantic.enabled).toBe(false);
    expect(await semantic.embedPending()).toBe(0);
    expect(fake.requests).toEqual([]);
  });
});

describe('SemanticIndex: matching', () => {
  beforeEach(() => trainSupportGuild(store, GUILD_A));

  it('gives the words-only result, without error, when there is no model or Ollama is down', async () => {
    const lexical = new Matcher(db).match(GUILD_A, 'how do I reset my password');
    expect(lexical[0]).toMatchObject({ answer: PASSWORD_ANSWER });
    expect(await semanticIndex(ollama(null)).matchHybrid(GUILD_A, 'how do I reset my password')).toEqual(lexical);
    const semantic = semanticIndex();
    await semantic.embedPending();
    await fake.stop();
    expect(await semantic.matchHybrid(GUILD_A, 'how do I reset my password')).toEqual(lexical);
  });

  it('gives the words-only result when the question\'s vector takes too long', async () => {
    const hanging: Embedder = { embedModel: 'slow', embed: () => new Promise(() => {}) };
    const semantic = semanticIndex(hanging, { queryTimeoutMs: 30 });
    const lexical = new Matcher(db).match(GUILD_A, 'when will my order arrive');
    expect(lexical[0]).toMatchObject({ answer: SHIPPING_ANSWER });
    expect(await semantic.matchHybrid(GUILD_A, 'when will my order arrive')).toEqual(lexical);
  });

  it('embeds the question with the nomic query prefix and keeps a trained question confident', async () => {
    const semantic = semanticIndex();
    await semantic.embedPending();
    const [best] = await semantic.matchHybrid(GUILD_A, 'How do I reset my password?');
    expect(best).toMatchObject({ answer: PASSWORD_ANSWER });
    expect(best!.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(embedInputs()).toContain('search_query: How do I reset my password?');
  });

  it('finds an answer the words miss, but is never surer than the words', async () => {
    store.add(GUILD_A, { question: 'I lost my phone', answer: 'Use Find My Device.' });
    const semantic = semanticIndex(keywordEmbedder);
    await semantic.embedPending();
    const text = 'cell went missing';
    expect(new Matcher(db).match(GUILD_A, text).map((m) => m.answer)).not.toContain('Use Find My Device.');
    const [best] = await semantic.matchHybrid(GUILD_A, text);
    expect(best!.answer).toBe('Use Find My Device.');
    expect(best!.score).toBeLessThan(THRESHOLD);
  });

  it('finds the new answer by meaning once staff change only the answer (import), not the one it replaced', async () => {
    store.add(GUILD_A, { question: 'I lost my phone', answer: 'Use Find My Device.' });
    const semantic = semanticIndex(keywordEmbedder);
    await semantic.embedPending();
    expect((await semantic.matchHybrid(GUILD_A, 'cell went missing'))[0]!.answer).toBe('Use Find My Device.');

    const file = JSON.stringify([{ question: 'I lost my phone', answer: 'Call us on 0800 123 and we lock it for you.' }]);
    expect(importTraining(db, GUILD_A, file)).toMatchObject({ updated: 1 });
    expect(semantic.queued()).toBe(0); // the question kept its vector
    const answers = (await semantic.matchHybrid(GUILD_A, 'cell went missing')).map((m) => m.answer);
    expect(answers[0]).toBe('Call us on 0800 123 and we lock it for you.');
    expect(answers).not.toContain('Use Find My Device.');
  });

  it('re-ranks only the words\' candidates in a guild too big to scan', async () => {
    store.add(GUILD_A, { question: 'I lost my phone', answer: 'Use Find My Device.' });
    const semantic = semanticIndex(keywordEmbedder, { scanLimit: 2 });
    await semantic.embedPending();
    const answers = (await semantic.matchHybrid(GUILD_A, 'cell went missing')).map((m) => m.answer);
    expect(answers).not.toContain('Use Find My Device.');
    expect((await semantic.matchHybrid(GUILD_A, 'I lost my phone'))[0]!.answer).toBe('Use Find My Device.');
  });

  it('never returns another guild\'s training or knowledge', async () => {
    store.add(GUILD_B, { question: 'My phone was stolen', answer: 'Guild B phone answer.' });
    const knowledge = new KnowledgeStore(db);
    const kbB = knowledge.create(GUILD_B, { name: 'B guides' });
    knowledge.addEntry(GUILD_B, kbB.id, { title: 'Phones', content: 'Lost phones are handled by guild B.' });
    const semantic = semanticIndex(keywordEmbedder);
    await semantic.embedPending();
    expect((await semantic.matchHybrid(GUILD_A, 'my cellphone is gone')).map((m) => m.answer)).not.toContain('Guild B phone answer.');
    expect(await semantic.similarKnowledge(GUILD_A, 'my cellphone is gone', 3)).toEqual([]);
    expect((await semantic.similarKnowledge(GUILD_B, 'my cellphone is gone', 3)).map((k) => k.similarity)).toHaveLength(1);
  });

  it('finds knowledge-base entries by meaning, best first', async () => {
    const knowledge = new KnowledgeStore(db);
    const kb = knowledge.create(GUILD_A, { name: 'Guides' });
    const phone = knowledge.addEntry(GUILD_A, kb.id, { title: 'Lost devices', content: 'Track a lost cell with Find My Device.' });
    knowledge.addEntry(GUILD_A, kb.id, { title: 'Delivery times', content: 'Orders arrive in 2 days.' });
    const semantic = semanticIndex(keywordEmbedder);
    await semantic.embedPending();
    const [first] = await semantic.similarKnowledge(GUILD_A, 'my mobile is gone', 2);
    expect(first!.entryId).toBe(phone.id);
    expect(first!.similarity).toBeGreaterThan(0.9);
  });
});

describe('SemanticIndex: an embedding model Ollama unloads while the server is quiet', () => {
  beforeEach(() => trainSupportGuild(store, GUILD_A));

  it('keeps it loaded for OLLAMA_KEEP_ALIVE, so a question after a quiet spell is still matched by meaning, not by words alone', async () => {
    // Ollama unloads a model OLLAMA_KEEP_ALIVE after its last request unless the request says otherwise
    // (its default is 5 minutes; this server's 300 ms), and loading it again takes longer than a
    // member's question waits for its vector (queryTimeoutMs, its default 2 s). The margins are wide so a
    // loaded machine cannot fail it: a loaded model embeds the question in one local round trip, well
    // inside 2 s, while loading it again takes 10 s. The wait outlasts the 300 ms keep-alive whatever the
    // load, as the fake's unload timer is set first, for less.
    Object.assign(fake, { defaultKeepAliveMs: 300 });
    const semantic = semanticIndex(ollama());
    await semantic.embedPending();
    Object.assign(fake, { embedLoadMs: 10_000 });
    await new Promise((r) => setTimeout(r, 600));
    const text = 'my order has not arrived yet';
    const wordsAlone = new Matcher(db).match(GUILD_A, text);
    const matched = await semantic.matchHybrid(GUILD_A, text);
    expect(matched[0]).toMatchObject({ answer: SHIPPING_ANSWER });
    expect(matched).not.toEqual(wordsAlone); // the question's vector re-ranked the candidates
    expect(fake.requests.filter((r) => r.path === '/api/embed').map((r) => (r.body as { keep_alive?: string }).keep_alive)).toEqual(['30m', '30m']);
  });
});
