/**
 * `npm run bench:dashboard`: only the dashboard phase of `npm run bench` (the training page at
 * 100,000 entries), for checking a change to the dashboard without the whole bench. Same data,
 * same bot process, same measurement; prints one JSON line with dashboard_training_page_p50_ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyntheticServer } from './data/corpus.js';
import { BotProcess } from './lib/bot-process.js';
import { freePort } from '../tests/free-port.js';
import { startScene } from './lib/scene.js';
import { round } from './lib/stats.js';
import { measureDashboardTrainingPage } from './phases/dashboard.js';
import { buildTrainingDatabase } from './phases/database.js';

const ENTRIES = process.env.BENCH_QUICK === '1' ? 10_000 : 100_000;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bot-bench-dash-'));
  const scene = await startScene(1);
  let bot: BotProcess | undefined;
  try {
    const dbPath = join(dir, 'bot.db');
    process.stderr.write(`[bench] building ${ENTRIES} entries\n`);
    buildTrainingDatabase(dbPath, [{ guildId: scene.guildId, entries: new SyntheticServer(1).entries(ENTRIES) }]);
    const port = await freePort();
    bot = await BotProcess.start({
      cwd: dir,
      fake: scene.fake,
      guildId: scene.guildId,
      env: { DISCORD_TOKEN: scene.fake.token, DISCORD_API_URL: scene.fake.apiUrl, DISCORD_GUILD_ID: scene.guildId, OLLAMA_URL: scene.ollama.url, DB_PATH: dbPath, LOG_LEVEL: 'warn', DASHBOARD_PORT: String(port) },
    });
    const before = bot.memoryMiB();
    process.stderr.write('[bench] measuring the training page\n');
    const run = await measureDashboardTrainingPage({ dbPath, guildId: scene.guildId, staffId: scene.adminId, baseUrl: `http://127.0.0.1:${port}`, entries: ENTRIES, samples: 200, warmUp: 20 });
    const after = bot.memoryMiB();
    process.stderr.write(`[bench] ${run.samples} loads over ${run.pages} pages: p50 ${run.p50.toFixed(1)} ms, p90 ${run.p90.toFixed(1)} ms; search p50 ${run.searchP50.toFixed(1)} ms\n`);
    process.stderr.write(`[bench] the bot's resident memory: ${before.rss.toFixed(0)} MiB before the phase, ${after.rss.toFixed(0)} MiB after (peak ${after.peak.toFixed(0)})\n`);
    console.log(JSON.stringify({ dashboard_training_page_p50_ms: round(run.p50), dashboard_training_page_p90_ms: round(run.p90), dashboard_training_search_p50_ms: round(run.searchP50) }));
  } finally {
    await bot?.stop().catch(() => undefined);
    await scene.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
