import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { TicketMessage } from '../../src/core/responder.js';
import { capKeepingEnds, leftOutMarker } from '../../src/core/ai/long-message.js';
import { estimateTokens } from '../../src/core/ai/token-estimate.js';
import { FakeOllama, type FakeChatMessage } from '../fakes/ollama.js';
import { testCore } from './helpers.js';

/**
 * A member pastes a long log or stack trace: the error is at its end. What the model reads (the
 * faithful fake Ollama, after its own context cuts) must hold that end, with a marker of what was
 * left out, and the answer the member gets must be about it.
 */
const GUILD = '100000000000000001';
const ERROR_LINE = 'java.lang.OutOfMemoryError: Java heap space';
let ollama: FakeOllama;
const cores: Core[] = [];

beforeAll(async () => {
  ollama = await FakeOllama.start({ models: ['llama3'] });
});
afterAll(async () => {
  await ollama.stop();
});
afterEach(() => {
  for (const core of cores.splice(0)) core.db.close();
});

function core(): Core {
  const c = testCore({ OLLAMA_URL: ollama.url, OLLAMA_NUM_CTX: '2048', OLLAMA_FIRST_TOKEN_TIMEOUT: '2', TRAINED_ANSWER_THRESHOLD: '1' });
  cores.push(c);
  return c;
}

let threadSeq = 0;
function openTicket(c: Core) {
  return c.tickets.open({ guildId: GUILD, threadId: String(410000000000000000n + BigInt(++threadSeq)), ownerId: '200000000000000001', subject: 'Server crash' });
}

function message(ticket: { guildId: string; threadId: string; ownerId: string }, content: string): TicketMessage {
  return { guildId: ticket.guildId, threadId: ticket.threadId, authorId: ticket.ownerId, messageId: null, content, fromStaff: false, guildName: 'Pixel Forge' };
}

/** 400 lines: start-up noise, then the crash in the last lines. */
function crashLog(): string {
  const lines = Array.from({ length: 394 }, (_, i) => `[21:13:${String(i % 60).padStart(2, '0')}] [Server thread/INFO]: Preparing spawn area chunk ${i + 1} of 394`);
  lines.push(
    '[21:19:58] [Server thread/ERROR]: Encountered an unexpected exception',
    ERROR_LINE,
    '\tat net.minecraft.world.level.chunk.ChunkAccess.<init>(ChunkAccess.java:112)',
    '\tat net.minecraft.server.MinecraftServer.runServer(MinecraftServer.java:701)',
    '\tat java.base/java.lang.Thread.run(Thread.java:840)',
    '[21:19:58] [Server thread/INFO]: Stopping server',
  );
  return lines.join('\n');
}

/** What the model read last (after Ollama's own cuts), and a reply that says whether it saw the error. */
function modelThatReadsTheLog(): { seen: FakeChatMessage[] } {
  const box = { seen: [] as FakeChatMessage[] };
  ollama.reply = (req) => {
    box.seen = req.seen ?? [];
    const read = box.seen.map((m) => m.content).join('\n');
    return read.includes(ERROR_LINE) ? 'Your server ran out of memory (Java heap space): raise -Xmx in the start script.' : 'I cannot see an error in what you sent.';
  };
  return box;
}

describe('a member pastes a long log', () => {
  it('in a 2048-token window the model reads the log’s first lines, a marker of what was left out, and its last lines with the error', async () => {
    const c = core();
    const ticket = openTicket(c);
    const log = crashLog();
    expect(estimateTokens(log)).toBeGreaterThan(2048 * 4);
    const box = modelThatReadsTheLog();
    const result = await c.responder.handleMessage(message(ticket, `My server crashes while starting, here is the log:\n\`\`\`\n${log}\n\`\`\``));
    if (result.kind !== 'answered') throw new Error(result.kind);

    const asked = box.seen.at(-1)!;
    expect(asked.role).toBe('user');
    expect(asked.content).toContain('My server crashes while starting');
    expect(asked.content).toContain('Preparing spawn area chunk 1 of 394');
    expect(asked.content).toContain(ERROR_LINE);
    expect(asked.content).toContain('[21:19:58] [Server thread/INFO]: Stopping server\n```');
    expect(asked.content).toMatch(/\n\[… \d+ lines left out …\]\n/);
    // The end is favoured: more of the last lines than of the first.
    const [start, end] = asked.content.split(/\n\[… \d+ lines left out …\]\n/);
    expect(end!.split('\n').length).toBeGreaterThan(start!.split('\n').length);
    // Ollama itself cut nothing: the bot's budget held.
    expect(ollama.evaluations.at(-1)).toMatchObject({ numCtx: 2048, droppedMessages: 0, shifted: false });

    expect(result.outcome.text).toBe('Your server ran out of memory (Java heap space): raise -Xmx in the start script.');
    // The whole log stays stored in the ticket: only the prompt is shortened.
    expect(c.tickets.recentTurns(ticket.id, 100_000).some((t) => t.content.includes('chunk 200 of 394'))).toBe(true);
  });

  it('keeps the end of a long first post too, when a follow-up asks about it', async () => {
    const c = core();
    const ticket = openTicket(c);
    const box = modelThatReadsTheLog();
    await c.responder.handleMessage(message(ticket, `Crash log:\n${crashLog()}`));
    await c.responder.handleMessage(message(ticket, 'Any idea what is wrong?'));
    const firstPost = box.seen.find((m) => m.role === 'user' && m.content.startsWith('Crash log:'))!;
    expect(firstPost.content).toContain(ERROR_LINE);
    expect(firstPost.content).toMatch(/\[… \d+ lines left out …\]/);
    expect(box.seen.at(-1)!.content).toBe('Any idea what is wrong?');
  });
});

describe('capKeepingEnds', () => {
  it('leaves a text that fits unchanged', () => {
    expect(capKeepingEnds('line one\nline two', 100)).toEqual({ text: 'line one\nline two', capped: false });
  });

  it('cuts at line ends, counts the lines left out and stays within the limit', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1} of the log`).join('\n');
    const { text: cut, capped } = capKeepingEnds(text, 120);
    expect(capped).toBe(true);
    expect(estimateTokens(cut)).toBeLessThanOrEqual(120);
    const lines = cut.split('\n');
    const marker = lines.findIndex((l) => l.startsWith('[…'));
    const kept = lines.filter((_, i) => i !== marker);
    expect(lines[marker]).toBe(leftOutMarker(100 - kept.length, 'lines'));
    expect(lines[0]).toBe('line 1 of the log');
    expect(lines.at(-1)).toBe('line 100 of the log');
    expect(lines.length - marker - 1).toBeGreaterThan(marker); // more of the end than of the start
    for (const line of kept) expect(text.split('\n')).toContain(line); // whole lines only
  });

  it('cuts one long line at word ends, keeping both ends, and counts the characters left out', () => {
    const words = Array.from({ length: 600 }, (_, i) => `w${i}`);
    const { text: cut } = capKeepingEnds(words.join(' '), 100);
    expect(estimateTokens(cut)).toBeLessThanOrEqual(100);
    const [start, marker, end] = cut.split('\n');
    expect(start!.startsWith('w0 w1 w2')).toBe(true);
    expect(end!.endsWith('w598 w599')).toBe(true);
    expect(end!.split(' ').every((w) => words.includes(w))).toBe(true);
    const leftOut = words.join(' ').slice(start!.length, words.join(' ').length - end!.length).trim();
    expect(marker).toBe(leftOutMarker(leftOut.length, 'characters'));
  });
});
