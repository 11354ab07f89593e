/**
 * A terminal conversation with the bot's own responder, in one server's data:
 *
 *   npm run chat -- --guild <server id>
 *
 * DB_PATH and the Ollama settings come from .env (or the environment), as for the bot. After each
 * answer it prints where the answer came from and the best trained score, so staff can check their
 * training before members see it. It works on a private copy of the database: the test ticket,
 * usage counts and statistics never reach the real data. Type /new for a fresh ticket, /quit to end.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { config as loadDotenv } from 'dotenv';
import { formatConfigProblems, parseConfig, type Config } from '../src/config.js';
import { createCore, type Core } from '../src/core/core.js';
import type { Answer } from '../src/core/responder.js';
import type { Ticket } from '../src/core/tickets/store.js';
import { openDatabase } from '../src/db/database.js';
import { silentLogger } from '../src/log.js';

const USAGE = 'Usage: npm run chat -- --guild <server id>   (DB_PATH and OLLAMA_* come from .env)';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { guildId: string } {
  let guildId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--guild') guildId = argv[++i];
    else if (arg.startsWith('--guild=')) guildId = arg.slice('--guild='.length);
    else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    else throw new UsageError(`Unknown argument ${arg}.\n${USAGE}`);
  }
  if (!guildId?.trim()) throw new UsageError(`--guild is required: the id of the server whose training to use (right-click the server → Copy Server ID).\n${USAGE}`);
  return { guildId: guildId.trim() };
}

/** Copies the database (consistent even while the bot writes to it) so the chat changes nothing real. */
function privateCopy(config: Config): { path: string; remove(): void } {
  if (!existsSync(config.DB_PATH)) throw new UsageError(`There is no database at ${config.DB_PATH}: start the bot once, or set DB_PATH in .env.`);
  const dir = mkdtempSync(join(tmpdir(), 'bot-chat-'));
  const path = join(dir, 'chat.db');
  const source = openDatabase(config.DB_PATH, { readonly: true });
  try {
    source.prepare('VACUUM INTO ?').run(path);
  } finally {
    source.close();
  }
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** "trained answer #12 · score 0.91", "AI (llama3) · best trained score 0.42 · context: trained #3 (0.75)". */
function describeAnswer(answer: Answer): string {
  const best = `best trained score ${answer.score.toFixed(2)}`;
  const source = answer.source;
  switch (source.kind) {
    case 'trained':
      return `trained answer #${source.trainingEntryId} · score ${source.score.toFixed(2)}`;
    case 'knowledge': {
      const from = source.trainingEntryId !== undefined ? `trained #${source.trainingEntryId}` : `KB entry #${source.kbEntryIds.join(', #')}`;
      return `help entry while the AI is unavailable: ${from} · score ${source.score.toFixed(2)} · ${best}`;
    }
    case 'ai': {
      const context = [
        ...answer.trainingEntries.map((e) => `trained #${e.entryId} (${e.score.toFixed(2)})`),
        ...answer.kbEntries.map((e) => `KB “${e.kbName} › ${e.title}” (${e.score.toFixed(2)})`),
      ];
      return `AI (${source.model})${source.complete ? '' : ', cut off'} · ${best} · context: ${context.join(', ') || 'none'}`;
    }
    case 'fallback':
      return `fallback, handed to staff (${source.reason}) · ${best}`;
  }
}

async function ollamaLine(core: Core): Promise<string> {
  const health = await core.ai.health();
  if (!health.reachable) return `${health.error ?? 'Ollama is not reachable'}: answers come from training and knowledge bases only.`;
  if (!health.modelPulled) return `Ollama has no model "${core.config.OLLAMA_MODEL}" (ollama pull ${core.config.OLLAMA_MODEL}): AI answers will fail.`;
  return `Ollama${health.version ? ` ${health.version}` : ''} is ready with ${core.config.OLLAMA_MODEL}.`;
}

function openLocalTicket(core: Core, guildId: string): Ticket {
  return core.tickets.open({ guildId, threadId: `chat-${process.pid}-${Date.now()}`, ownerId: 'terminal', subject: 'npm run chat' });
}

async function chat(core: Core, guildId: string): Promise<void> {
  const out = process.stdout;
  const trained = core.training.count(guildId);
  const kb = core.knowledge.stats(guildId);
  out.write(`Server ${guildId}: ${trained} trained answers, ${kb.entries} knowledge-base entries (a private copy of ${core.config.DB_PATH}; nothing is saved).\n`);
  if (trained === 0 && kb.entries === 0) out.write('This server has no training or knowledge bases in that database: is the server id right?\n');
  out.write(`${await ollamaLine(core)}\nType a question as a member would. /new starts a fresh ticket, /quit ends.\n`);

  let ticket = openLocalTicket(core, guildId);
  const rl = createInterface({ input: process.stdin, output: out, terminal: Boolean(process.stdin.isTTY) });
  rl.setPrompt('you> ');
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line === '/new') {
      ticket = openLocalTicket(core, guildId);
      out.write('(a fresh ticket: the bot no longer sees the earlier messages)\n');
    } else if (line !== '') {
      await ask(core, ticket, line);
    }
    rl.prompt();
  }
  rl.close();
  out.write('\n');
}

/** One member message: the answer streamed as it is written, then its source and score. */
async function ask(core: Core, ticket: Ticket, text: string): Promise<void> {
  const out = process.stdout;
  out.write('bot> ');
  let streamed = '';
  const result = await core.responder.handleMessage(
    { guildId: ticket.guildId, threadId: ticket.threadId, authorId: ticket.ownerId, messageId: null, content: text, fromStaff: false },
    {
      onText: (soFar) => {
        if (!soFar.startsWith(streamed)) return;
        out.write(soFar.slice(streamed.length));
        streamed = soFar;
      },
    },
  );
  if (result.kind !== 'answered') {
    out.write(`(not answered: ${result.reason})\n`);
    return;
  }
  const { answer } = result;
  out.write(answer.text.startsWith(streamed) ? answer.text.slice(streamed.length) : `\n${answer.text}`);
  out.write(`\n     [${describeAnswer(answer)}]\n`);
}

async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const { guildId } = parseArgs(process.argv.slice(2));
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(formatConfigProblems(parsed.problems));
    return 1;
  }
  for (const warning of parsed.warnings) console.error(`Warning: ${warning}`);
  const copy = privateCopy(parsed.config);
  const core = createCore(openDatabase(copy.path), parsed.config, silentLogger());
  core.semantic.start(); // entries the bot had not embedded yet
  try {
    await chat(core, guildId);
  } finally {
    await core.semantic.stop(); // a batch in flight finishes before the database closes
    core.db.close();
    copy.remove();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : `chat stopped: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
