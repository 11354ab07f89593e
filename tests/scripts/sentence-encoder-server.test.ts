import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaService } from '../../src/core/ai/ollama.js';
import { silentLogger } from '../../src/log.js';
import { CachedEncoder, serve, VectorFile, type Encoder } from '../../scripts/sentence-encoder-server.js';

/** A stand-in for USE lite: a 512-dimension vector that depends on the text's length; counts what it embeds. */
class CountingEncoder implements Encoder {
  embedded: string[] = [];
  async embed(texts: string[]): Promise<number[][]> {
    this.embedded.push(...texts);
    return texts.map((t) => Array.from({ length: 512 }, (_, i) => (i === t.length % 512 ? 1 : 0)));
  }
}

let dir: string;
let stops: (() => Promise<void>)[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentence-server-'));
});

afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
  rmSync(dir, { recursive: true, force: true });
});

async function start(encoder: Encoder): Promise<string> {
  const server = serve({ model: 'use-lite' }, new CachedEncoder(encoder, new VectorFile(join(dir, 'use-lite.vectors'))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const bot = (url: string, embedModel = 'use-lite') =>
  new OllamaService({ host: url, model: 'llama3', embedModel, firstTokenTimeoutMs: 5_000, maxConcurrent: 1, logger: silentLogger() });

describe('sentence-encoder-server (the eval\'s stand-in for Ollama with a real encoder)', () => {
  it("answers the bot's own embedding client: an embedding model with a known context, vectors in order", async () => {
    const url = await start(new CountingEncoder());
    const ollama = bot(url);
    const status = await ollama.embeddings!.check();
    expect(status).toMatchObject({ reachable: true, pulled: true, embedding: true, contextTokens: 512, contextKnown: true });
    expect(status.error).toBeUndefined();
    const vectors = await ollama.embed(['a', 'four']);
    expect(vectors.map((v) => v!.indexOf(1))).toEqual([1, 4]);
  });

  it('says a model it does not serve is not pulled', async () => {
    const status = await bot(await start(new CountingEncoder()), 'nomic-embed-text').embeddings!.check();
    expect(status).toMatchObject({ pulled: false, embedding: undefined });
    expect(status.error).toMatch(/not pulled/);
  });

  it('embeds each text once: again from memory, and after a restart from its file', async () => {
    const first = new CountingEncoder();
    const ollama = bot(await start(first));
    await ollama.embed(['reset my password', 'reset my password', 'open hours']);
    await ollama.embed(['open hours']);
    expect(first.embedded).toEqual(['reset my password', 'open hours']);

    const second = new CountingEncoder();
    const vectors = await bot(await start(second)).embed(['open hours', 'new text']);
    expect(second.embedded).toEqual(['new text']);
    expect(vectors[0]!.indexOf(1)).toBe('open hours'.length);
  });

  it('keeps the vectors of a file whose last line an interrupted run cut, and appends after it on a line of its own', () => {
    const path = join(dir, 'use-lite.vectors');
    const vector = (n: number) => Array.from({ length: 512 }, (_, i) => (i === n ? 1 : 0));
    const whole = new VectorFile(path);
    whole.add('open hours', vector(1));
    const line = readFileSync(path, 'utf8');
    for (const cut of [4, line.indexOf('\t') + 1, line.length - 10]) {
      writeFileSync(path, line);
      appendFileSync(path, line.replace('open hours', 'reset my password').slice(0, cut));
      const resumed = new VectorFile(path);
      expect(resumed.size).toBe(1);
      resumed.add('new text', vector(2));

      const reread = new VectorFile(path);
      expect(reread.size).toBe(2);
      expect(reread.get('open hours')!.indexOf(1)).toBe(1);
      expect(reread.get('new text')!.indexOf(1)).toBe(2);
    }
  });
});
