import { describe, expect, it } from 'vitest';
import { clip, fieldValue, joinLines, oneLine } from '../../src/discord/render/embed-text.js';

describe('clip', () => {
  it('leaves short text alone and cuts long text to the limit with an ellipsis', () => {
    expect(clip('hello', 10)).toBe('hello');
    const cut = clip('a'.repeat(2000), 1024);
    expect(cut).toHaveLength(1024);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never leaves half an emoji at the cut', () => {
    const cut = clip(`${'a'.repeat(8)}😀😀😀`, 10);
    expect(cut).toBe('aaaaaaaa…');
    expect(cut.length).toBeLessThanOrEqual(10);
  });
});

describe('oneLine', () => {
  it('collapses line breaks so a list item stays one line', () => {
    expect(oneLine('How do I\n\nreset   my password?', 100)).toBe('How do I reset my password?');
  });
});

describe('fieldValue', () => {
  it('shows a dash for an empty value, which Discord would refuse', () => {
    expect(fieldValue('  ')).toBe('—');
  });
});

describe('joinLines', () => {
  it('joins what fits and counts what is left out', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i + 1} ${'x'.repeat(40)}`);
    const text = joinLines(lines, 1024);
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text.startsWith('line 1 ')).toBe(true);
    const shown = text.split('\n').filter((l) => l.startsWith('line ')).length;
    expect(text.endsWith(`…and ${50 - shown} more`)).toBe(true);
  });

  it('shows every line when all fit', () => {
    expect(joinLines(['a', 'b'], 100)).toBe('a\nb');
  });
});
