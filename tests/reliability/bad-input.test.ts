import { describe, expect, it } from 'vitest';
import type { AttachmentUpload, InteractionReply } from '../fakes/discord/index.js';
import { useBotWorld } from '../e2e/harness.js';
import { botMessages } from '../e2e/support-helpers.js';
import { jsonUpload, kbExport, seen, trainingExport } from './helpers.js';

const w = useBotWorld();

const MB = 1024 * 1024;
const botTexts = (channelId: string) => botMessages(w, channelId).map((m) => m.content);

async function run(name: string, options: Record<string, string | number> = {}, attachments?: Record<string, AttachmentUpload>): Promise<InteractionReply> {
  const handle = await w.command(name, options, { userId: w.staffId, ...(attachments ? { attachments } : {}) });
  return handle.waitForResponse({ timeoutMs: 15_000 });
}

const qa = (i: number) => ({ question: `Question number ${i}?`, answer: `Answer ${i}.` });
const entry = (i: number) => ({ title: `Title ${i}`, content: `Content ${i}.` });

/**
 * Makes Discord report `size` bytes for the attachment named `filename` (a member with Nitro may
 * upload 500 MB; the fake itself only takes 10 MiB), while the file served stays small and valid:
 * a bot that looked at the file instead of the reported size would import it.
 */
function reportSize(filename: string, size: number): () => void {
  const gateway = (w.fake as unknown as { gateway: { broadcast: (event: string, data: unknown, scope: unknown) => void } }).gateway;
  const original = gateway.broadcast;
  gateway.broadcast = function (event, data, scope) {
    const attachments = (data as { data?: { resolved?: { attachments?: Record<string, { filename: string; size: number }> } } }).data?.resolved?.attachments;
    for (const a of Object.values(attachments ?? {})) if (a.filename === filename) a.size = size;
    original.call(this, event, data, scope);
  };
  return () => {
    gateway.broadcast = original;
  };
}

interface BadFile {
  name: string;
  training: AttachmentUpload;
  kb: AttachmentUpload;
  reply: RegExp;
  reportedSize?: number;
}

const BAD_FILES: BadFile[] = [
  { name: 'a non-JSON file', training: jsonUpload('question,answer\nhi,there'), kb: jsonUpload('not json at all {'), reply: /not valid JSON/ },
  {
    name: 'JSON of the wrong shape',
    training: jsonUpload('{"hello": "world"}'),
    kb: jsonUpload('[1, 2, 3]'),
    reply: /is not a (training|knowledge-base) export/,
  },
  {
    name: 'JSON of another version',
    training: jsonUpload(trainingExport([qa(1)], { version: 2 })),
    kb: jsonUpload(kbExport('Imported KB', [entry(1)], { version: 2 })),
    reply: /version 2; this bot reads version 1/,
  },
  {
    name: 'an entry missing a field (after valid ones: all or nothing)',
    training: jsonUpload(trainingExport([qa(1), qa(2), { question: 'No answer?' }])),
    kb: jsonUpload(kbExport('Imported KB', [entry(1), entry(2), { title: 'No content' }])),
    reply: /Entry 3: "(answer|content)" is missing/,
  },
  {
    name: 'a 50 MB file (refused by the size Discord reports, before downloading)',
    training: jsonUpload(trainingExport([qa(1)]), 'huge-training.json'),
    kb: jsonUpload(kbExport('Imported KB', [entry(1)]), 'huge-kb.json'),
    reportedSize: 50 * MB,
    reply: /The file is 50 MB; the limit is 10 MB/,
  },
  {
    name: '200,000 entries',
    training: jsonUpload(trainingExport(Array.from({ length: 200_000 }, (_, i) => ({ question: `q${i}`, answer: 'a' })))),
    kb: jsonUpload(kbExport('Imported KB', Array.from({ length: 200_000 }, (_, i) => ({ title: `t${i}`, content: 'c' })))),
    reply: /has 200000 entries; the limit is 50000/,
  },
  {
    name: 'duplicate ids',
    training: jsonUpload(trainingExport([{ id: 7, ...qa(1) }, { id: 7, ...qa(2) }])),
    kb: jsonUpload(kbExport('Imported KB', [{ id: 7, ...entry(1) }, { id: 7, ...entry(2) }])),
    reply: /more than one entry with the same id: 7/,
  },
  {
    name: 'fields over the length limits',
    training: jsonUpload(trainingExport([qa(1), { question: 'q'.repeat(501), answer: 'a' }])),
    kb: jsonUpload(kbExport('Imported KB', [entry(1), { title: 't'.repeat(201), content: 'c' }])),
    reply: /Entry 2: "(question|title)" is (501|201) characters; the limit is (500|200)\./,
  },
  {
    name: 'a file that is not text (an image)',
    training: { filename: 'screenshot.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), contentType: 'image/png' },
    kb: { filename: 'screenshot.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), contentType: 'image/png' },
    reply: /not a text file/,
  },
  {
    name: 'a binary file named .json',
    training: jsonUpload(Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x22, 0x00])),
    kb: jsonUpload(Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x22, 0x00])),
    reply: /not a text file/,
  },
];

describe('6.7 /import_training and /kb_import refuse bad files, all or nothing', () => {
  const snapshot = () => ({
    training: w.core.training.all(w.guildId),
    kbs: w.core.knowledge.list(w.guildId),
  });

  for (const bad of BAD_FILES) {
    it(`${bad.name}: a clear, specific reply; nothing changes`, async () => {
      w.core.training.add(w.guildId, { question: `Existing before ${bad.name}?`, answer: 'Still here.' });
      const before = snapshot();
      const restore = bad.reportedSize ? reportSize(bad.training.filename, bad.reportedSize) : () => undefined;
      const restoreKb = bad.reportedSize ? reportSize(bad.kb.filename, bad.reportedSize) : () => undefined;
      try {
        const training = await run('import_training', {}, { file: bad.training });
        expect(training.ephemeral).toBe(true);
        expect(seen(training)).toMatch(bad.reply);
        const kb = await run('kb_import', {}, { file: bad.kb });
        expect(seen(kb)).toMatch(bad.reply);
      } finally {
        restoreKb();
        restore();
      }
      expect(snapshot()).toEqual(before);
    });
  }

  it('a good file after all that imports fine (the refusals left nothing behind)', async () => {
    const reply = await run('import_training', {}, { file: jsonUpload(trainingExport([qa(1), qa(2)])) });
    expect(reply.content).toMatch(/2 added/);
  });
});

describe('6.8 option values: empty, over the limits, invisible characters, emoji and RTL, query syntax', () => {
  it('empty or whitespace-only values get a clear reply and store nothing', async () => {
    const count = w.core.training.count(w.guildId);
    expect((await run('train', { question: '   ', answer: 'Something' })).content).toBe('Question is empty: please write something.');
    expect((await run('train', { question: 'Real question?', answer: '\u200B \u200B' })).content).toBe('Answer is empty: please write something.');
    expect((await run('kb_create', { name: '\t ' })).content).toMatch(/^Name is empty/);
    expect((await run('kb_search', { query: '  ' })).content).toMatch(/^Query is empty/);
    expect(w.core.training.count(w.guildId)).toBe(count);
  });

  it('values over the limits: Discord refuses what the option definitions forbid, and the bot explains what it checks itself', async () => {
    const stringOptions = w.fake
      .commands(w.guildId)
      .flatMap((c) => (c.options ?? []).flatMap((o) => ('options' in o && o.type === 1 ? (o.options ?? []) : [o])).map((o) => ({ where: `/${c.name} ${o.name}`, o })))
      // Free text needs a max_length for Discord to enforce; a fixed list of choices bounds itself.
      .filter(({ o }) => o.type === 3 && !('choices' in o && o.choices?.length));
    expect(stringOptions.length).toBeGreaterThan(20);
    for (const { where, o } of stringOptions) expect((o as { max_length?: number }).max_length, where).toBeLessThanOrEqual(6000);
    await expect(w.command('train', { question: 'q'.repeat(501), answer: 'a' }, { userId: w.staffId })).rejects.toThrow(/max_length/);
    const tags = await run('train', { question: 'Tag limit?', answer: 'Yes.', tags: `ok, ${'x'.repeat(40)}` });
    expect(tags.content).toBe(`The tag list has a tag of 40 characters ("${'x'.repeat(40)}"); the limit is 30.`);
    expect(w.core.training.all(w.guildId).some((e) => e.question === 'Tag limit?')).toBe(false);
  });

  it('control and zero-width characters are removed; emoji (ZWJ sequences too) and right-to-left text are stored and shown intact', async () => {
    const cleaned = await run('train', { question: 'How do\u200B I reset\u0007 my password?\u2060', answer: 'Use /reset\u0000 in #account.' });
    expect(seen(cleaned)).toContain('How do I reset my password?');
    expect(w.core.training.all(w.guildId).find((e) => e.question === 'How do I reset my password?')?.answer).toBe('Use /reset in #account.');

    const question = 'كيف أغيّر كلمة المرور؟ 🔑';
    const answer = 'اذهب إلى الإعدادات ← الأمان. 👨‍👩‍👧 🏳️‍🌈 👍🏽 🇸🇦';
    const trained = await run('train', { question, answer, category: 'حساب' });
    expect(seen(trained)).toContain(question);
    expect(seen(trained)).toContain(answer);
    const stored = w.core.training.all(w.guildId).find((e) => e.question === question);
    expect(stored).toMatchObject({ answer, category: 'حساب' });
    const listed = await run('training_list', { category: 'حساب' });
    expect(seen(listed)).toContain(question);

    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'كلمة المرور', content: question });
    w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, content: question });
    await w.fake.waitFor(() => botTexts(thread.id).includes(answer), 5000, 'the trained answer, intact');
  });

  it('a 10,000-character answer imported from a file is stored whole and shown in parts of at most 2000 characters', async () => {
    const paragraph = 'This paragraph of the long guide explains one more step in detail, so the member can follow along. ';
    let long = '';
    for (let i = 1; long.length < 10_000; i++) long += `${i}. ${paragraph.repeat(3).trim()}\n\n`;
    long = `${long.slice(0, 9_999)}.`;
    expect(long.length).toBe(10_000);
    const reply = await run('import_training', {}, { file: jsonUpload(trainingExport([{ question: 'Where is the complete installation guide?', answer: long }])) });
    expect(reply.content).toMatch(/1 added/);
    expect(w.core.training.all(w.guildId).find((e) => e.question === 'Where is the complete installation guide?')?.answer).toBe(long);

    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Mouse', content: 'my mouse is broken' });
    await w.fake.waitFor(() => botTexts(thread.id).length === 1, 5000);
    w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, content: 'Where is the complete installation guide?' });
    await w.fake.waitFor(() => botTexts(thread.id).slice(1).join('\n\n').replace(/\s+/g, ' ') === long.replace(/\s+/g, ' '), 10_000, 'the whole guide');
    const parts = botTexts(thread.id).slice(1);
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(2000);
  });

  const SYNTAX = ['"', '*', 'NEAR', 'OR', '-', ':', 'refund*', '"unclosed', 'NEAR(refund policy, 2)', 'title:refund', '-refund OR', "'; DROP TABLE kb_entries; --", '^refund', '(((', 'AND NOT'];

  it('FTS5 syntax and SQL metacharacters in /kb_search are searched literally, never an error', async () => {
    const kb = w.core.knowledge.create(w.guildId, { name: 'Policies' });
    w.core.knowledge.addEntry(w.guildId, kb.id, { title: 'Refund policy', content: 'Refunds within 14 days; see the "store" page: NEAR the top.' });
    for (const query of SYNTAX) {
      const reply = await run('kb_search', { query });
      expect(reply.embeds[0]?.title, query).toMatch(/^Search: /);
      expect(seen(reply), query).not.toMatch(/went wrong|syntax error|fts5/i);
    }
    const hit = await run('kb_search', { query: 'refund* "policy' });
    expect(seen(hit)).toContain('Refund policy');
    expect(w.core.knowledge.get(w.guildId, kb.id)?.entryCount).toBe(1);
  });

  it('FTS5 syntax and SQL metacharacters in ticket messages are answered like any message', async () => {
    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'NEAR "refund" OR *', content: '-policy: "quote' });
    await w.fake.waitFor(() => botTexts(thread.id).length === 1, 5000);
    for (const text of SYNTAX) w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, content: text });
    await w.fake.waitFor(() => botTexts(thread.id).length === SYNTAX.length + 1, 10_000, 'an answer to each message');
    // Each one answered in order: by the AI (which echoes it here), or from training if it happened to match.
    const trainedAnswers = new Set(w.core.training.all(w.guildId).map((e) => e.answer));
    botTexts(thread.id)
      .slice(1)
      .forEach((answer, i) => expect(answer === `You asked: ${SYNTAX[i]}` || trainedAnswers.has(answer), `${SYNTAX[i]} → ${answer}`).toBe(true));
    const ticket = w.core.tickets.getByThread(w.guildId, thread.id)!;
    const stored = w.core.tickets.recentTurns(ticket.id, 100_000).filter((t) => t.role === 'user').map((t) => t.content);
    expect(stored.slice(1)).toEqual(SYNTAX);
  });
});

describe('6.9 messages the bot must not answer', () => {
  /** Posts `text` and waits for its answer: answers come in order, so anything answered before it shows up. */
  async function answeredUpTo(threadId: string, text: string): Promise<string[]> {
    w.fake.postAsUser({ channelId: threadId, userId: w.memberId, content: text });
    await w.fake.waitFor(() => botTexts(threadId).includes(`You asked: ${text}`), 5000, `the answer to "${text}"`);
    return botTexts(threadId);
  }

  it('attachment-only, sticker-only and embed-only messages are kept but not answered', async () => {
    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Screenshot', content: 'look' });
    await w.fake.waitFor(() => botTexts(thread.id).length === 1, 5000);
    w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, attachments: [{ filename: 'crash.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' }] });
    w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, stickers: ['749054660769218631'] });
    w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, embeds: [{ title: 'An embed', description: 'only' }] });
    expect(await answeredUpTo(thread.id, 'and now text')).toEqual(['You asked: Screenshot\n\nlook', 'You asked: and now text']);
    const info = w.core.tickets.info(w.guildId, thread.id)!;
    expect(info.counts).toEqual({ user: 5, bot: 2, staff: 0 });
  });

  it('a forum post with only an attachment opens a ticket without an answer', async () => {
    const { thread } = w.fake.createForumPostAsUser({
      forumId: w.forumId,
      userId: w.memberId,
      title: 'Only a file',
      content: '',
      attachments: [{ filename: 'log.txt', data: 'error log', contentType: 'text/plain' }],
    });
    expect(await answeredUpTo(thread.id, 'what does it mean')).toEqual(['You asked: what does it mean']);
    expect(w.core.tickets.getByThread(w.guildId, thread.id)?.status).toBe('open');
  });

  it('edited and deleted messages update the stored conversation without a new answer', async () => {
    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Typo', content: 'my colur is wrong' });
    await w.fake.waitFor(() => botTexts(thread.id).length === 1, 5000);
    const extra = w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, content: 'ignore this' });
    await w.fake.waitFor(() => botTexts(thread.id).length === 2, 5000);
    w.fake.editAsUser({ messageId: extra.id, userId: w.memberId, content: 'ignore this, edited' });
    w.fake.deleteMessage(thread.id);
    await w.fake.waitFor(() => w.core.tickets.recentTurns(w.core.tickets.getByThread(w.guildId, thread.id)!.id, 10_000).some((t) => t.content === 'ignore this, edited'), 3000);
    expect(await answeredUpTo(thread.id, 'next')).toEqual(['You asked: Typo\n\nmy colur is wrong', 'You asked: ignore this', 'You asked: next']);
    const turns = w.core.tickets.recentTurns(w.core.tickets.getByThread(w.guildId, thread.id)!.id, 10_000).map((t) => t.content);
    expect(turns).not.toContain('Typo\n\nmy colur is wrong');
    expect(turns).toContain('ignore this, edited');
  });

  it('a closed ticket gets no answer (staff may still post in it); an archived open ticket is answered again', async () => {
    const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Closing', content: 'bye' });
    await w.fake.waitFor(() => botTexts(thread.id).length === 1, 5000);
    await (await w.command('close_ticket', { reason: 'done' }, { userId: w.memberId, channelId: thread.id })).waitForResponse();
    await w.fake.waitFor(() => w.fake.channel(thread.id).locked, 3000);
    const turns = w.core.tickets.info(w.guildId, thread.id)!.counts;
    w.fake.postAsUser({ channelId: thread.id, userId: w.adminId, content: 'a moderator’s note after closing' });
    // The owner cannot post in a locked thread: Discord refuses it.
    expect(() => w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, content: 'wait!' })).toThrow();

    const other = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Archived', content: 'first' }).thread.id;
    await w.fake.waitFor(() => botTexts(other).length === 1, 5000);
    w.fake.editThreadAsUser({ threadId: other, userId: w.memberId, archived: true });
    expect(await answeredUpTo(other, 'back again')).toEqual(['You asked: Archived\n\nfirst', 'You asked: back again']);

    expect(botTexts(thread.id).filter((t) => t.startsWith('You asked'))).toEqual(['You asked: Closing\n\nbye']);
    expect(w.core.tickets.info(w.guildId, thread.id)!.counts).toEqual(turns);
  });

  it('threads that are not tickets and the bot’s own messages get no answer', async () => {
    const otherForum = w.fake.createChannel(w.guildId, { type: 15, name: 'showcase' });
    const { thread } = w.fake.createForumPostAsUser({ forumId: otherForum.id, userId: w.memberId, title: 'My build', content: 'look at my build' });
    w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, content: 'any thoughts?' });
    w.fake.postAsUser({ channelId: w.generalId, userId: w.memberId, content: 'hello general' });

    // A ticket, as a clock: once its answer is there, anything owed elsewhere would be too.
    const ticket = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Clock', content: 'tick' }).thread.id;
    await w.fake.waitFor(() => botTexts(ticket).length === 1, 5000);
    expect(botTexts(thread.id)).toEqual([]);
    expect(botTexts(w.generalId).filter((t) => t.includes('hello general'))).toEqual([]);
    expect(w.core.tickets.getByThread(w.guildId, thread.id)).toBeUndefined();
    // The bot's own answer came back to it as MESSAGE_CREATE and was not answered in turn.
    expect(await answeredUpTo(ticket, 'tock')).toEqual(['You asked: Clock\n\ntick', 'You asked: tock']);
  });
});
