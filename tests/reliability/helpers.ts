import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { KNOWLEDGE_EXPORT_FORMAT, KNOWLEDGE_EXPORT_VERSION } from '../../src/core/knowledge/transfer.js';
import { TRAINING_EXPORT_FORMAT, TRAINING_EXPORT_VERSION } from '../../src/core/training/transfer.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { AttachmentUpload, FakeDiscord, InteractionReply } from '../fakes/discord/index.js';
import { npmStartNodeArgs, ROOT, TSX_LOADER } from '../npm-start.js';

export { ROOT };

export function tempDir(prefix = 'bot-rel-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A Node process (the bot, or a TypeScript file run with tsx), with its output collected line by line. */
export interface NodeProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

type RunOptions = {
  cwd?: string;
  env?: Record<string, string>;
  /** Written to the process's standard input, which is then closed (by default it has none). */
  stdin?: string;
};

/** A TypeScript file run by node + tsx. */
export function runTs(script: string, args: string[], opts: RunOptions = {}): NodeProcess {
  return runNode(['--import', TSX_LOADER, script, ...args], opts);
}

/** The bot run as `npm start` runs it (dist/, built by tests/global-setup.ts). */
export function runBot(opts: RunOptions = {}): NodeProcess {
  return runNode(npmStartNodeArgs(), opts);
}

function runNode(nodeArgs: string[], opts: RunOptions): NodeProcess {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  return {
    child,
    output: () => out,
    exited,
    waitForLine(pattern, timeoutMs = 15_000) {
      return new Promise((res, rej) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          res(line);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          rej(new Error(`timed out waiting for ${pattern}; output so far:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => setTimeout(() => listeners.has(check) && (listeners.delete(check), clearTimeout(timer), rej(new Error(`process exited before ${pattern}; output:\n${out}`))), 50));
        check();
      });
    },
  };
}

/** A logger built as the bot builds it (secrets scrubbed), its readable console output kept in memory. */
export function capturingLogger(secrets: string[] = []): { logger: Logger; text(): string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const logger = createLogger({ level: 'debug', console: sink, secrets });
  return {
    logger,
    text: () => text,
  };
}

/** The server the bot process meets: an admin (owner), a staff role and member, a member, a ticket forum. */
export function createScene(fake: FakeDiscord) {
  const guild = fake.createGuild({ name: 'Process Server', ownerName: 'admin' });
  const staffRole = fake.createRole(guild.id, { name: 'Support', permissions: PermissionFlagsBits.ManageMessages });
  const member = fake.addMember(guild.id, { username: 'member' });
  const forum = fake.createChannel(guild.id, { type: ChannelType.GuildForum, name: 'tickets' });
  const general = fake.createChannel(guild.id, { type: ChannelType.GuildText, name: 'general' });
  return { guildId: guild.id, adminId: guild.ownerId, staffRoleId: staffRole.id, memberId: member.id, forumId: forum.id, generalId: general.id };
}

/**
 * `npm start`'s entry point as a real process in an empty folder (no .env), logged in to the fake
 * Discord; resolves once it says it is logged in.
 */
export async function startBotProcess(env: Record<string, string>): Promise<NodeProcess & { cwd: string; dbPath: string }> {
  const cwd = tempDir('bot-proc-');
  const dbPath = join(cwd, 'data', 'bot.db');
  const proc = runBot({ cwd, env: { DB_PATH: dbPath, LOG_LEVEL: 'info', ...env } });
  await proc.waitForLine(/Logged in as/, 20_000);
  return { ...proc, cwd, dbPath };
}

/** Everything a member sees of a command's reply: its text, its embeds and the text of any file attached. */
export function seen(reply: InteractionReply): string {
  return `${reply.content}\n${JSON.stringify(reply.embeds)}\n${reply.files.map((f) => f.data.toString('utf8')).join('\n')}`;
}

/** A training export file's text; `extra` overrides or adds top-level fields (a wrong version, say). */
export function trainingExport(entries: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format: TRAINING_EXPORT_FORMAT, version: TRAINING_EXPORT_VERSION, entries, ...extra });
}

/** A knowledge-base export file's text; `extra` overrides or adds top-level fields. */
export function kbExport(name: string, entries: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format: KNOWLEDGE_EXPORT_FORMAT, version: KNOWLEDGE_EXPORT_VERSION, knowledgeBase: { name, entries }, ...extra });
}

/** A file a member attaches to an import command. */
export function jsonUpload(data: string | Buffer, filename = 'export.json', contentType = 'application/json'): AttachmentUpload {
  return { filename, data, contentType };
}
