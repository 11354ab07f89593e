import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../src/discord/render/split-message.js';

function fencesBalanced(chunk: string): boolean {
  return (chunk.match(/^```/gm) ?? []).length % 2 === 0;
}

describe('splitMessage', () => {
  it('keeps a short message whole', () => {
    expect(splitMessage('Hello there.')).toEqual(['Hello there.']);
  });

  it('splits a 5000-character answer into messages of at most 2000 characters at paragraph breaks', () => {
    const paragraph = 'This sentence explains one step of the fix in some detail. '.repeat(8).trim();
    const text = Array.from({ length: 11 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n');
    expect(text.length).toBeGreaterThan(5000);
    const chunks = splitMessage(text);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(2000);
    // Every paragraph survives intact in exactly one message.
    for (let i = 1; i <= 11; i++) {
      expect(chunks.filter((c) => c.split('\n\n').includes(`${i}. ${paragraph}`))).toHaveLength(1);
    }
  });

  it('falls back to sentence and word boundaries, never cutting a word', () => {
    const text = 'Word after word keeps going. '.repeat(200);
    const chunks = splitMessage(text, 500);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(500);
      expect(c.endsWith('.')).toBe(true);
    }
    expect(chunks.join(' ').replace(/\s+/g, ' ').trim()).toBe(text.replace(/\s+/g, ' ').trim());
  });

  it('closes and reopens a code block that spans a split, with its language', () => {
    const code = Array.from({ length: 120 }, (_, i) => `console.log("line ${i}");`).join('\n');
    const text = `Run this:\n\n\`\`\`js\n${code}\n\`\`\`\n\nThat is all.`;
    const chunks = splitMessage(text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(2000);
      expect(fencesBalanced(c)).toBe(true);
    }
    expect(chunks[1]!.startsWith('```js\n')).toBe(true);
    const lines = chunks.join('\n').split('\n').filter((l) => l.startsWith('console.log'));
    expect(lines).toHaveLength(120);
  });

  it('cuts an unbroken run hard but keeps every character', () => {
    const text = 'x'.repeat(4500);
    const chunks = splitMessage(text);
    expect(chunks.map((c) => c.length)).toEqual([2000, 2000, 500]);
    expect(chunks.join('')).toBe(text);
  });
});
