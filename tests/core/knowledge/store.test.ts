import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { KnowledgeStore, type KnowledgeBase } from '../../../src/core/knowledge/store.js';
import type { Db } from '../../../src/db/database.js';
import { GUILD_A, GUILD_B, openTempDb } from '../temp-db.js';

let db: Db;
let store: KnowledgeStore;

beforeEach(() => {
  db = openTempDb();
  store = new KnowledgeStore(db);
});
afterEach(() => db.close());

function seedFaq(guildId = GUILD_A): KnowledgeBase {
  const kb = store.create(guildId, { name: 'FAQ', description: 'Common questions' });
  store.addEntry(guildId, kb.id, {
    title: 'Resetting your password',
    content: 'To reset your password open Settings, then Account, and press Reset. The mail arrives within five minutes.',
    tags: 'account, password',
  });
  store.addEntry(guildId, kb.id, { title: 'Refunds', content: 'Refunds are handled by billing within 14 days of purchase.', tags: ['billing'] });
  store.addEntry(guildId, kb.id, { title: 'Café opening hours', content: 'The café opens at 9.', tags: [] });
  return kb;
}

describe('KnowledgeStore knowledge bases', () => {
  it('creates, gets, finds by name (any case) and lists with entry counts', () => {
    const faq = seedFaq();
    const empty = store.create(GUILD_A, { name: '  Rules  ', authorId: 'u1' }, 1234);
    expect(empty).toEqual({ id: empty.id, guildId: GUILD_A, name: 'Rules', description: '', createdAt: 1234, entryCount: 0 });
    expect(store.get(GUILD_A, faq.id)).toMatchObject({ name: 'FAQ', description: 'Common questions', entryCount: 3 });
    expect(store.findByName(GUILD_A, 'faq')?.id).toBe(faq.id);
    expect(store.list(GUILD_A).map((kb) => [kb.name, kb.entryCount])).toEqual([
      ['FAQ', 3],
      ['Rules', 0],
    ]);
  });

  it.each([
    ['an empty name', { name: '  ' }, 'The name is empty.'],
    ['a long name', { name: 'n'.repeat(51) }, 'The name is 51 characters; the limit is 50.'],
    ['a name of digits only', { name: '2024' }, 'The name must contain a letter (a number alone would read as an id).'],
    ['a long description', { name: 'ok', description: 'd'.repeat(501) }, 'The description is 501 characters; the limit is 500.'],
  ])('refuses %s', (_what, input, message) => {
    expect(() => store.create(GUILD_A, input)).toThrow(new UserError(message));
    expect(store.list(GUILD_A)).toEqual([]);
  });

  it('refuses a name already used in the guild, whatever its case, but allows it in another guild', () => {
    seedFaq();
    expect(() => store.create(GUILD_A, { name: 'faq' })).toThrow(new UserError('A knowledge base named "faq" already exists.'));
    expect(store.create(GUILD_B, { name: 'faq' }).name).toBe('faq');
  });

  it('resolves a name or an id as autocomplete sends it, only within the guild', () => {
    const faq = seedFaq();
    expect(store.resolve(GUILD_A, 'Faq').id).toBe(faq.id);
    expect(store.resolve(GUILD_A, String(faq.id)).id).toBe(faq.id);
    expect(store.resolve(GUILD_A, `#${faq.id}`).id).toBe(faq.id);
    expect(() => store.resolve(GUILD_A, 'Nope')).toThrow(new UserError('No knowledge base named "Nope".'));
    expect(() => store.resolve(GUILD_B, String(faq.id))).toThrow(new UserError(`No knowledge base with id ${faq.id}.`));
    expect(() => store.resolve(GUILD_B, 'FAQ')).toThrow(UserError);
  });

  it('suggests by name with the id as value', () => {
    const faq = seedFaq();
    store.create(GUILD_A, { name: 'Rules' });
    store.create(GUILD_B, { name: 'FAQ for B' });
    expect(store.suggest(GUILD_A, 'fa')).toEqual([{ value: String(faq.id), label: 'FAQ (3 entries)' }]);
    expect(store.suggest(GUILD_A, '')).toHaveLength(2);
    expect(store.suggest(GUILD_A, '%')).toEqual([]);
  });

  it('deletes a knowledge base with its entries, and they leave search too', () => {
    const faq = seedFaq();
    expect(() => store.delete(GUILD_B, faq.id)).toThrow(new UserError(`No knowledge base with id ${faq.id}.`));
    expect(store.search(GUILD_A, 'refund')).toHaveLength(1);
    expect(store.delete(GUILD_A, faq.id)).toEqual({ entriesDeleted: 3 });
    expect(store.get(GUILD_A, faq.id)).toBeUndefined();
    expect(store.search(GUILD_A, 'refund')).toEqual([]);
    expect(store.stats(GUILD_A)).toEqual({ knowledgeBases: 0, entries: 0 });
  });

  it('counts knowledge bases and entries per guild', () => {
    seedFaq();
    seedFaq(GUILD_B);
    store.create(GUILD_A, { name: 'Rules' });
    expect(store.stats(GUILD_A)).toEqual({ knowledgeBases: 2, entries: 3 });
  });
});

describe('KnowledgeStore entries', () => {
  it('adds cleaned entries, keeping emoji and right-to-left text', () => {
    const kb = store.create(GUILD_A, { name: 'Help' });
    const entry = store.addEntry(GUILD_A, kb.id, { title: ' שאלות נפוצות 🚀 ', content: 'مرحبا\u0000 بالعالم 👋🏽', tags: 'RTL, Hebrew' }, 99);
    expect(entry).toEqual({ id: entry.id, kbId: kb.id, guildId: GUILD_A, title: 'שאלות נפוצות 🚀', content: 'مرحبا بالعالم 👋🏽', tags: ['rtl', 'hebrew'], createdAt: 99 });
    expect(store.getEntries(GUILD_A, [entry.id])).toEqual([entry]);
  });

  it.each([
    ['an empty title', { title: '', content: 'c' }, 'The title is empty.'],
    ['a long title', { title: 't'.repeat(201), content: 'c' }, 'The title is 201 characters; the limit is 200.'],
    ['a long content', { title: 't', content: 'c'.repeat(10_001) }, 'The content is 10001 characters; the limit is 10000.'],
    ['an 11th tag', { title: 't', content: 'c', tags: 'a,b,c,d,e,f,g,h,i,j,k' }, 'The tag list has 11 tags; the limit is 10.'],
  ])('refuses %s', (_what, input, message) => {
    const kb = store.create(GUILD_A, { name: 'Help' });
    expect(() => store.addEntry(GUILD_A, kb.id, input)).toThrow(new UserError(message));
    expect(store.stats(GUILD_A).entries).toBe(0);
  });

  it('cannot add to, read or list another guild’s knowledge base', () => {
    const faq = seedFaq();
    const ids = store.listEntries(GUILD_A, faq.id).entries.map((e) => e.id);
    expect(() => store.addEntry(GUILD_B, faq.id, { title: 't', content: 'c' })).toThrow(new UserError(`No knowledge base with id ${faq.id}.`));
    expect(() => store.listEntries(GUILD_B, faq.id)).toThrow(UserError);
    expect(store.getEntries(GUILD_B, ids)).toEqual([]);
    expect(store.get(GUILD_B, faq.id)).toBeUndefined();
    expect(store.list(GUILD_B)).toEqual([]);
  });

  it('reads entries with their knowledge base\'s name, in the order asked, only from this guild', () => {
    const faq = seedFaq();
    const guides = store.create(GUILD_A, { name: 'Guides' });
    const router = store.addEntry(GUILD_A, guides.id, { title: 'Router', content: 'Hold reset for ten seconds.' });
    const [password] = store.listEntries(GUILD_A, faq.id).entries;
    expect(store.getEntriesWithBase(GUILD_A, [router.id, password!.id, 999_999])).toEqual([
      { entry: router, kbName: 'Guides' },
      { entry: password, kbName: 'FAQ' },
    ]);
    expect(store.getEntriesWithBase(GUILD_B, [router.id, password!.id])).toEqual([]);
  });

  it('lists entries in pages, oldest first', () => {
    const kb = store.create(GUILD_A, { name: 'Big' });
    for (let i = 1; i <= 12; i++) store.addEntry(GUILD_A, kb.id, { title: `Entry ${i}`, content: 'text' });
    const second = store.listEntries(GUILD_A, kb.id, { page: 2 });
    expect(second).toMatchObject({ total: 12, page: 2, pageCount: 2 });
    expect(second.entries.map((e) => e.title)).toEqual(['Entry 11', 'Entry 12']);
    expect(store.listEntries(GUILD_A, kb.id, { page: 7, pageSize: 5 }).page).toBe(3);
  });
});

describe('KnowledgeStore.search', () => {
  it('finds by stemmed words, without accents, ranks the best first and bolds hits in the snippet', () => {
    seedFaq();
    const [best, ...rest] = store.search(GUILD_A, 'How do I reset my password?');
    expect(best?.entry.title).toBe('Resetting your password');
    expect(best?.kbName).toBe('FAQ');
    expect(best?.snippet).toContain('**reset** your **password**');
    expect(rest).toEqual([]);
    expect(store.search(GUILD_A, 'refunded')[0]?.entry.title).toBe('Refunds');
    expect(store.search(GUILD_A, 'cafe')[0]?.entry.title).toBe('Café opening hours');
  });

  it('scores 0..1 by the share of the question’s words an entry has, filler words counting little', () => {
    seedFaq();
    expect(store.search(GUILD_A, 'password')[0]?.score).toBe(1);
    const partial = store.search(GUILD_A, 'reset password billing dragon')[0]!;
    expect(partial.score).toBeGreaterThan(0);
    expect(partial.score).toBeLessThan(1);
    expect(store.search(GUILD_A, 'How do I reset my password?')[0]!.score).toBeGreaterThan(partial.score);
  });

  it('searches only the guild, and only the knowledge base asked', () => {
    const faq = seedFaq();
    const other = store.create(GUILD_A, { name: 'Billing' });
    store.addEntry(GUILD_A, other.id, { title: 'Invoices and refunds', content: 'Ask billing.' });
    const b = store.create(GUILD_B, { name: 'B' });
    store.addEntry(GUILD_B, b.id, { title: 'Secret refund process of B', content: 'refund refund refund' });

    expect(store.search(GUILD_A, 'refund').map((h) => h.entry.guildId)).toEqual([GUILD_A, GUILD_A]);
    expect(store.search(GUILD_A, 'refund', { kbId: faq.id }).map((h) => h.entry.title)).toEqual(['Refunds']);
    expect(store.search(GUILD_B, 'reset password')).toEqual([]);
    expect(store.search(GUILD_B, 'refund', { kbId: faq.id })).toEqual([]);
  });

  it('limits the number of hits (5 by default) and keeps snippets within 200 characters', () => {
    const kb = store.create(GUILD_A, { name: 'Many' });
    for (let i = 0; i < 8; i++) store.addEntry(GUILD_A, kb.id, { title: `Server rule ${i}`, content: `${'Supercalifragilistic '.repeat(30)} server rule ${'x'.repeat(300)}` });
    const hits = store.search(GUILD_A, 'server');
    expect(hits).toHaveLength(5);
    expect(store.search(GUILD_A, 'server', { limit: 2 })).toHaveLength(2);
    for (const hit of hits) {
      expect([...hit.snippet].length).toBeLessThanOrEqual(200);
      expect((hit.snippet.match(/\*\*/g) ?? []).length % 2).toBe(0);
    }
  });

  it.each([
    `" * NEAR OR - : DROP TABLE x; --`,
    '"unterminated',
    'NEAR(reset password, 2)',
    'title:refunds',
    '-password',
    'reset*',
    'AND OR NOT',
    '^refunds',
    '(((',
    '',
    '   ',
    '🎉🎉',
  ])('never throws on FTS5 syntax in a query: %s', (query) => {
    seedFaq();
    expect(Array.isArray(store.search(GUILD_A, query))).toBe(true);
  });

  it('reads FTS5 operators as plain words', () => {
    seedFaq();
    expect(store.search(GUILD_A, 'title:refunds')[0]?.entry.title).toBe('Refunds');
    expect(store.search(GUILD_A, 'NEAR(password)')[0]?.entry.title).toBe('Resetting your password');
  });
});
