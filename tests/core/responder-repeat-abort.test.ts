import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createCore, type Core } from '../../src/core/core.js';
import { CUT_OFF_NOTE, FALLBACK_TEXT, type TicketMessage } from '../../src/core/responder.js';
import { openDatabase } from '../../src/db/database.js';
import { FakeOllama } from '../fakes/ollama.js';
import { testConfig } from './helpers.js';

/**
 * Ollama ends a generation whose model repeats one token over and over (more than 30 identical
 * tokens in a row) without a done line or an error: the stream simply ends (the fake models it,
 * tests/fakes/ollama-runner.ts "Token repeat"). That is the model misbehaving, not Ollama failing:
 * the member gets what came before the repetition, marked as cut off; the host stays in use; the log
 * says what happened, not that Ollama is down.
 */
const GUILD = '100000000000000001';
/** 64 characters: the fake's tokens are 4-character pieces, so the repeated "sudo" tokens start on a token boundary, as a real tokenizer's would. */
const ANSWER_START = 'To reset your password, open Settings and run this command:\n```\n';
let a: FakeOllama;
let b: FakeOllama;
const cores: Core[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([FakeOllama.start(), FakeOllama.start()]);
});
afterAll(async () => {
  await Promise.all([a.stop(), b.stop()]);
});
afterEach(() => {
  for (const core of cores.splice(0)) core.db.close();
  a.reply = b.reply = 'Fine.';
});

function coreWithLog(): { core: Core; log: { msg: string; level: number; kind?: string }[] } {
  const log: { msg: string; level: number; kind?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void log.push(JSON.parse(line)) });
  const config = testConfig({ OLLAMA_URL: `${a.url},${b.url}`, OLLAMA_FIRST_TOKEN_TIMEOUT: '3', TRAINED_ANSWER_THRESHOLD: '1' });
  const core = createCore(openDatabase(config.DB_PATH), config, logger);
  cores.push(core);
  return { core, log };
}

let threadSeq = 0;
async function ask(core: Core, content: string) {
  const ticket = core.tickets.open({ guildId: GUILD, threadId: String(420000000000000000n + BigInt(++threadSeq)), ownerId: '200000000000000001', subject: 'Help' });
  const message: TicketMessage = { guildId: GUILD, threadId: ticket.threadId, authorId: ticket.ownerId, messageId: null, content, fromStaff: false };
  const shown: string[] = [];
  const result = await core.responder.handleMessage(message, { onText: (t) => shown.push(t) });
  if (result.kind !== 'answered') throw new Error(result.kind);
  return { result, shown };
}

describe("Ollama's token-repeat abort", () => {
  async function loopingAnswer() {
    const { core, log } = coreWithLog();
    a.reply = b.reply = `${ANSWER_START}${'sudo'.repeat(80)}`; // the model loops on one token
    const asked = await ask(core, 'How do I reset my password?');
    expect([...a.evaluations, ...b.evaluations].at(-1)).toMatchObject({ repeatAborted: true });
    return { core, log, used: a.evaluations.length > 0 ? 0 : 1, ...asked };
  }

  it('gives the member what came before the repetition, marked as cut off', async () => {
    const { result, shown } = await loopingAnswer();
    expect(shown.at(-1)).toContain('sudosudosudo'); // it streamed while the model wrote it
    expect(result.outcome.text).toBe(`${ANSWER_START.trimEnd()}\n\n${CUT_OFF_NOTE}`);
    expect(result.answer.source).toMatchObject({ kind: 'ai', complete: false });
    expect(result.outcome).toMatchObject({ callStaff: false, status: 'answered' });
  });

  it('neither logs an outage nor marks the host down (two hosts in OLLAMA_URL), and says what happened', async () => {
    const { core, log, used } = await loopingAnswer();
    expect(log.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([
      'Ollama stopped an answer because the model repeated one token over and over (its limit is 30 repeats). The member got what came before, marked as cut off. If this happens often, raise OLLAMA_TEMPERATURE or use a larger model.',
    ]);
    const host = core.ai.pool.statuses()[used]!;
    expect(host).toMatchObject({ reachable: true });
    expect(host.error).toBeUndefined();
    expect(core.ai.lastHealth()).toMatchObject({ reachable: true });
  });

  it('gives the fallback when the model wrote nothing but the repetition', async () => {
    const { core } = coreWithLog();
    a.reply = b.reply = '\n'.repeat(4) + '....'.repeat(60);
    const { result } = await ask(core, 'Anything?');
    expect(result.outcome.text).toBe(FALLBACK_TEXT);
    expect(result.answer.source).toMatchObject({ kind: 'fallback', reason: 'ended_early' });
    expect(core.ai.pool.statuses().every((s) => s.error === undefined)).toBe(true);
  });
});
