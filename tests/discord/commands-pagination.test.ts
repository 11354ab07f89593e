import { describe, expect, it } from 'vitest';
import { clampPage, pageButtons, pageCount, parsePage } from '../../src/discord/render/pagination.js';

describe('pagination', () => {
  it('counts pages, with one page for an empty list', () => {
    expect(pageCount(0, 10)).toBe(1);
    expect(pageCount(10, 10)).toBe(1);
    expect(pageCount(11, 10)).toBe(2);
  });

  it('brings a page past the end back to the last page', () => {
    expect(clampPage(9, 3)).toBe(3);
    expect(clampPage(0, 3)).toBe(1);
    expect(clampPage(2, 3)).toBe(2);
  });

  it('reads odd button arguments as page 1', () => {
    expect(parsePage('4')).toBe(4);
    expect(parsePage('-2')).toBe(1);
    expect(parsePage('x')).toBe(1);
    expect(parsePage(undefined)).toBe(1);
  });

  it('shows no buttons when everything fits on one page', () => {
    expect(pageButtons('tl', 1, 1, '')).toEqual([]);
  });

  it('points Prev and Next at the neighbouring pages, disabled at the ends, with unique short ids', () => {
    const [first] = pageButtons('tl', 1, 3, 'billing').map((row) => row.toJSON());
    const ids = first!.components.map((b) => ('custom_id' in b ? b.custom_id : ''));
    expect(ids).toEqual(['tl:0:billing', 'tl:2:billing']);
    expect(first!.components.map((b) => b.disabled)).toEqual([true, false]);

    const [last] = pageButtons('tl', 3, 3, '').map((row) => row.toJSON());
    expect(last!.components.map((b) => ('custom_id' in b ? b.custom_id : ''))).toEqual(['tl:2:', 'tl:4:']);
    expect(last!.components.map((b) => b.disabled)).toEqual([false, true]);
  });
});
