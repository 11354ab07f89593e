import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../../src/core/ai/token-estimate.js';
import { CHUNK_TOKENS, chunkEntry, MAX_CHUNKS } from '../../../src/core/knowledge/chunks.js';
import { passageByWords, passageText } from '../../../src/core/knowledge/passages.js';
import { ANSWER_AT_THE_END, handbook, HANDBOOK_TITLE, QUESTION_AT_THE_END } from './long-entry.js';

describe('chunkEntry: a knowledge entry as the embedding model sees it', () => {
  it('keeps an entry that fits one chunk whole: the same text as before chunking (title, newline, content)', () => {
    const chunks = chunkEntry('Resetting a router', 'Hold the reset button for ten seconds.', 510);
    expect(chunks).toEqual([{ text: 'Resetting a router\nHold the reset button for ten seconds.', start: 0, end: 38 }]);
  });

  it('cuts a 10,000-character entry into overlapping chunks, each within the room given, covering all of it', () => {
    const content = handbook();
    const chunks = chunkEntry(HANDBOOK_TITLE, content, 2046);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.length).toBeLessThanOrEqual(MAX_CHUNKS);
    for (const chunk of chunks) {
      expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(CHUNK_TOKENS);
      expect(chunk.text).toBe(`${HANDBOOK_TITLE}\n${content.slice(chunk.start, chunk.end)}`);
    }
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(content.length);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBeLessThan(chunks[i - 1]!.end); // overlap, no gap
    expect(chunks.some((c) => c.text.includes(ANSWER_AT_THE_END))).toBe(true);
  });

  it('ends chunks at sentence ends, and at a paragraph end when one comes once a chunk is half full', () => {
    const content = handbook();
    const chunks = chunkEntry(HANDBOOK_TITLE, content, 2046);
    for (const { start, end } of chunks.slice(0, -1)) {
      expect(content.slice(0, end)).toMatch(/[.!?]$/);
      expect(start === 0 || /\s/.test(content[start - 1]!)).toBe(true);
    }
    expect(chunks.filter((c) => content.slice(c.end, c.end + 2) === '\n\n').length).toBeGreaterThan(chunks.length / 2);
  });

  it('fits a smaller context: no chunk beyond the room the model reported', () => {
    const chunks = chunkEntry(HANDBOOK_TITLE, handbook(), 126);
    for (const chunk of chunks) expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(126);
  });

  it(`never makes more than ${MAX_CHUNKS} chunks: dense text gets bigger chunks, up to the room, and what is left is found by its words`, () => {
    const dense = 'x=1;'.repeat(2_500); // 10,000 characters, ~7,500 tokens by the estimate
    const big = chunkEntry('Config', dense, 2046);
    expect(big.length).toBeLessThanOrEqual(MAX_CHUNKS);
    expect(big.at(-1)!.end).toBe(dense.length); // bigger chunks still cover it all
    for (const chunk of big) expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(2046);
    const small = chunkEntry('Config', dense, 126);
    expect(small).toHaveLength(MAX_CHUNKS);
    for (const chunk of small) expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(126);
  });

  it('cuts a sentence longer than a chunk at word ends, still overlapping', () => {
    const words = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkEntry('Run-on', words, 510);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(words.slice(c.start, c.end)).toMatch(/^word\d+( word\d+)*$/);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBeLessThan(chunks[i - 1]!.end);
  });
});

describe('passageByWords: the part of a long entry the AI is shown', () => {
  it('is the chunk holding most of the question\'s words, shown with "…" where the entry goes on', () => {
    const content = handbook();
    const passage = passageByWords(HANDBOOK_TITLE, content, QUESTION_AT_THE_END);
    expect(passage).toBeDefined();
    const text = passageText(content, passage!);
    expect(text).toContain(ANSWER_AT_THE_END);
    expect(text.startsWith('… ')).toBe(true);
    expect(text.endsWith(' …')).toBe(false);
  });

  it('is none for a short entry, or when no part holds the question\'s words (its beginning serves)', () => {
    expect(passageByWords('Router', 'Hold the reset button.', 'reset button')).toBeUndefined();
    expect(passageByWords(HANDBOOK_TITLE, handbook(), 'What is the capital of France?')).toBeUndefined();
  });
});
