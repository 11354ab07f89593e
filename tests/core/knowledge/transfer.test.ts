import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { KnowledgeStore } from '../../../src/core/knowledge/store.js';
import { exportKnowledgeBase, importKnowledgeBase, KNOWLEDGE_EXPORT_FORMAT } from '../../../src/core/knowledge/transfer.js';
import type { Db } from '../../../src/db/database.js';
import { expectRefusedUnchanged, GUILD_A, GUILD_B, openTempDb } from '../temp-db.js';

let db: Db;
let store: KnowledgeStore;

beforeEach(() => {
  db = openTempDb();
  store = new KnowledgeStore(db);
});
afterEach(() => db.close());

const file = (entries: unknown[], kb: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}) =>
  JSON.stringify({ format: KNOWLEDGE_EXPORT_FORMAT, version: 1, exportedAt: '', knowledgeBase: { name: 'Guides', description: '', entries, ...kb }, ...envelope });

const entry = (n: number, fields: Record<string, unknown> = {}) => ({ title: `Guide ${n}`, content: `Step ${n}`, tags: [], ...fields });

/** Everything of guild A, to show a failed import changed nothing. */
const snapshot = () => store.list(GUILD_A).map((kb) => ({ kb, entries: store.allEntries(GUILD_A, kb.id) }));

function expectRefused(input: string | Buffer, message: string | RegExp, opts = {}) {
  expectRefusedUnchanged(() => importKnowledgeBase(db, GUILD_A, input, opts), snapshot, message);
}

describe('exportKnowledgeBase', () => {
  it('exports one knowledge base of this guild; another guild cannot export it', () => {
    const kb = store.create(GUILD_A, { name: 'Guides', description: 'How-tos' });
    store.addEntry(GUILD_A, kb.id, { title: 'Start 🚀', content: 'ابدأ هنا', tags: 'intro' });
    expect(exportKnowledgeBase(store, GUILD_A, kb.id, Date.UTC(2025, 5, 1))).toEqual({
      format: 'discord-ai-ticket-bot/knowledge-base',
      version: 1,
      exportedAt: '2025-06-01T00:00:00.000Z',
      knowledgeBase: { name: 'Guides', description: 'How-tos', entries: [{ title: 'Start 🚀', content: 'ابدأ هنا', tags: ['intro'] }] },
    });
    expect(() => exportKnowledgeBase(store, GUILD_B, kb.id)).toThrow(new UserError(`No knowledge base with id ${kb.id}.`));
  });
});

describe('importKnowledgeBase', () => {
  it('round trip: another guild gets a new knowledge base; the same guild skips what it has', () => {
    const kb = store.create(GUILD_A, { name: 'Guides', description: 'How-tos' });
    store.addEntry(GUILD_A, kb.id, { title: 'Start', content: 'Begin here', tags: 'intro' });
    store.addEntry(GUILD_A, kb.id, { title: 'Refunds', content: 'Within 14 days' });
    const json = JSON.stringify(exportKnowledgeBase(store, GUILD_A, kb.id));

    const copied = importKnowledgeBase(db, GUILD_B, json, { authorId: 'staff' });
    expect(copied).toMatchObject({ added: 2, skipped: 0, knowledgeBase: { guildId: GUILD_B, name: 'Guides', description: 'How-tos', entryCount: 2 } });
    expect(store.search(GUILD_B, 'refunds')[0]?.entry.title).toBe('Refunds');

    expect(importKnowledgeBase(db, GUILD_A, json, {})).toMatchObject({ added: 0, skipped: 2, knowledgeBase: { id: kb.id } });
  });

  it('imports into a chosen knowledge base by name or id, creating a new name', () => {
    const target = store.create(GUILD_A, { name: 'Existing' });
    store.addEntry(GUILD_A, target.id, entry(1));
    expect(importKnowledgeBase(db, GUILD_A, file([entry(1), entry(2)]), { targetKb: String(target.id) })).toMatchObject({
      added: 1,
      skipped: 1,
      knowledgeBase: { id: target.id, entryCount: 2 },
    });
    expect(importKnowledgeBase(db, GUILD_A, file([entry(3)]), { targetKb: 'existing' }).knowledgeBase.id).toBe(target.id);
    expect(importKnowledgeBase(db, GUILD_A, file([entry(3)]), { targetKb: 'Brand new' }).knowledgeBase).toMatchObject({ name: 'Brand new', entryCount: 1 });
  });

  it('never imports into another guild’s knowledge base by id', () => {
    const theirs = store.create(GUILD_B, { name: 'Theirs' });
    expectRefused(file([entry(1)]), `No knowledge base with id ${theirs.id}.`, { targetKb: String(theirs.id) });
    expect(store.allEntries(GUILD_B, theirs.id)).toEqual([]);
  });

  describe('refuses a bad file and changes nothing', () => {
    beforeEach(() => {
      const kb = store.create(GUILD_A, { name: 'Guides' });
      store.addEntry(GUILD_A, kb.id, entry(1));
    });

    it('not JSON', () => expectRefused('not json', /^The file is not valid JSON: /));
    it('binary', () => expectRefused(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]), 'The file is not a text file: export files are UTF-8 JSON text.'));
    it('a training export instead', () =>
      expectRefused(
        JSON.stringify({ format: 'discord-ai-ticket-bot/training', version: 1, entries: [] }),
        'The file is not a knowledge-base export: "format" is "discord-ai-ticket-bot/training"; expected "format": "discord-ai-ticket-bot/knowledge-base" and "version": 1.',
      ));
    it('wrong version', () => expectRefused(file([], {}, { version: '1' }), /^The file is a knowledge-base export of version "1"; this bot reads version 1\./));
    it('no knowledge base object', () =>
      expectRefused(JSON.stringify({ format: KNOWLEDGE_EXPORT_FORMAT, version: 1 }), 'The file has no "knowledgeBase" object.'));
    it('a knowledge base without a name', () => expectRefused(file([entry(5)], { name: undefined }), 'The knowledge base in the file: "name" is missing.'));
    it('missing field', () => expectRefused(file([entry(2), entry(3), { id: 9, title: 'No content' }]), 'Entry 3 (id 9): "content" is missing.'));
    it('over-long field', () => expectRefused(file([entry(2, { title: 't'.repeat(250) })]), 'Entry 1: "title" is 250 characters; the limit is 200.'));
    it('duplicate ids', () => expectRefused(file([entry(2, { id: 4 }), entry(3, { id: 4 })]), /^The file has more than one entry with the same id: 4\./));
    it('too many entries', () => expectRefused(file([entry(2), entry(3)]), 'The file has 2 entries; the limit is 1.', { maxEntries: 1 }));
    it('too big', () => expectRefused(Buffer.alloc(3 * 1024 * 1024, 0x20), 'The file is 3 MiB; the limit is 2 MiB.', { maxBytes: 2 * 1024 * 1024 }));
    it('an invalid entry in the middle, with a new knowledge base to create', () =>
      expectRefused(file([entry(2), entry(3, { content: '' }), entry(4)], { name: 'Would be new' }), 'Entry 2: "content" is empty.'));
  });
});
