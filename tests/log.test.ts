import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.fake-token-value-for-tests';

describe('createLogger', () => {
  it('writes JSON lines to the file and never the token, by field or inside text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-log-'));
    const file = join(dir, 'nested', 'bot.log');
    const consoleOut = new PassThrough();
    let printed = '';
    consoleOut.on('data', (d: Buffer) => (printed += d.toString()));
    const logger = createLogger({ level: 'info', file, secrets: [TOKEN], console: consoleOut });

    logger.info({ token: TOKEN, headers: { authorization: `Bot ${TOKEN}` } }, 'login attempt');
    logger.error({ err: new Error(`request failed with Bot ${TOKEN}`) }, `could not log in with ${TOKEN}`);
    logger.debug('hidden at info level');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    await new Promise((r) => setTimeout(r, 50));

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ msg: 'login attempt', token: '[REDACTED]' });
    expect(second!.msg).toBe('could not log in with [REDACTED]');
    for (const text of [...lines, printed]) expect(text).not.toContain(TOKEN);
    expect(printed).toContain('login attempt');
  });
});
