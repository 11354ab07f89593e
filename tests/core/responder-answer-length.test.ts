import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { CUT_OFF_NOTE, FALLBACK_TEXT, type TicketMessage } from '../../src/core/responder.js';
import { FakeOllama } from '../fakes/ollama.js';
import { testCore } from './helpers.js';

/**
 * How long an answer may run. Ollama lets a request generate until the model's stop token or
 * num_predict tokens, and num_predict defaults to 10 × num_ctx (llm/llama_server.go boundedNumPredict;
 * the fake's rules in tests/fakes/ollama-runner.ts): a small model that loops never stops on its own,
 * and on a CPU at a few tokens a second it would stream into the ticket for hours while every other
 * ticket waits for the one Ollama slot. An answer stopped by the limit ends with done_reason "length",
 * as normally as a finished one, so the bot must say it was cut.
 */
const GUILD = '100000000000000001';
let ollama: FakeOllama;
const cores: Core[] = [];

beforeAll(async () => {
  ollama = await FakeOllama.start({ models: ['llama3', 'qwen3', 'gpt-oss:20b'] });
});
afterAll(async () => {
  await ollama.stop();
});
afterEach(() => {
  Object.assign(ollama, { thinking: '', thinkingForm: 'field' });
  ollama.reply = (req) => `You asked: ${[...req.messages].reverse().find((m) => m.role === 'user')?.content ?? ''}`;
  for (const core of cores.splice(0)) core.db.close();
});

function core(overrides: Record<string, string> = {}): Core {
  const c = testCore({ OLLAMA_URL: ollama.url, OLLAMA_FIRST_TOKEN_TIMEOUT: '5', TRAINING_CONTEXT_THRESHOLD: '0', TRAINED_ANSWER_THRESHOLD: '1', ...overrides });
  cores.push(c);
  return c;
}

let threadSeq = 0;
function openTicket(c: Core) {
  return c.tickets.open({ guildId: GUILD, threadId: String(500000000000000000n + BigInt(++threadSeq)), ownerId: '200000000000000001', subject: 'Help' });
}

async function ask(c: Core, ticket: ReturnType<typeof openTicket>, content: string, onText?: (t: string) => void) {
  const message: TicketMessage = { guildId: ticket.guildId, threadId: ticket.threadId, authorId: ticket.ownerId, messageId: null, content, fromStaff: false };
  const result = await c.responder.handleMessage(message, { onText });
  if (result.kind !== 'answered') throw new Error(`not answered: ${result.kind}`);
  return result;
}

/**
 * A model caught in a loop, as far as a test needs: 12,000 characters (3,000 tokens) with no stop
 * token. A real loop runs on to the 10 × num_ctx bound (81,920 tokens at num_ctx 8192).
 */
const LOOPING = 'Please restart the launcher and try again. '.repeat(280);

describe('an answer that does not stop by itself', () => {
  it('is stopped at OLLAMA_MAX_ANSWER_TOKENS (default 1024) and shown as cut off, not streamed on as if complete', async () => {
    const c = core();
    ollama.reply = LOOPING;
    const ticket = openTicket(c);
    let longestShown = 0;
    const result = await ask(c, ticket, 'My game crashes at start', (t) => (longestShown = Math.max(longestShown, t.length)));
    expect(longestShown).toBeLessThanOrEqual(1024 * 4);
    expect(result.outcome.text.endsWith(CUT_OFF_NOTE)).toBe(true);
    expect(result.outcome.text.length).toBeLessThanOrEqual(1024 * 4 + CUT_OFF_NOTE.length + 2);
    expect(ollama.chatRequests().at(-1)!.options).toMatchObject({ num_predict: 1024 });
    expect(ollama.evaluations.at(-1)).toMatchObject({ doneReason: 'length' });
    // Stored as cut: Solved will not offer it to staff as a training suggestion.
    expect(c.tickets.turns(ticket.id).at(-1)!.source).toMatchObject({ kind: 'ai', complete: false });
  });

  it('leaves the answer its room in the context window, so writing it never shifts the rules and references out', async () => {
    const c = core({ OLLAMA_NUM_CTX: '2048', OLLAMA_MAX_ANSWER_TOKENS: '400' });
    const ticket = openTicket(c);
    await ask(c, ticket, `FIRST POST ${'my launcher shows an error after the update '.repeat(60)}`);
    ollama.reply = LOOPING;
    const result = await ask(c, ticket, `Here is the log: ${'ERROR 0x80070005 access denied at launcher.dll '.repeat(120)}`);
    const last = ollama.evaluations.at(-1)!;
    expect(last.generationShifted).toBeUndefined();
    expect(ollama.chatRequests().at(-1)!.options).toMatchObject({ num_ctx: 2048, num_predict: 400 });
    expect(last.tokens + 400).toBeLessThanOrEqual(2048);
    expect(result.outcome.text.endsWith(CUT_OFF_NOTE)).toBe(true);
  });

  it('is never given more than a quarter of a small context window, whatever OLLAMA_MAX_ANSWER_TOKENS says', async () => {
    const c = core({ OLLAMA_NUM_CTX: '1024', OLLAMA_MAX_ANSWER_TOKENS: '4096' });
    await ask(c, openTicket(c), 'My game crashes at start');
    expect(ollama.chatRequests().at(-1)!.options).toMatchObject({ num_ctx: 1024, num_predict: 256 });
  });

  it('keeps a normal answer that ends within the limit complete', async () => {
    const c = core({ OLLAMA_MAX_ANSWER_TOKENS: '400' });
    ollama.reply = 'Restart the launcher, then verify the game files.';
    const ticket = openTicket(c);
    const result = await ask(c, ticket, 'My game crashes at start');
    expect(result.outcome.text).toBe('Restart the launcher, then verify the game files.');
    expect(c.tickets.turns(ticket.id).at(-1)!.source).toMatchObject({ kind: 'ai', complete: true });
  });
});

describe('reasoning that uses up the answer length', () => {
  it('gives the member the fallback (staff called), not an empty message, and records why', async () => {
    const c = core({ OLLAMA_MAX_ANSWER_TOKENS: '100' });
    // A server or model that reasons whatever `think` says, into the text (tests/fakes/ollama-runner.ts "Thinking").
    Object.assign(ollama, { thinkingForm: 'tags', thinking: 'The member asks about a crash. Let me go through every possible cause. '.repeat(20) });
    ollama.reply = 'Restart the launcher.';
    const ticket = openTicket(c);
    const result = await ask(c, ticket, 'My game crashes at start');
    expect(ollama.evaluations.at(-1)).toMatchObject({ doneReason: 'length' });
    expect(result.outcome).toMatchObject({ text: FALLBACK_TEXT, callStaff: true, status: 'needsStaff' });
    expect(c.tickets.turns(ticket.id).at(-1)!.source).toEqual({ kind: 'fallback', reason: 'answer_limit' });
  });

  it('asks gpt-oss, whose reasoning cannot be switched off, for its shortest ("low"), so the member gets an answer within the limit', async () => {
    const c = core({ OLLAMA_MODEL: 'gpt-oss:20b' });
    // How long the model reasons at each level is scripted; Ollama passes the level on (tests/fakes/ollama-runner.ts).
    ollama.thinking = (req) =>
      req.effort === 'low' ? 'The entries say to restart the launcher.' : 'The member reports a crash at start. Let me go through every possible cause. '.repeat(70);
    ollama.reply = 'Restart the launcher, then verify the game files.';
    const ticket = openTicket(c);
    const result = await ask(c, ticket, 'My game crashes at start');
    expect(result.outcome).toMatchObject({ text: 'Restart the launcher, then verify the game files.', callStaff: false });
    expect(ollama.chatRequests().at(-1)!.think).toBe('low');
    expect(ollama.evaluations.at(-1)!.generatedTokens).toBeLessThan(50);
  });
});
