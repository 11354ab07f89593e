/**
 * `BENCH_ONLY=first-text` and `BENCH_ONLY=import`: one phase of `npm run bench` alone, for checking a
 * change without the whole bench. The same bot file (the 100,000-entry guild beside the small one and
 * two others), the same bot process and /setup, the same measurement; no earlier phases, so the
 * database holds no tickets from them. Prints the phase's note and its key as one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyntheticServer } from './data/corpus.js';
import { botFileGuilds } from './lib/bot-database.js';
import { BotProcess } from './lib/bot-process.js';
import { setUpBot, startScene } from './lib/scene.js';
import { round } from './lib/stats.js';
import { buildTrainingDatabase } from './phases/database.js';
import { FIRST_TEXT, measureFirstText } from './phases/first-text.js';
import { importedEntries, measureImport, trainingExportFile } from './phases/import.js';
import { keepUntrained } from './phases/matching.js';

export type PhaseAlone = 'first-text' | 'import';

export async function runPhaseAlone(phase: PhaseAlone, opts: { bigGuildEntries: number; progress: (text: string) => void }): Promise<void> {
  const { progress } = opts;
  const dir = mkdtempSync(join(tmpdir(), `bot-bench-${phase}-`));
  const scene = await startScene(FIRST_TEXT.runs);
  let bot: BotProcess | undefined;
  try {
    progress(`building the bot's file: ${opts.bigGuildEntries} entries in its guild, three other guilds`);
    const botDb = join(dir, 'bot.db');
    const server = new SyntheticServer(1);
    const built = buildTrainingDatabase(botDb, botFileGuilds(scene.guildId, server.entries(opts.bigGuildEntries)));
    progress(`  ${built.entries} entries loaded in ${(built.ms / 1000).toFixed(1)} s`);
    progress('starting the bot (its own process)');
    bot = await BotProcess.start({
      cwd: dir,
      fake: scene.fake,
      guildId: scene.guildId,
      env: {
        DISCORD_TOKEN: scene.fake.token,
        DISCORD_API_URL: scene.fake.apiUrl,
        DISCORD_GUILD_ID: scene.guildId,
        OLLAMA_URL: scene.ollama.url,
        OLLAMA_MAX_CONCURRENT: '4',
        DB_PATH: botDb,
        LOG_LEVEL: 'warn',
      },
    });
    await setUpBot(scene);
    progress(`the bot's resident memory after start-up and /setup: ${memory(bot)}`);
    if (phase === 'first-text') {
      const untrained = keepUntrained(botDb, scene.guildId, server.offTopic(50, 31).map((q, i) => ({ title: `Question from member ${i + 1}`, text: q.text })));
      progress('first text of the answer after the first token');
      const run = await measureFirstText(scene, { ...FIRST_TEXT, posts: untrained.posts, members: scene.members });
      console.log(`first text: ${run.samples.map((s) => s.toFixed(0)).join(', ')} ms; the answer replaced the "writing…" notice in ${run.replacedNotice} of ${run.samples.length}`);
      console.log(`the bot's resident memory after the phase: ${memory(bot)}`);
      console.log(JSON.stringify({ first_text_after_first_token_ms: round(run.median) }));
    } else {
      progress('/import_training of the 10,000-entry file');
      const botProcess = bot;
      const run = await measureImport(scene, trainingExportFile(importedEntries()), () => botProcess.cpuMs());
      if (!run.reply.startsWith('Imported')) throw new Error(`/import_training did not import: ${run.reply}`);
      console.log(`import: ${(run.fileBytes / 1e6).toFixed(1)} MB file, ${(run.ms / 1000).toFixed(2)} s, the bot's CPU meanwhile ${(run.botCpuMs / 1000).toFixed(2)} s; the bot said: ${run.reply.slice(0, 120)}`);
      console.log(`the bot's resident memory after the import: ${memory(bot)}`);
      console.log(JSON.stringify({ import_10k_ms: round(run.ms) }));
    }
  } catch (error) {
    if (bot) process.stderr.write(`[bench] bot output:\n${bot.recentOutput()}\n`);
    throw error;
  } finally {
    await bot?.stop().catch(() => undefined);
    await scene.stop().catch(() => undefined);
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    else progress(`kept ${dir}`);
  }
}

function memory(bot: BotProcess): string {
  const { rss, peak } = bot.memoryMiB();
  return `${rss.toFixed(0)} MiB (peak ${peak.toFixed(0)} MiB)`;
}
