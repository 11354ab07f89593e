import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaService } from '../../../src/core/ai/ollama.js';
import { capToTokens, estimateTokens } from '../../../src/core/ai/token-estimate.js';
import { silentLogger } from '../../../src/log.js';
import { capturingLogger } from '../../reliability/helpers.js';
import { fakeEmbedding, FakeOllama } from '../../fakes/ollama.js';
import { fakeTokenCount } from '../../fakes/ollama-embed.js';

let fake: FakeOllama;

beforeEach(async () => {
  fake = await FakeOllama.start({ models: ['llama3', 'all-minilm', 'nomic-embed-text'] });
});

afterEach(async () => {
  await fake.stop();
});

function service(embedModel = 'all-minilm', logger = silentLogger()): OllamaService {
  return new OllamaService({ host: fake.url, model: 'llama3', embedModel, firstTokenTimeoutMs: 5_000, maxConcurrent: 1, logger });
}

const embedBatches = () => fake.requests.filter((r) => r.path === '/api/embed').map((r) => (r.body as { input: string[] }).input);

/** A knowledge entry of `n` words: far beyond all-minilm's 512 tokens for n in the thousands. */
const longEntry = (n: number) => Array.from({ length: n }, (_, i) => `step${i % 50} configure`).join(' ');

describe('token estimate', () => {
  it('errs high against a word-piece count, and cuts at a word boundary within the limit', () => {
    for (const text of ['Reset my password, please!', longEntry(300), 'パスワードを忘れました', 'https://example.com/a/very/long/path?with=query&and=more']) {
      expect(estimateTokens(text)).toBeGreaterThanOrEqual(fakeTokenCount(text));
    }
    const { text, capped } = capToTokens(longEntry(300), 100);
    expect(capped).toBe(true);
    expect(estimateTokens(text)).toBeLessThanOrEqual(100);
    expect(longEntry(300).startsWith(text)).toBe(true);
    expect(capToTokens('short text', 100)).toEqual({ text: 'short text', capped: false });
  });
});

describe('OllamaEmbeddings: texts longer than the embedding model context', () => {
  it('embeds a knowledge entry longer than the model context (by its beginning) where Ollama refuses the whole batch', async () => {
    fake.embedRefusesOverlong = true;
    const texts = ['How do I reset my password?', longEntry(2000), 'Where is my order?'];
    const vectors = await service().embed(texts);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toEqual(fakeEmbedding(texts[0]!));
    expect(vectors[2]).toEqual(fakeEmbedding(texts[2]!));
    const sent = embedBatches().flat()[1]!;
    expect(texts[1]!.startsWith(sent)).toBe(true);
    expect(fakeTokenCount(sent)).toBeLessThanOrEqual(510);
    expect(vectors[1]).toEqual(fakeEmbedding(sent));
  });

  it('on a 400 for a batch, splits it until the refused text is alone, skips it (logged) and embeds all the others', async () => {
    // The server takes far less than the bot believes (64 tokens), as when a runner's batch is smaller than the context.
    fake.embedRefusesBeyondTokens = 64;
    const texts = Array.from({ length: 40 }, (_, i) => `question number ${i}`);
    texts[17] = longEntry(60);
    const log = capturingLogger();
    const ai = service('all-minilm', log.logger);
    const vectors = await ai.embed(texts);
    expect(vectors).toHaveLength(40);
    expect(vectors[17]).toBeUndefined();
    texts.forEach((text, i) => i !== 17 && expect(vectors[i], `text ${i}`).toEqual(fakeEmbedding(text)));
    expect(ai.embeddings!.skipped()).toBe(1);
    expect(log.text()).toContain('Ollama refused to embed a text; it is skipped');
    // Halving: 32 → 16 → 8 → 4 → 2 → 1 around the bad text, not one request per text.
    expect(embedBatches().length).toBeLessThanOrEqual(14);
  });

  it('skips a text the model runner fails on (500) once a short text proves Ollama itself embeds', async () => {
    fake.embedRunnerFailsOn = (text) => text.includes('\u0000');
    const texts = ['first question', 'broken \u0000 text', 'third question'];
    const ai = service();
    const vectors = await ai.embed(texts);
    expect([vectors[0], vectors[2]]).toEqual([fakeEmbedding(texts[0]!), fakeEmbedding(texts[2]!)]);
    expect(vectors[1]).toBeUndefined();
    expect(ai.embeddings!.skipped()).toBe(1);
  });

  it('skips nothing when Ollama fails every text (500): the call fails and the queue keeps them', async () => {
    fake.embedRunnerFailsOn = () => true;
    const ai = service();
    await expect(ai.embed(['first question', 'second question'])).rejects.toMatchObject({ kind: 'error' });
    expect(ai.embeddings!.skipped()).toBe(0);
  });

  it('still fails the whole call when Ollama is down, so the queue keeps every entry for later', async () => {
    await fake.stop();
    await expect(service().embed(['hi'])).rejects.toMatchObject({ kind: 'down' });
  });
});

describe('OllamaEmbeddings: the embedding model check (/api/show)', () => {
  it('reports a pulled embedding model with the context it reports', async () => {
    expect(await service('nomic-embed-text').embeddings!.check()).toMatchObject({
      model: 'nomic-embed-text', reachable: true, pulled: true, embedding: true, contextTokens: 2048, contextKnown: true,
    });
    expect((await service('all-minilm').embeddings!.check()).contextTokens).toBe(512);
  });

  it('cuts texts to the context /api/show reports: whole for nomic-embed-text (2048), cut for all-minilm (512)', async () => {
    const text = longEntry(300); // ~600 fake tokens
    await service('nomic-embed-text').embed([text]);
    await service('all-minilm').embed([text]);
    const [toNomic, toMinilm] = embedBatches().map((batch) => batch[0]!);
    expect(toNomic).toBe(text);
    expect(toMinilm!.length).toBeLessThan(text.length);
  });

  it('says plainly when the model is not pulled, or is a chat model that cannot embed, and then embeds nothing', async () => {
    expect(await service('mxbai-embed-large').embeddings!.check()).toMatchObject({
      reachable: true, pulled: false, error: 'model "mxbai-embed-large" is not pulled; run: ollama pull mxbai-embed-large',
    });
    const chatModel = service('llama3');
    expect(await chatModel.embeddings!.check()).toMatchObject({ pulled: true, embedding: false, error: expect.stringContaining('"llama3" is not an embedding model') });
    await expect(chatModel.embed(['hi'])).rejects.toMatchObject({ kind: 'model_missing' });
    expect(embedBatches()).toEqual([]);
  });

  it('assumes a safe 512-token context while Ollama does not say (no capabilities or context in /api/show)', async () => {
    await fake.stop();
    const ai = service('nomic-embed-text');
    expect(await ai.embeddings!.check()).toMatchObject({ reachable: false, contextTokens: 512, contextKnown: false });
  });
});
