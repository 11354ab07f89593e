import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/database.js';
import { TicketStore } from '../../../src/core/tickets/store.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { FakeOllama } from '../../fakes/ollama.js';
import { ROOT } from '../../npm-start.js';
import { runTs, tempDir } from '../../reliability/helpers.js';
import { GUILD_A, tempDbPath } from '../temp-db.js';

let ollama: FakeOllama;
beforeAll(async () => {
  ollama = await FakeOllama.start();
});
afterAll(async () => {
  await ollama.stop();
});

/** Runs `npm run chat`'s script with the lines as the member's input; resolves with its output and exit code. */
async function runChat(args: string[], env: Record<string, string>, lines: string[]): Promise<{ code: number | null; output: string }> {
  const chat = runTs(join(ROOT, 'scripts', 'chat.ts'), args, {
    cwd: tempDir('bot-chat-cwd-'), // no .env here: the test's environment alone
    env: { LOG_LEVEL: 'silent', ...env },
    stdin: lines.map((l) => `${l}\n`).join(''),
  });
  const { code } = await chat.exited;
  return { code, output: chat.output() };
}

describe('npm run chat', () => {
  it('answers like the bot in the chosen server, printing the source and score of each answer, and leaves the real data untouched', async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    const entry = new TrainingStore(db).add(GUILD_A, { question: 'How do I reset my password?', answer: 'Use /reset in #account.' });
    db.close();

    const { code, output } = await runChat(['--guild', GUILD_A], { DB_PATH: dbPath, OLLAMA_URL: ollama.url, TRAINED_ANSWER_THRESHOLD: '0.5', TRAINING_CONTEXT_THRESHOLD: '0.3' }, [
      'How do I reset my password?',
      'Can pigeons fly backwards?',
      '/quit',
    ]);
    expect(code).toBe(0);
    expect(output).toContain(`Server ${GUILD_A}: 1 trained answers, 0 knowledge-base entries`);
    expect(output).toContain('Ollama 0.');
    expect(output).toMatch(new RegExp(`bot> Use /reset in #account\\.\\n +\\[trained answer #${entry.id} · score \\d\\.\\d\\d\\]`));
    expect(output).toMatch(/bot> You asked: Can pigeons fly backwards\?\n +\[AI \(llama3\) · best trained score \d\.\d\d · context: none\]/);

    const after = openDatabase(dbPath);
    expect(new TrainingStore(after).get(GUILD_A, entry.id)!.usageCount).toBe(0);
    expect(new TicketStore(after).countOpen(GUILD_A)).toBe(0);
    after.close();
  });

  it('explains what is missing: the server id, or the database', async () => {
    const [noGuild, noDb] = await Promise.all([
      runChat([], { DB_PATH: '/nonexistent/bot.db' }, []),
      runChat(['--guild', GUILD_A], { DB_PATH: join(tmpdir(), 'no-such-dir-bot', 'bot.db') }, []),
    ]);
    expect(noGuild.code).toBe(2);
    expect(noGuild.output).toContain('--guild is required');
    expect(noDb.code).toBe(2);
    expect(noDb.output).toContain('There is no database at');
  });
});
