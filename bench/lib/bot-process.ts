import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { FakeDiscord } from '../../tests/fakes/discord/index.js';
import { buildBot, npmStartNodeArgs } from '../../tests/npm-start.js';
import { sleep } from './stats.js';

const KEPT_OUTPUT = 40;

/**
 * The real bot as `npm start` runs it (built, then Node on dist/index.js; no tsx) in its own process,
 * so its memory is its own and every reply crosses a real socket to the fake Discord.
 */
export class BotProcess {
  private readonly output: string[] = [];
  private exited: number | null | undefined;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.output.push(line);
      this.output.splice(0, Math.max(0, this.output.length - KEPT_OUTPUT));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code) => (this.exited = code));
  }

  /** Starts the bot and waits until it has registered its commands (it is then ready for members). */
  static async start(opts: {
    env: Record<string, string>;
    cwd: string;
    fake: FakeDiscord;
    guildId: string;
    /** Extra Node flags, e.g. `--cpu-prof` to profile the bot. */
    nodeArgs?: string[];
    timeoutMs?: number;
  }): Promise<BotProcess> {
    const inherited: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT']) if (process.env[key]) inherited[key] = process.env[key]!;
    buildBot();
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...npmStartNodeArgs()], {
      cwd: opts.cwd,
      env: { ...inherited, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bot = new BotProcess(child);
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    while (opts.fake.commands(opts.guildId).length === 0) {
      if (bot.exited !== undefined) throw new Error(`the bot exited (code ${bot.exited}) before it was ready:\n${bot.recentOutput()}`);
      if (Date.now() > deadline) throw new Error(`the bot was not ready within ${opts.timeoutMs ?? 60_000} ms:\n${bot.recentOutput()}`);
      await sleep(50);
    }
    return bot;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * CPU time the bot process has used so far (user + system, Linux /proc/<pid>/stat fields 14 and 15,
   * in clock ticks of 10 ms), in ms: unlike wall time, barely moved by other work on a shared machine.
   */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** Resident and peak resident memory of the bot process (Linux /proc), in MiB. */
  memoryMiB(): { rss: number; peak: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
  }

  recentOutput(): string {
    return this.output.join('\n');
  }

  /** SIGTERM, as a service manager stops it; resolves with the exit code. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    if (this.exited !== undefined) return this.exited;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
