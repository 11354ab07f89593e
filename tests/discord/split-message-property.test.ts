import { describe, expect, it } from 'vitest';
import { splitMessage, splitMessageParts } from '../../src/discord/render/split-message.js';

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Multi-unit characters: surrogate pairs, a family (ZWJ sequence), a flag, a combining accent.
const EMOJI = ['😀', '👨‍👩‍👧', '🇫🇷', 'é', '𝄞', '中'];

function text(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const line = (len: number): string => {
    let s = '';
    const kind = r();
    while (s.length < len) {
      if (kind < 0.2) s += 'x'.repeat(int(1, 400)); // one long word
      else if (kind < 0.35) s += pick(EMOJI);
      else if (kind < 0.45) s += '`a'; // inline backticks, never three in a row
      else s += pick(['word', 'and', 'more.', 'Yes!', 'why?', '—']) + pick([' ', ' ', ', ', '. ']);
    }
    return s;
  };
  const lines: string[] = [];
  const count = int(1, 25);
  for (let i = 0; i < count; i++) {
    const kind = r();
    if (kind < 0.15) {
      // A code block: a fence of 3–30 backticks or tildes (an info string up to 3000 characters), code, a closing fence at least as long.
      const ch = r() < 0.8 ? '`' : '~';
      const n = int(3, 30);
      lines.push(ch.repeat(n) + (r() < 0.5 ? '' : r() < 0.9 ? pick(['js', 'python', 'ts']) : 'i'.repeat(int(1, 3000))));
      for (let j = int(0, 8); j > 0; j--) lines.push(line(int(0, 5000)));
      lines.push(ch.repeat(n + int(0, 3)));
    } else if (kind < 0.25) lines.push('');
    else lines.push(line(int(0, 5000)));
  }
  return lines.join('\n');
}

/** The fence still open at the end of `chunk` (CommonMark: ≥ 3 backticks or tildes; closed by the same character, at least as many, nothing after). */
function openFence(chunk: string): string | undefined {
  let open: string | undefined;
  for (const l of chunk.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(l);
    if (!m) continue;
    if (!open) open = m[1];
    else if (m[1]![0] === open[0] && m[1]!.length >= open.length && m[2]!.trim() === '') open = undefined;
  }
  return open;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const squeeze = (s: string) => s.replace(/\s+/g, '');

describe('splitMessage, over random texts', () => {
  it('every chunk ≤ 2000, nothing lost, fences balanced, no character cut in half (500 seeded texts)', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const input = text(rng(seed));
      const where = `seed ${seed}`;
      const chunks = splitMessage(input);
      for (const c of chunks) {
        expect(c.length, where).toBeLessThanOrEqual(2000);
        expect(c.trim().length, where).toBeGreaterThan(0);
        expect(LONE_SURROGATE.test(c), where).toBe(false);
        expect(openFence(c), where).toBeUndefined();
      }
      // Nothing lost or added but whitespace at the cuts and the fences closed and reopened around them.
      const parts = splitMessageParts(input);
      expect(parts.map((p) => p.content)).toEqual(chunks);
      for (const p of parts) expect(p.content.startsWith(p.reopened) && p.content.endsWith(p.closed), where).toBe(true);
      const bodies = parts.map((p) => p.content.slice(p.reopened.length, p.content.length - p.closed.length)).join('');
      expect(squeeze(bodies), where).toBe(squeeze(input));
    }
  });

  it('a code block opened with 12 backticks is closed and reopened within 2000 characters', () => {
    const fence = '`'.repeat(12);
    const input = `${fence}\n${'x'.repeat(5000)}\n${fence}`;
    const chunks = splitMessage(input);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(2000);
      expect(openFence(c)).toBeUndefined();
    }
  });
});
