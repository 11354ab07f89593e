import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiUnavailableError, OllamaService, type ChatMessage, type OllamaServiceOptions } from '../../../src/core/ai/ollama.js';
import { silentLogger } from '../../../src/log.js';
import { EMBEDDING_DIMENSIONS, FakeOllama, MID_STREAM_ERROR } from '../../fakes/ollama.js';

let fake: FakeOllama;

beforeEach(async () => {
  fake = await FakeOllama.start({ models: ['llama3', 'nomic-embed-text'], version: '0.9.1' });
});

afterEach(async () => {
  await fake.stop();
});

function service(overrides: Partial<OllamaServiceOptions> = {}): OllamaService {
  return new OllamaService({
    host: fake.url,
    model: 'llama3',
    embedModel: 'nomic-embed-text',
    firstTokenTimeoutMs: 3000,
    maxConcurrent: 2,
    logger: silentLogger(),
    ...overrides,
  });
}

const question: ChatMessage[] = [
  { role: 'system', content: 'You are a support assistant.' },
  { role: 'user', content: 'How do I reset my password?' },
];

async function collect(answer: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of answer) chunks.push(chunk);
  return chunks;
}

/** Runs a chat that must fail; returns the error and the chunks that arrived before it. */
async function failedChat(answer: AsyncIterable<string>): Promise<{ error: AiUnavailableError; chunks: string[]; ms: number }> {
  const chunks: string[] = [];
  const started = Date.now();
  try {
    for await (const chunk of answer) chunks.push(chunk);
  } catch (error) {
    expect(error).toBeInstanceOf(AiUnavailableError);
    return { error: error as AiUnavailableError, chunks, ms: Date.now() - started };
  }
  throw new Error(`expected the chat to fail, but it answered ${JSON.stringify(chunks.join(''))}`);
}

/** The fake sees the HTTP request closed: the service did not leave it hanging. */
async function expectNoOpenChats(): Promise<void> {
  await expect.poll(() => fake.openChats(), { timeout: 2000, interval: 20 }).toBe(0);
}

describe('OllamaService.chat', () => {
  it('streams the answer chunk by chunk and sends the model and messages', async () => {
    fake.reply = 'Open **Settings → Account** and press _Reset password_. 🔑';
    fake.chunkSize = 5;
    const chunks = await collect(service().chat(question));
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join('')).toBe(fake.reply);
    expect(fake.chatRequests()).toEqual([expect.objectContaining({ model: 'llama3', messages: question })]);
    expect(fake.requests.at(-1)?.body).toMatchObject({ stream: true });
  });

  it('reports a stopped Ollama as down at once, without waiting for the timeout', async () => {
    const ai = service({ firstTokenTimeoutMs: 5000 });
    await fake.stop();
    const { error, ms } = await failedChat(ai.chat(question));
    expect(error.kind).toBe('down');
    expect(error.message).toContain(fake.url);
    expect(ms).toBeLessThan(2000);
    expect(ai.lastHealth()).toMatchObject({ reachable: false });
  });

  it('answers again with the same service once Ollama is back', async () => {
    const ai = service();
    await fake.stop();
    expect((await failedChat(ai.chat(question))).error.kind).toBe('down');
    await fake.restart();
    expect((await collect(ai.chat(question))).join('')).toBe('You asked: How do I reset my password?');
    expect(ai.lastHealth()).toMatchObject({ reachable: true, modelPulled: true });
    expect(ai.activeCount()).toBe(0);
  });

  it('times out when the first token takes longer than the timeout, and closes the request', async () => {
    fake.firstTokenDelayMs = 10_000;
    const { error, ms } = await failedChat(service({ firstTokenTimeoutMs: 400 }).chat(question));
    expect(error.kind).toBe('timeout');
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(2000);
    await expectNoOpenChats();
  });

  it('times out when Ollama sends the status line and then nothing', async () => {
    fake.mode = 'hang';
    const { error, ms } = await failedChat(service({ firstTokenTimeoutMs: 400 }).chat(question));
    expect(error.kind).toBe('timeout');
    expect(ms).toBeLessThan(2000);
    await expectNoOpenChats();
  });

  it('times out mid-stream when OLLAMA_ANSWER_TIMEOUT is set and the whole answer cannot finish in it, after yielding what came', async () => {
    fake.reply = 'a'.repeat(40);
    fake.chunkSize = 2;
    fake.tokenDelayMs = 50; // about a second in all
    const { error, chunks } = await failedChat(service({ firstTokenTimeoutMs: 400, answerTimeoutMs: 400 }).chat(question));
    expect(error.kind).toBe('timeout');
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.join('').length).toBeLessThan(40);
    await expectNoOpenChats();
  });

  it('reports 503 as busy once the first-token deadline leaves no time to try again', async () => {
    fake.mode = 'busy503';
    const { error } = await failedChat(service({ firstTokenTimeoutMs: 600 }).chat(question));
    expect(error.kind).toBe('busy');
  });

  it('reports a model that is not pulled as model_missing, naming it', async () => {
    const { error } = await failedChat(service({ model: 'mistral' }).chat(question));
    expect(error.kind).toBe('model_missing');
    expect(error.message).toContain('mistral');
  });

  it('reports a connection cut mid-stream as stream_cut, after yielding the first part', async () => {
    fake.reply = 'The first half arrives, the second half never does.';
    fake.mode = 'cut';
    const { error, chunks } = await failedChat(service().chat(question));
    expect(error.kind).toBe('stream_cut');
    const partial = chunks.join('');
    expect(partial.length).toBeGreaterThan(0);
    expect(fake.reply.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(fake.reply.length);
  });

  it("reports Ollama's token-repeat abort (the stream ends with no done line) as ended_early with the repeated text, not as a cut connection", async () => {
    fake.reply = `Run: ${'ls -l'.repeat(2)} ${'====='.repeat(50)}`; // "Run: ls -lls -l " is 16 characters: 4 fake tokens
    const { error, chunks } = await failedChat(service().chat(question));
    expect(error.kind).toBe('ended_early');
    expect(error.repeatedText).toBe('===='.repeat(31));
    expect(chunks.join('')).toBe(`Run: ls -lls -l ${'===='.repeat(31)}`);
    expect(error.message).toContain('repeated one token more than 30 times');
  });

  it("reports Ollama's error line mid-stream as an error, after yielding the first part", async () => {
    fake.reply = 'Part of an answer before the model runner crashed.';
    fake.mode = 'errorLine';
    const { error, chunks } = await failedChat(service().chat(question));
    expect(error.kind).toBe('error');
    expect(error.message).toContain(MID_STREAM_ERROR);
    expect(fake.reply.startsWith(chunks.join(''))).toBe(true);
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('stops and closes the request when the caller aborts mid-stream', async () => {
    fake.reply = 'x'.repeat(100);
    fake.chunkSize = 1;
    fake.tokenDelayMs = 20;
    const controller = new AbortController();
    const chunks: string[] = [];
    const answer = service().chat(question, { signal: controller.signal });
    const { error } = await failedChat(
      (async function* () {
        for await (const chunk of answer) {
          chunks.push(chunk);
          if (chunks.length === 3) controller.abort();
          yield chunk;
        }
      })(),
    );
    expect(error.kind).toBe('aborted');
    expect(chunks.length).toBeLessThan(100);
    await expectNoOpenChats();
  });

  it('does not start at all when the signal is already aborted', async () => {
    const { error } = await failedChat(service().chat(question, { signal: AbortSignal.abort() }));
    expect(error.kind).toBe('aborted');
    expect(fake.chatRequests()).toEqual([]);
  });
});

describe('OllamaService.chat concurrency', () => {
  /** Three chats started together; records when each one's answer begins and ends. */
  function raceThree(ai: OllamaService, opts: (i: number) => Parameters<OllamaService['chat']>[1] = () => ({})) {
    const events: string[] = [];
    const runs = [1, 2, 3].map(async (i) => {
      let first = true;
      const chunks: string[] = [];
      for await (const chunk of ai.chat([{ role: 'user', content: `question ${i}` }], opts(i))) {
        if (first) events.push(`start ${i}`);
        first = false;
        chunks.push(chunk);
      }
      events.push(`end ${i}`);
      return chunks.join('');
    });
    return { events, runs: Promise.all(runs) };
  }

  it('with one slot, runs chats one at a time in arrival order and reports queue positions', async () => {
    fake.chunkSize = 3;
    fake.tokenDelayMs = 10;
    const ai = service({ maxConcurrent: 1 });
    const positions: Record<number, number[]> = { 1: [], 2: [], 3: [] };
    const { events, runs } = raceThree(ai, (i) => ({ onQueued: (p) => positions[i]!.push(p) }));
    await expect.poll(() => ai.queueLength()).toBe(2);
    expect(ai.activeCount()).toBe(1);

    expect(await runs).toEqual(['You asked: question 1', 'You asked: question 2', 'You asked: question 3']);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(positions).toEqual({ 1: [], 2: [1], 3: [2] });
    expect(fake.chatRequests().map((r) => r.messages[0]?.content)).toEqual(['question 1', 'question 2', 'question 3']);
    expect([ai.activeCount(), ai.queueLength()]).toEqual([0, 0]);
  });

  it('starts the timeout when a chat gets its slot, not when it joins the queue', async () => {
    fake.reply = 'abcdefghijkl';
    fake.chunkSize = 2;
    fake.tokenDelayMs = 50; // each answer takes about 250 ms; the third waits about 500 ms first
    const ai = service({ maxConcurrent: 1, firstTokenTimeoutMs: 700 });
    const { runs } = raceThree(ai);
    expect(await runs).toEqual([fake.reply, fake.reply, fake.reply]);
  });

  it('gives the slot back when the consumer stops reading early', async () => {
    fake.reply = 'yz'.repeat(100); // not one token 200 times: Ollama would end that at its repeat limit
    fake.chunkSize = 1;
    fake.tokenDelayMs = 20; // the whole answer would take 4 s: longer than expectNoOpenChats waits
    const ai = service({ maxConcurrent: 1 });
    for await (const chunk of ai.chat(question)) {
      expect(chunk).toBe('y');
      break;
    }
    expect(ai.activeCount()).toBe(0);
    await expectNoOpenChats();
    fake.tokenDelayMs = 0;
    expect((await collect(ai.chat(question))).join('')).toBe(fake.reply);
  });

  it('lets a queued chat leave the line when aborted, without holding up the others', async () => {
    fake.tokenDelayMs = 20;
    const ai = service({ maxConcurrent: 1 });
    const controller = new AbortController();
    const first = collect(ai.chat([{ role: 'user', content: 'first' }]));
    const second = failedChat(ai.chat([{ role: 'user', content: 'second' }], { signal: controller.signal }));
    const third = collect(ai.chat([{ role: 'user', content: 'third' }]));
    await expect.poll(() => ai.queueLength()).toBe(2);
    controller.abort();
    expect((await second).error.kind).toBe('aborted');
    expect(ai.queueLength()).toBe(1);
    expect((await first).join('')).toBe('You asked: first');
    expect((await third).join('')).toBe('You asked: third');
    expect(fake.chatRequests().map((r) => r.messages[0]?.content)).toEqual(['first', 'third']);
  });
});

describe('OllamaService.health', () => {
  it('reports reachability, the version and whether the model is pulled', async () => {
    const ai = service();
    expect(ai.lastHealth()).toBeUndefined();
    const health = await ai.health();
    expect(health).toMatchObject({ reachable: true, version: '0.9.1', model: 'llama3', modelPulled: true });
    expect(health.error).toBeUndefined();
    expect(ai.lastHealth()).toEqual(health);
  });

  it('matches a model with or without its ":latest" tag', async () => {
    expect((await service({ model: 'llama3:latest' }).health()).modelPulled).toBe(true);
    expect((await service({ model: 'llama3:70b' }).health()).modelPulled).toBe(false);
  });

  it('says which model to pull when it is missing', async () => {
    const health = await service({ model: 'mistral' }).health();
    expect(health).toMatchObject({ reachable: true, modelPulled: false });
    expect(health.error).toContain('ollama pull mistral');
  });

  it('reports an unreachable Ollama without throwing', async () => {
    const ai = service();
    await fake.stop();
    const health = await ai.health();
    expect(health).toMatchObject({ reachable: false, model: 'llama3', modelPulled: false });
    expect(health.error).toContain(fake.url);
    expect(health.version).toBeUndefined();
  });

  it('keeps passwords in OLLAMA_URL out of its messages', async () => {
    const url = new URL(fake.url);
    await fake.stop();
    const health = await service({ host: `http://admin:s3cret-pass@${url.host}` }).health();
    expect(health.reachable).toBe(false);
    expect(health.error).not.toContain('s3cret-pass');
  });
});

describe('OllamaService.embed', () => {
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

  it('returns one unit vector per text, all of one size, the same every time', async () => {
    const ai = service();
    const texts = ['How do I reset my password?', 'reset password', 'Where is the refund policy?'];
    const vectors = await ai.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toHaveLength(EMBEDDING_DIMENSIONS);
      expect(norm(v!)).toBeCloseTo(1, 6);
    }
    expect(await ai.embed(texts)).toEqual(vectors);
    const [question, similar, unrelated] = vectors as [number[], number[], number[]];
    expect(cosine(question, similar)).toBeGreaterThan(cosine(question, unrelated));
  });

  it('sends many texts in batches and keeps their order', async () => {
    const ai = service();
    const texts = Array.from({ length: 70 }, (_, i) => `ticket number ${i} about topic ${i % 7}`);
    const vectors = await ai.embed(texts);
    const embedCalls = fake.requests.filter((r) => r.path === '/api/embed');
    expect(embedCalls.map((r) => (r.body as { input: string[] }).input.length)).toEqual([32, 32, 6]);
    expect(vectors[45]).toEqual((await ai.embed([texts[45]!]))[0]);
    expect(await ai.embed([])).toEqual([]);
  });

  it('fails as model_missing when the embedding model is not pulled or not configured', async () => {
    await expect(service({ embedModel: 'mxbai-embed-large' }).embed(['hi'])).rejects.toMatchObject({ kind: 'model_missing' });
    await expect(service({ embedModel: undefined }).embed(['hi'])).rejects.toMatchObject({ kind: 'model_missing' });
  });

  it('fails as down or timeout like chat does', async () => {
    fake.mode = 'hang';
    await expect(service({ firstTokenTimeoutMs: 300 }).embed(['hi'])).rejects.toMatchObject({ kind: 'timeout' });
    await fake.stop();
    await expect(service().embed(['hi'])).rejects.toMatchObject({ kind: 'down' });
  });
});
