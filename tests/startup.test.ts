import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmStartNodeArgs } from './npm-start.js';

/** Runs the bot as `npm start` does (dist/, built by tests/global-setup.ts) in an empty folder, as on a fresh clone with no .env. */
function start(env: Record<string, string>, dotenv?: string) {
  const cwd = mkdtempSync(join(tmpdir(), 'bot-start-'));
  if (dotenv !== undefined) writeFileSync(join(cwd, '.env'), dotenv);
  return spawnSync(process.execPath, npmStartNodeArgs(), { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
}

describe('npm start', () => {
  it('without DISCORD_TOKEN says exactly what to do and exits 1', () => {
    const run = start({});
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('DISCORD_TOKEN is not set');
    expect(run.stderr).toContain('cp .env.example .env');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('with bad values in .env names each one and exits 1 without a stack trace', () => {
    const run = start({}, 'DISCORD_TOKEN=x.y.z\nSIMILARITY_THRESHOLD=lots\nOLLAMA_FIRST_TOKEN_TIMEOUT=-5\n');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Configuration error');
    expect(run.stderr).toContain('SIMILARITY_THRESHOLD="lots" must be a number');
    expect(run.stderr).toContain('OLLAMA_FIRST_TOKEN_TIMEOUT="-5" must be between 1 and 3600');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
