import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { AI_UNAVAILABLE_NOTE, CUT_OFF_NOTE, FALLBACK_TEXT, type TicketMessage } from '../../src/core/responder.js';
import { FakeOllama, type FakeChatRequest } from '../fakes/ollama.js';
import { testCore } from './helpers.js';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';

let ollama: FakeOllama;
const cores: Core[] = [];

beforeAll(async () => {
  ollama = await FakeOllama.start();
});
afterAll(async () => {
  await ollama.stop();
});
afterEach(() => {
  ollama.mode = 'ok';
  ollama.firstTokenDelayMs = 0;
  ollama.tokenDelayMs = 0;
  ollama.parallelism = Number.POSITIVE_INFINITY;
  ollama.reply = (req) => `You asked: ${lastUser(req)}`;
  for (const core of cores.splice(0)) core.db.close();
});

function lastUser(req: FakeChatRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

function core(overrides: Record<string, string> = {}): Core {
  const c = testCore({ OLLAMA_URL: ollama.url, OLLAMA_FIRST_TOKEN_TIMEOUT: '2', ...overrides });
  cores.push(c);
  return c;
}

let threadSeq = 0;
function openTicket(c: Core, guildId = GUILD, ownerId = '200000000000000001') {
  return c.tickets.open({ guildId, threadId: String(300000000000000000n + BigInt(++threadSeq)), ownerId, subject: 'Help' });
}

function message(ticket: { guildId: string; threadId: string; ownerId: string }, content: string, extra: Partial<TicketMessage> = {}): TicketMessage {
  return { guildId: ticket.guildId, threadId: ticket.threadId, authorId: ticket.ownerId, messageId: null, content, fromStaff: false, ...extra };
}

describe('Responder', () => {
  it('answers a trained question with the trained answer, counts the use and stores both turns', async () => {
    const c = core();
    const entry = c.training.add(GUILD, { question: 'How do I reset my password?', answer: 'Use /reset in #account.' });
    const ticket = openTicket(c);
    const result = await c.responder.handleMessage(message(ticket, 'how do i reset my password'));
    expect(result.kind).toBe('answered');
    if (result.kind !== 'answered') return;
    expect(result.answer.text).toBe('Use /reset in #account.');
    expect(result.answer.source).toMatchObject({ kind: 'trained', trainingEntryId: entry.id });
    expect(result.answer.score).toBeGreaterThanOrEqual(0.85);
    expect(c.training.get(GUILD, entry.id)?.usageCount).toBe(1);
    const info = c.tickets.info(GUILD, ticket.threadId);
    expect(info?.counts).toEqual({ user: 1, bot: 1, staff: 0 });
    expect(info?.lastAnswer?.source).toMatchObject({ kind: 'trained' });
    expect(ollama.chatRequests()).toHaveLength(0);
  });

  it("never answers from another server's training", async () => {
    const c = core();
    c.training.add(OTHER_GUILD, { question: 'How do I reset my password?', answer: 'Secret answer of the other server' });
    const result = await c.responder.handleMessage(message(openTicket(c), 'How do I reset my password?'));
    expect(result.kind === 'answered' && result.answer.source.kind).toBe('ai');
    const sent = JSON.stringify(ollama.chatRequests().at(-1));
    expect(sent).not.toContain('Secret answer of the other server');
  });

  it('asks the AI with the ticket conversation and streams the text', async () => {
    const c = core();
    ollama.reply = 'Try turning it off and on again.';
    ollama.chunkSize = 5;
    const seen: string[] = [];
    const result = await c.responder.handleMessage(message(openTicket(c), 'My router keeps blinking red'), { onText: (t) => seen.push(t) });
    expect(result.kind === 'answered' && result.answer).toMatchObject({
      text: 'Try turning it off and on again.',
      source: { kind: 'ai', model: 'llama3', complete: true },
    });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe('Try turning it off and on again.');
    expect(lastUser(ollama.chatRequests().at(-1)!)).toContain('My router keeps blinking red');
  });

  it('gives the AI the knowledge-base entries and near trained entries of this server only', async () => {
    const c = core({ TRAINING_CONTEXT_THRESHOLD: '0', TRAINED_ANSWER_THRESHOLD: '1' });
    c.training.add(GUILD, { question: 'What ports does the server use?', answer: 'Port 25565 for Java edition.' });
    const kb = c.knowledge.create(GUILD, { name: 'Server' });
    c.knowledge.addEntry(GUILD, kb.id, { title: 'Server ports', content: 'Bedrock players connect on port 19132.' });
    const otherKb = c.knowledge.create(OTHER_GUILD, { name: 'Server' });
    c.knowledge.addEntry(OTHER_GUILD, otherKb.id, { title: 'Server ports', content: 'The other server uses port 7777.' });

    const result = await c.responder.handleMessage(message(openTicket(c), 'which port does the server use'));
    expect(result.kind === 'answered' && result.answer.source.kind).toBe('ai');
    const prompt = JSON.stringify(ollama.chatRequests().at(-1)!.messages);
    expect(prompt).toContain('Port 25565 for Java edition.');
    expect(prompt).toContain('Bedrock players connect on port 19132.');
    expect(prompt).not.toContain('7777');
  });

  it('keeps each ticket’s context its own in a burst of 20 tickets', async () => {
    const c = core({ OLLAMA_MAX_CONCURRENT: '4' });
    ollama.tokenDelayMs = 2;
    ollama.reply = (req) => `Answer for: ${lastUser(req)} (${req.messages.filter((m) => m.role !== 'system').length} turns)`;
    const tickets = Array.from({ length: 20 }, () => openTicket(c));
    const results = await Promise.all(tickets.map((t, i) => c.responder.handleMessage(message(t, `question number ${i}`))));
    results.forEach((result, i) => {
      expect(result.kind === 'answered' && result.answer.text).toBe(`Answer for: question number ${i} (1 turns)`);
    });
  });

  it('answers one ticket’s messages in arrival order, each seeing only what came before it', async () => {
    const c = core();
    ollama.firstTokenDelayMs = 50;
    ollama.reply = (req) => `Re: ${lastUser(req)} after ${req.messages.filter((m) => m.role !== 'system').length - 1} earlier turns`;
    const ticket = openTicket(c);
    const queued: number[] = [];
    const [first, second] = await Promise.all([
      c.responder.handleMessage(message(ticket, 'first')),
      c.responder.handleMessage(message(ticket, 'second'), { onQueued: (p) => queued.push(p) }),
    ]);
    expect(first.kind === 'answered' && first.answer.text).toBe('Re: first after 0 earlier turns');
    expect(second.kind === 'answered' && second.answer.text).toBe('Re: second after 2 earlier turns');
    expect(queued).toEqual([1]);
  });

  describe('when the AI is unavailable', () => {
    it('answers from the closest entry at or above TRAINING_CONTEXT_THRESHOLD with a note', async () => {
      const c = core({ TRAINING_CONTEXT_THRESHOLD: '0', TRAINED_ANSWER_THRESHOLD: '1' });
      c.training.add(GUILD, { question: 'How do I join the server?', answer: 'Connect to play.example.net.' });
      ollama.mode = 'busy503';
      const result = await c.responder.handleMessage(message(openTicket(c), 'how can I join the server'));
      expect(result.kind === 'answered' && result.answer.text).toBe(`${AI_UNAVAILABLE_NOTE}\n\nConnect to play.example.net.`);
      expect(result.kind === 'answered' && result.answer.source.kind).toBe('knowledge');
    });

    it.each([
      ['the model is missing', { OLLAMA_MODEL: 'mistral' }, 'ok'],
      ['Ollama is busy', {}, 'busy503'],
      ['Ollama hangs past OLLAMA_FIRST_TOKEN_TIMEOUT', { OLLAMA_FIRST_TOKEN_TIMEOUT: '1' }, 'hang'],
    ] as const)('says plainly that staff will follow up when %s and nothing matches', async (_what, overrides, mode) => {
      const c = core(overrides);
      ollama.mode = mode;
      const started = Date.now();
      const result = await c.responder.handleMessage(message(openTicket(c), 'Something nobody trained'));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(result.kind === 'answered' && result.answer).toMatchObject({ text: FALLBACK_TEXT, source: { kind: 'fallback' } });
    });

    it('says so when Ollama is down, and answers with the AI again once it is back', async () => {
      const c = core();
      const ticket = openTicket(c);
      await ollama.stop();
      try {
        const down = await c.responder.handleMessage(message(ticket, 'Is anyone there?'));
        expect(down.kind === 'answered' && down.answer.source).toEqual({ kind: 'fallback', reason: 'down' });
      } finally {
        await ollama.restart();
      }
      const back = await c.responder.handleMessage(message(ticket, 'Hello again'));
      expect(back.kind === 'answered' && back.answer.text).toBe('You asked: Hello again');
    });

    it('marks an answer cut off mid-stream as unfinished, and answers the next message normally', async () => {
      const c = core();
      const ticket = openTicket(c);
      ollama.reply = 'This is a long answer that will be cut in the middle of it.';
      ollama.mode = 'cut';
      const cut = await c.responder.handleMessage(message(ticket, 'Tell me everything'));
      expect(cut.kind).toBe('answered');
      if (cut.kind !== 'answered') return;
      expect(cut.answer.text.endsWith(CUT_OFF_NOTE)).toBe(true);
      expect(cut.answer.text.startsWith('This is a long')).toBe(true);
      expect(cut.answer.source).toMatchObject({ kind: 'ai', complete: false });
      ollama.mode = 'ok';
      ollama.reply = 'Complete answer.';
      const next = await c.responder.handleMessage(message(ticket, 'And now?'));
      expect(next.kind === 'answered' && next.answer).toMatchObject({ text: 'Complete answer.', source: { complete: true } });
    });
  });

  it('stores staff messages without answering them', async () => {
    const c = core();
    const ticket = openTicket(c);
    const result = await c.responder.handleMessage(message(ticket, 'I will look into it', { authorId: '900000000000000009', fromStaff: true }));
    expect(result).toMatchObject({ kind: 'stored', reason: 'staff' });
    expect(c.tickets.info(GUILD, ticket.threadId)?.counts).toEqual({ user: 0, bot: 0, staff: 1 });
  });

  it('records but does not answer with ENABLE_AUTO_RESPONSE=false', async () => {
    const c = core({ ENABLE_AUTO_RESPONSE: 'false' });
    const ticket = openTicket(c);
    const result = await c.responder.handleMessage(message(ticket, 'Hello?'));
    expect(result).toMatchObject({ kind: 'stored', reason: 'auto-response-off' });
    expect(c.tickets.info(GUILD, ticket.threadId)?.counts.user).toBe(1);
  });

  it('ignores threads that are not tickets and closed tickets', async () => {
    const c = core();
    const notTicket = await c.responder.handleMessage({ guildId: GUILD, threadId: '1', authorId: '2', messageId: null, content: 'hi', fromStaff: false });
    expect(notTicket).toEqual({ kind: 'ignored', reason: 'not-a-ticket' });
    const ticket = openTicket(c);
    c.tickets.close(GUILD, ticket.threadId, { closedBy: ticket.ownerId, reason: 'done' });
    expect(await c.responder.handleMessage(message(ticket, 'one more thing'))).toEqual({ kind: 'ignored', reason: 'ticket-closed' });
  });

  it('treats FTS5 syntax and SQL in a message as plain text', async () => {
    const c = core();
    c.training.add(GUILD, { question: 'How do I reset my password?', answer: 'Use /reset.' });
    for (const text of ['"unbalanced', 'NEAR(a b)', 'a OR b -c', 'col:value *', "'; DROP TABLE tickets; --"]) {
      const result = await c.responder.handleMessage(message(openTicket(c), text));
      expect(result.kind).toBe('answered');
    }
  });
});
