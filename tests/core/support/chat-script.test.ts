import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/database.js';
import { TicketStore } from '../../../src/core/tickets/store.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { FakeOllama } from '../../fakes/ollama.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const GUILD = '100000000000000001';

let ollama: FakeOllama;
beforeAll(async () => {
  ollama = await FakeOllama.start();
});
afterAll(async () => {
  await ollama.stop();
});

/** Runs `npm run chat`'s script with the lines as the member's input; resolves with its output and exit code. */
function runChat(args: string[], env: Record<string, string>, lines: string[]): Promise<{ code: number | null; output: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'bot-chat-cwd-')); // no .env here: the test's environment alone
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'scripts', 'chat.ts'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

describe('npm run chat', () => {
  it('answers like the bot in the chosen server, printing the source and score of each answer, and leaves the real data untouched', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'bot-chat-')), 'bot.db');
    const db = openDatabase(dbPath);
    const entry = new TrainingStore(db).add(GUILD, { question: 'How do I reset my password?', answer: 'Use /reset in #account.' });
    db.close();

    const { code, output } = await runChat(['--guild', GUILD], { DB_PATH: dbPath, OLLAMA_URL: ollama.url, TRAINED_ANSWER_THRESHOLD: '0.5', SIMILARITY_THRESHOLD: '0.3' }, [
      'How do I reset my password?',
      'Can pigeons fly backwards?',
      '/quit',
    ]);
    expect(code).toBe(0);
    expect(output).toContain(`Server ${GUILD}: 1 trained answers, 0 knowledge-base entries`);
    expect(output).toContain('Ollama 0.');
    expect(output).toMatch(new RegExp(`bot> Use /reset in #account\\.\\n +\\[trained answer #${entry.id} · score \\d\\.\\d\\d\\]`));
    expect(output).toMatch(/bot> You asked: Can pigeons fly backwards\?\n +\[AI \(llama3\) · best trained score \d\.\d\d · context: none\]/);

    const after = openDatabase(dbPath);
    expect(new TrainingStore(after).get(GUILD, entry.id)!.usageCount).toBe(0);
    expect(new TicketStore(after).countOpen(GUILD)).toBe(0);
    after.close();
  });

  it('explains what is missing: the server id, or the database', async () => {
    const [noGuild, noDb] = await Promise.all([
      runChat([], { DB_PATH: '/nonexistent/bot.db' }, []),
      runChat(['--guild', GUILD], { DB_PATH: join(tmpdir(), 'no-such-dir-bot', 'bot.db') }, []),
    ]);
    expect(noGuild.code).toBe(2);
    expect(noGuild.output).toContain('--guild is required');
    expect(noDb.code).toBe(2);
    expect(noDb.output).toContain('There is no database at');
  });
});
