import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { AI_UNAVAILABLE_NOTE, CUT_OFF_NOTE, FALLBACK_TEXT, HANDOFF_TEXT, type TicketMessage } from '../../src/core/responder.js';
import { FakeOllama, type FakeChatMessage } from '../fakes/ollama.js';
import pino from 'pino';
import { createCore } from '../../src/core/core.js';
import { openDatabase } from '../../src/db/database.js';
import { testConfig, testCore } from './helpers.js';
import { ANSWER_AT_THE_END, handbook, HANDBOOK_TITLE, QUESTION_AT_THE_END } from './knowledge/long-entry.js';

/**
 * Issue 12 points 3, 5, 7 and 9 through the responder and the faithful fake Ollama
 * (tests/fakes/ollama-runner.ts): the prompt as the model reads it after Ollama's own cuts, thinking
 * text, the hand-off word, and the one outcome the Discord layer shows.
 */
const GUILD = '100000000000000001';
let ollama: FakeOllama;
const cores: Core[] = [];

beforeAll(async () => {
  ollama = await FakeOllama.start({ models: ['llama3', 'qwen3'] });
});
afterAll(async () => {
  await ollama.stop();
});
afterEach(() => {
  Object.assign(ollama, { mode: 'ok', thinking: '', thinkingForm: 'field', contextLengths: {} });
  ollama.reply = (req) => `You asked: ${[...req.messages].reverse().find((m) => m.role === 'user')?.content ?? ''}`;
  for (const core of cores.splice(0)) core.db.close();
});

function core(overrides: Record<string, string> = {}): Core {
  const c = testCore({ OLLAMA_URL: ollama.url, OLLAMA_FIRST_TOKEN_TIMEOUT: '2', TRAINING_CONTEXT_THRESHOLD: '0', TRAINED_ANSWER_THRESHOLD: '1', ...overrides });
  cores.push(c);
  return c;
}

let threadSeq = 0;
function openTicket(c: Core) {
  return c.tickets.open({ guildId: GUILD, threadId: String(400000000000000000n + BigInt(++threadSeq)), ownerId: '200000000000000001', subject: 'Help' });
}

function message(ticket: { guildId: string; threadId: string; ownerId: string }, content: string): TicketMessage {
  return { guildId: ticket.guildId, threadId: ticket.threadId, authorId: ticket.ownerId, messageId: null, content, fromStaff: false, guildName: 'Pixel Forge' };
}

async function ask(c: Core, ticket: ReturnType<typeof openTicket>, content: string, onText?: (t: string) => void) {
  const result = await c.responder.handleMessage(message(ticket, content), { onText });
  if (result.kind !== 'answered') throw new Error(`not answered: ${result.kind}`);
  return result;
}

/** What the model read for the latest request (after Ollama's own cuts). */
function captureSeen(): { seen: FakeChatMessage[] } {
  const box = { seen: [] as FakeChatMessage[] };
  ollama.reply = (req) => {
    box.seen = req.seen ?? [];
    return 'Noted.';
  };
  return box;
}

describe('context (point 3)', () => {
  it('sends num_ctx, and in a long ticket the model still reads the rules, the first post and the chosen references', async () => {
    const c = core();
    const kb = c.knowledge.create(GUILD, { name: 'FAQ' });
    c.knowledge.addEntry(GUILD, kb.id, { title: 'Refund window', content: 'Refunds are possible within 14 days of purchase.' });
    const ticket = openTicket(c);
    await ask(c, ticket, 'FIRST POST: I bought the wrong rank yesterday.');
    for (let i = 0; i < 12; i++) await ask(c, ticket, `message ${i}: ${'more details about my purchase and my account '.repeat(40)}`);
    const box = captureSeen();
    await ask(c, ticket, 'So can I get a refund for the rank?');
    const last = ollama.evaluations.at(-1)!;
    expect(ollama.chatRequests().at(-1)!.options).toMatchObject({ num_ctx: 8192, temperature: 0.2 });
    expect([last.droppedMessages, last.shifted]).toEqual([0, false]);
    const seen = box.seen.map((m) => m.content).join('\n');
    expect(box.seen[0]).toMatchObject({ role: 'system', content: expect.stringContaining('support assistant of the Discord server "Pixel Forge"') });
    expect(seen).toContain('FIRST POST: I bought the wrong rank yesterday.');
    expect(seen).toContain('Refunds are possible within 14 days of purchase.');
    expect(box.seen.at(-1)!.content).toBe('So can I get a refund for the rank?');
  });

  it("budgets for the model's own context when it is smaller than OLLAMA_NUM_CTX (from /api/show), so Ollama cuts nothing", async () => {
    ollama.contextLengths = { llama3: 2048 };
    const c = core();
    const ticket = openTicket(c);
    const box = captureSeen();
    await ask(c, ticket, `FIRST POST ${'word '.repeat(900)}`);
    await ask(c, ticket, `then ${'again '.repeat(900)}`);
    expect(ollama.evaluations.at(-1)).toMatchObject({ numCtx: 2048, droppedMessages: 0, shifted: false });
    expect(box.seen[0]!.role).toBe('system');
  });

  it('lets Ollama reuse the first message’s evaluated prompt for a follow-up: only the new references and message are evaluated', async () => {
    const c = core();
    const kb = c.knowledge.create(GUILD, { name: 'FAQ' });
    c.knowledge.addEntry(GUILD, kb.id, { title: 'Password reset', content: `Reset your password with /reset. ${'Details about resets. '.repeat(20)}` });
    c.knowledge.addEntry(GUILD, kb.id, { title: 'Two-factor codes', content: `Two-factor codes come by email. ${'Details about codes. '.repeat(20)}` });
    const ticket = openTicket(c);
    ollama.reply = 'Use /reset to reset your password.';
    await ask(c, ticket, `How do I reset my password? ${'I tried everything already and nothing worked for me. '.repeat(8)}`);
    await ask(c, ticket, 'And where do two-factor codes arrive?');
    const [first, second] = ollama.evaluations.slice(-2);
    expect(second!.newTokens).toBeLessThan(first!.tokens * 0.5);
  });

  it('logs a warning when prompt_eval_count shows Ollama read more than the bot planned (it may have cut the prompt)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const config = testConfig({ OLLAMA_URL: ollama.url, OLLAMA_NUM_CTX: '1024', TRAINED_ANSWER_THRESHOLD: '1' });
    const c = createCore(openDatabase(config.DB_PATH), config, logger);
    cores.push(c);
    const ticket = openTicket(c);
    // Four-letter words: the bot's estimate counts one token each, the fake Ollama's tokenizer 1.25.
    for (let i = 0; i < 3; i++) await ask(c, ticket, 'wxyz '.repeat(400));
    expect(lines.some((l) => l.includes('Ollama read more prompt tokens than the bot planned'))).toBe(true);
  });
});

describe('a long knowledge entry', () => {
  it('shows the model the passage that answers, not the entry\'s beginning, and keeps it where it was for a follow-up', async () => {
    const c = core();
    const kb = c.knowledge.create(GUILD, { name: 'FAQ' });
    c.knowledge.addEntry(GUILD, kb.id, { title: HANDBOOK_TITLE, content: handbook() });
    const ticket = openTicket(c);
    const box = captureSeen();
    const first = await ask(c, ticket, QUESTION_AT_THE_END);
    const seen = box.seen.map((m) => m.content).join('\n');
    expect(seen).toContain(ANSWER_AT_THE_END);
    expect(seen).toContain(`${HANDBOOK_TITLE} (excerpt)]`);
    expect(seen).not.toContain('part 1:');
    expect(first.answer.source).toMatchObject({ kind: 'ai', kbPassages: [expect.objectContaining({ end: handbook().length })] });

    await ask(c, ticket, 'Thanks. Is there anything else?');
    const [before, after] = ollama.evaluations.slice(-2);
    expect(box.seen.map((m) => m.content).join('\n')).toContain(ANSWER_AT_THE_END);
    expect(after!.newTokens).toBeLessThan(before!.tokens * 0.5); // the same prefix, reused
  });

  it('gives the answering passage when the AI is unavailable, not the whole entry', async () => {
    const c = core();
    const kb = c.knowledge.create(GUILD, { name: 'FAQ' });
    c.knowledge.addEntry(GUILD, kb.id, { title: HANDBOOK_TITLE, content: handbook() });
    ollama.mode = 'busy503';
    const { answer } = await ask(c, openTicket(c), QUESTION_AT_THE_END);
    expect(answer.text.startsWith(AI_UNAVAILABLE_NOTE)).toBe(true);
    expect(answer.text).toContain(ANSWER_AT_THE_END);
    expect(answer.text.length).toBeLessThan(2_000);
  });
});

describe('thinking models (point 5)', () => {
  it('strips <think>…</think> from what is streamed, posted and stored', async () => {
    const c = core({ OLLAMA_MODEL: 'qwen3' });
    Object.assign(ollama, { thinkingForm: 'tags', thinking: 'The member wants X; I should say Y.', reply: 'Do Y.' });
    const shown: string[] = [];
    const result = await ask(c, openTicket(c), 'How do I do X?', (t) => shown.push(t));
    expect(result.outcome.text).toBe('Do Y.');
    expect(shown.some((t) => /think|member wants/.test(t))).toBe(false);
    expect(c.tickets.turns(result.ticket.id).at(-1)!.content).toBe('Do Y.');
  });

  it('drops text before a lone </think> (the template opened the tag)', async () => {
    const c = core();
    ollama.reply = 'Reasoning the member should not see.\n</think>\n\nThe answer.';
    expect((await ask(c, openTicket(c), 'Question?')).outcome.text).toBe('The answer.');
  });
});

describe('honest hand-off and prompt hygiene (point 7)', () => {
  it('hands the ticket to staff when the model says the references do not answer, instead of tagging it Answered', async () => {
    const c = core();
    ollama.reply = 'NEEDS_STAFF';
    const shown: string[] = [];
    const ticket = openTicket(c);
    const result = await ask(c, ticket, 'Can I transfer my rank to a friend?', (t) => shown.push(t));
    expect(result.outcome).toEqual({ text: HANDOFF_TEXT, callStaff: true, status: 'needsStaff' });
    expect(shown.join('')).not.toContain('NEEDS');
    const again = await ask(c, ticket, 'Hello?');
    expect(again.outcome.callStaff).toBe(false); // staff are called once until one of them writes
  });

  it('takes an answer that only mentions the hand-off word in passing as an answer', async () => {
    const c = core();
    ollama.reply = 'The rules say to answer NEEDS_STAFF when unsure, but here I know: use /reset.';
    expect((await ask(c, openTicket(c), 'How do I reset?')).outcome).toMatchObject({ text: ollama.reply, callStaff: false, status: 'answered' });
    ollama.reply = 'I am not sure about that one. NEEDS_STAFF.';
    expect((await ask(c, openTicket(c), 'Can I get a refund?')).outcome).toMatchObject({ text: HANDOFF_TEXT, callStaff: true });
  });

  it("never sends the bot's own notes back to the model as its words", async () => {
    const c = core();
    c.training.add(GUILD, { question: 'How do I join the server?', answer: 'Connect to play.example.net.' });
    const ticket = openTicket(c);
    ollama.mode = 'busy503';
    await ask(c, ticket, 'how can I join the server'); // the closest entry, with the AI-unavailable note
    await ask(c, ticket, 'Something nobody trained at all'); // the plain fallback
    ollama.mode = 'cut';
    ollama.reply = 'A long answer that will be cut in the middle of it, sadly for everyone.';
    await ask(c, ticket, 'Tell me everything');
    ollama.mode = 'ok';
    await ask(c, ticket, 'Thanks');
    const sent = JSON.stringify(ollama.chatRequests().at(-1)!.messages);
    for (const note of [AI_UNAVAILABLE_NOTE, FALLBACK_TEXT, CUT_OFF_NOTE]) expect(sent).not.toContain(note);
    expect(sent).toContain('Connect to play.example.net.');
  });
});

describe('one outcome from the core (point 9)', () => {
  it('says what to show: the text, whether staff are called, and the status tag', async () => {
    const c = core();
    const ticket = openTicket(c);
    expect((await ask(c, ticket, 'Hello there')).outcome).toEqual({ text: 'You asked: Hello there', callStaff: false, status: 'answered' });
    ollama.mode = 'busy503';
    expect((await ask(c, ticket, 'Anyone?')).outcome).toEqual({ text: FALLBACK_TEXT, callStaff: true, status: 'needsStaff' });
    expect((await ask(c, ticket, 'Still there?')).outcome).toEqual({ text: FALLBACK_TEXT, callStaff: false, status: 'needsStaff' });
    ollama.mode = 'ok';
    // A ticket waiting for staff keeps its Needs staff tag when the bot answers again.
    expect((await ask(c, ticket, 'Hello again')).outcome.status).toBe('needsStaff');
  });
});
