import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ChannelType } from 'discord-api-types/v10';
import { TSX_LOADER } from '../../tests/npm-start.js';
import type { Scene } from '../lib/scene.js';
import { median, percentile } from '../lib/stats.js';

const CLIENT_SCRIPT = fileURLToPath(new URL('../lib/rest-floor-client.ts', import.meta.url));

export interface FloorRun {
  p50: number;
  p99: number;
  samples: number;
}

/**
 * The floor under a trained reply: one bare message post through discord.js to the same fake
 * Discord, from a process of its own like the bot's. Posts rotate over channels and are spaced
 * so that Discord's per-channel limit (5 per 5 s) never makes one wait.
 */
export async function measureRestFloor(scene: Scene, opts: { samples: number; warmUp: number; channels: number; gapMs: number }): Promise<FloorRun> {
  const channelIds = Array.from({ length: opts.channels }, (_, i) =>
    scene.fake.createChannel(scene.guildId, { type: ChannelType.GuildText, name: `floor-${i + 1}` }).id,
  );
  const output = await runScript(CLIENT_SCRIPT, {
    DISCORD_TOKEN: scene.fake.token,
    DISCORD_API_URL: scene.fake.apiUrl,
    FLOOR_CHANNELS: channelIds.join(','),
    FLOOR_SAMPLES: String(opts.samples),
    FLOOR_WARMUP: String(opts.warmUp),
    FLOOR_GAP_MS: String(opts.gapMs),
  });
  const { times } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { times: number[] };
  return { p50: median(times), p99: percentile(times, 99), samples: times.length };
}

function runScript(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, script], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${script} exited with ${code}:\n${stderr.slice(-2000)}`))));
  });
}
