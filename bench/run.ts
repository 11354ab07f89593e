/**
 * `npm run bench`: speed, scale and memory of the real bot against their limits (issue 5).
 * The real code throughout: the bot (src/index.ts) in its own process, logged in with discord.js
 * to the fake Discord, asking the fake Ollama through the `ollama` client, over a real SQLite
 * file. Progress goes to stderr; stdout gets a table and, last, one JSON line. See bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SyntheticServer, type SyntheticQuery } from './data/corpus.js';
import { botFileGuilds, SMALL_GUILD_ENTRIES, SMALL_GUILD_ID } from './lib/bot-database.js';
import { BotProcess } from './lib/bot-process.js';
import { freePort } from '../tests/free-port.js';
import { printMatchingReport, printReport, type Figures, type MatchingFigures, type Notes } from './lib/report.js';
import { measureMatchingAtScale, SCALE_GUILD_ENTRIES, SCALE_GUILDS } from './phases/matching-scale.js';
import { setUpBot, startScene, type Scene } from './lib/scene.js';
import { round } from './lib/stats.js';
import { runBurst, type BurstSettings } from './phases/burst.js';
import { cpuFigures, cpuNotes, measureCpuProfile } from './phases/cpu.js';
import { measureDashboardTrainingPage } from './phases/dashboard.js';
import { buildTrainingDatabase, databaseBytes, spaceByObject } from './phases/database.js';
import { FIRST_TEXT, measureFirstText } from './phases/first-text.js';
import { IMPORT_ENTRIES, importedEntries, measureImport, trainingExportFile } from './phases/import.js';
import { keepUntrained, loadWordVectors, pickTrainedMessages, timeMatcher } from './phases/matching.js';
import { measureRestFloor } from './phases/rest-floor.js';
import { runPhaseAlone } from './phase-alone.js';
import { measureTrainedReplies } from './phases/trained-reply.js';

/**
 * `BENCH_ONLY=cpu`: the CPU-class Ollama profile alone, its keys as one JSON line. BENCH_CPU_SCALE=0.25
 * shortens its modelled times (figures are still given in CPU-box seconds, Discord's latency magnified).
 */
const ONLY_CPU = process.env.BENCH_ONLY === 'cpu';
const CPU_SCALE = Number(process.env.BENCH_CPU_SCALE ?? '1') || 1;

/** A smoke run of the bench itself (10k entries, 100 tickets): its figures are not comparable to the goals. */
const QUICK = process.env.BENCH_QUICK === '1';
/** `BENCH_ONLY=matching`: the matcher figures alone (no bot process), including the 1M-entry file. */
const ONLY_MATCHING = process.env.BENCH_ONLY === 'matching';
/**
 * `BENCH_ONLY=memory`: `rss_mb_100k` alone. The bot process goes through exactly the phases it goes
 * through before the full bench reads its memory (REST floor, trained replies, dashboard, first
 * text, burst); what only the bench process does (its own matcher timings, the 1M-entry file) and
 * what comes after the reading (import, CPU profile) are left out: neither touches the bot's memory.
 */
const ONLY_MEMORY = process.env.BENCH_ONLY === 'memory';
const BIG_GUILD_ENTRIES = QUICK ? 10_000 : 100_000;

const TRAINED_TICKETS = 40;
const TRAINED_WARM_UP = 40;
const TRAINED_SAMPLES = 400;
const BURST: BurstSettings = {
  tickets: QUICK ? 100 : 1_000,
  parallelism: 4,
  firstTokenDelayMs: 300,
  tokenDelayMs: 40,
  chunkSize: 24,
  answer:
    'I could not find this in the trained answers, so here is a general one: restart the app, sign in again ' +
    'and try once more. If it still fails, reply with the exact error and the time it happened, and staff will help.',
};

const benchStart = performance.now();
const progress = (text: string) => process.stderr.write(`[bench ${((performance.now() - benchStart) / 1000).toFixed(0).padStart(3)} s] ${text}\n`);

async function main(): Promise<void> {
  if (ONLY_CPU) return cpuOnly();
  const only = process.env.BENCH_ONLY;
  if (only === 'first-text' || only === 'import') return runPhaseAlone(only, { bigGuildEntries: BIG_GUILD_ENTRIES, progress });
  if (only !== undefined && only !== 'matching' && only !== 'memory')
    throw new Error(`BENCH_ONLY="${only}": the phases that run alone are matching, memory, cpu, first-text and import`);
  const dir = mkdtempSync(join(tmpdir(), 'bot-bench-'));
  let scene: Scene | undefined;
  let bot: BotProcess | undefined;
  try {
    progress('generating the synthetic server (seeded)');
    const server = new SyntheticServer(1);
    const bigGuild = server.entries(BIG_GUILD_ENTRIES);
    const smallGuild = bigGuild.slice(0, SMALL_GUILD_ENTRIES);
    const answerOfTopic = new Map(bigGuild.map((e) => [e.topic, e.answer]));
    const smallTopics = [...new Set(smallGuild.map((e) => e.topic))];
    const warmUp = [...server.paraphrases(smallTopics, 300, 11), ...server.offTopic(100, 12)];
    const queries = [...server.paraphrases(smallTopics, 2_000, 21), ...server.offTopic(500, 22)];
    const offTopic = server.offTopic(BURST.tickets + 200, 31);

    if (!ONLY_MATCHING) scene = await startScene(TRAINED_TICKETS + FIRST_TEXT.runs + BURST.tickets);
    const botGuildId = scene?.guildId ?? '100000000000000001';

    progress(`building the databases: ${BIG_GUILD_ENTRIES} entries in the bot's guild, ${SMALL_GUILD_ENTRIES} in a small one, two other guilds`);
    const botDb = join(dir, 'bot.db');
    const built = buildTrainingDatabase(botDb, botFileGuilds(botGuildId, bigGuild));
    const smallDb = join(dir, 'small.db');
    buildTrainingDatabase(smallDb, [{ guildId: SMALL_GUILD_ID, entries: smallGuild }]);
    const dbBytes = databaseBytes(botDb);
    progress(`  ${built.entries} entries loaded in ${(built.ms / 1000).toFixed(1)} s, ${(dbBytes / 1e6).toFixed(1)} MB`);

    const matching = ONLY_MEMORY ? undefined : measureMatching(dir, server, { smallDb, botDb, botGuildId, warmUp, queries, answerOfTopic });
    if (matching && (ONLY_MATCHING || !scene)) {
      printMatchingReport(matching.figures, matching.runs, (performance.now() - benchStart) / 1000);
      return;
    }
    if (!scene) throw new Error('no scene: the bot phases need the fake Discord');
    const trained = pickTrainedMessages(botDb, botGuildId, server, bigGuild, TRAINED_WARM_UP + TRAINED_SAMPLES);
    const untrained = keepUntrained(
      botDb,
      botGuildId,
      offTopic.map((q, i) => ({ title: `Question from member ${i + 1}`, text: q.text })),
    );

    progress('starting the bot (its own process)');
    const dashboardPort = await freePort();
    bot = await BotProcess.start({
      cwd: dir,
      fake: scene.fake,
      guildId: botGuildId,
      env: {
        DISCORD_TOKEN: scene.fake.token,
        DISCORD_API_URL: scene.fake.apiUrl,
        DISCORD_GUILD_ID: botGuildId,
        OLLAMA_URL: scene.ollama.url,
        OLLAMA_MAX_CONCURRENT: String(BURST.parallelism),
        DB_PATH: botDb,
        LOG_LEVEL: 'warn',
        DASHBOARD_PORT: String(dashboardPort),
      },
    });
    await setUpBot(scene);

    progress('REST floor: bare posts through discord.js');
    const floor = await measureRestFloor(scene, { samples: 150, warmUp: 20, channels: 30, gapMs: 40 });

    progress(`trained replies: ${TRAINED_SAMPLES} member messages at ${BIG_GUILD_ENTRIES} entries`);
    const replies = await measureTrainedReplies(scene, {
      tickets: TRAINED_TICKETS,
      openers: untrained.posts,
      messages: trained.messages,
      warmUp: TRAINED_WARM_UP,
      gapMs: 40,
    });

    progress(`dashboard: the training page at ${BIG_GUILD_ENTRIES} entries, over HTTP`);
    const dashboard = await measureDashboardTrainingPage({
      dbPath: botDb,
      guildId: botGuildId,
      staffId: scene.adminId,
      baseUrl: `http://127.0.0.1:${dashboardPort}`,
      entries: BIG_GUILD_ENTRIES,
      samples: 200,
      warmUp: 20,
    });

    progress('first streamed text after the first token');
    const firstText = await measureFirstText(scene, { ...FIRST_TEXT, posts: untrained.posts, members: scene.members.slice(TRAINED_TICKETS) });

    progress(`burst: ${BURST.tickets} tickets at once, Ollama parallelism ${BURST.parallelism} (takes a few minutes)`);
    const burst = await runBurst(scene, BURST, untrained.posts, scene.members.slice(TRAINED_TICKETS + FIRST_TEXT.runs));
    const memory = bot.memoryMiB();
    if (burst.answered < BURST.tickets) progress(`unanswered tickets: ${burst.unanswered.join('\n  ')}\nbot output:\n${bot.recentOutput()}`);
    if (ONLY_MEMORY || !matching) {
      printMemoryOnly(memory, burst, { trainedP50: replies.p50, trainedP99: replies.p99, floorP50: floor.p50, firstText: firstText.median });
      return;
    }

    progress(`/import_training of ${IMPORT_ENTRIES} entries`);
    const importFile = trainingExportFile(importedEntries());
    const botProcess = bot;
    const imported = await measureImport(scene, importFile, () => botProcess.cpuMs());
    if (!imported.reply.startsWith('Imported')) throw new Error(`/import_training did not import: ${imported.reply}`);

    const exitCode = await bot.stop();
    bot = undefined;

    progress('CPU-class Ollama profile (its own bot and database; takes a few minutes)');
    const cpu = await measureCpuProfile(progress, CPU_SCALE);

    const figures: Figures = {
      ...matching.figures,
      trained_reply_p50_ms: round(replies.p50),
      trained_reply_p99_ms: round(replies.p99),
      rest_roundtrip_p50_ms: round(floor.p50),
      trained_reply_overhead_ratio: round(replies.p50 / floor.p50),
      first_text_after_first_token_ms: round(firstText.median),
      burst_tickets: burst.answered,
      burst_ratio: round(burst.ratio),
      rss_mb_100k: round(memory.rss),
      db_bytes_per_entry: round(dbBytes / built.entries),
      import_10k_ms: round(imported.ms),
      ...cpuFigures(cpu),
      dashboard_training_page_p50_ms: round(dashboard.p50),
    };
    const notes: Notes = {
      ...matching.runs,
      trainedPicked: trained.messages.length,
      trainedTried: trained.tried,
      untrainedDropped: untrained.dropped,
      untrainedTried: offTopic.length,
      floor,
      replies,
      firstText,
      burst,
      burstSettings: BURST,
      memory,
      dbEntries: built.entries,
      dbLoadMs: built.ms,
      dbSpace: spaceByObject(botDb, built.entries),
      imported,
      cpu: cpuNotes(cpu),
      dashboard,
      botExitCode: exitCode,
      totalSeconds: (performance.now() - benchStart) / 1000,
    };
    printReport(figures, notes);
  } catch (error) {
    if (bot) process.stderr.write(`[bench] bot output:\n${bot.recentOutput()}\n`);
    throw error;
  } finally {
    await bot?.stop().catch(() => undefined);
    await scene?.stop().catch(() => undefined);
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    else progress(`kept ${dir}`);
  }
}

/** The matcher timed in the bench process (1k guild alone, 100k guild, 1k guild beside it, the 1M-entry file). */
function measureMatching(
  dir: string,
  server: SyntheticServer,
  m: { smallDb: string; botDb: string; botGuildId: string; warmUp: SyntheticQuery[]; queries: SyntheticQuery[]; answerOfTopic: Map<number, string> },
) {
  progress(loadWordVectors());
  progress('matcher: 1k guild, 100k guild, same messages');
  const match1k = timeMatcher(m.smallDb, SMALL_GUILD_ID, m.warmUp, m.queries, m.answerOfTopic);
  const match100k = timeMatcher(m.botDb, m.botGuildId, m.warmUp, m.queries, m.answerOfTopic);
  const match1kShared = timeMatcher(m.botDb, SMALL_GUILD_ID, m.warmUp, m.queries, m.answerOfTopic);
  progress(`matcher: ${SCALE_GUILDS * SCALE_GUILD_ENTRIES} entries over ${SCALE_GUILDS} guilds (loading takes minutes)`);
  const scale = measureMatchingAtScale(dir, server, m.warmUp, m.queries, m.answerOfTopic, progress);
  const figures: MatchingFigures = {
    match_p50_ms_1k: round(match1k.p50),
    match_p50_ms_100k: round(match100k.p50),
    match_scaling_ratio: round(match100k.p50 / match1k.p50),
    match_p50_ms_small_beside_large: round(match1kShared.p50),
    match_p50_ms_1m: round(scale.run.p50),
  };
  return { figures, runs: { match1k, match100k, match1kShared, scale } };
}

/** `BENCH_ONLY=memory`: the bot's resident memory after the burst, as `rss_mb_100k`. */
function printMemoryOnly(
  memory: { rss: number; peak: number },
  burst: { answered: number; ratio: number },
  latency: { trainedP50: number; trainedP99: number; floorP50: number; firstText: number },
): void {
  console.log(`\nthe bot's resident memory after the burst: ${memory.rss.toFixed(1)} MiB (peak ${memory.peak.toFixed(1)} MiB); burst: ${burst.answered} tickets answered, ratio ${burst.ratio.toFixed(2)}; ${((performance.now() - benchStart) / 1000).toFixed(0)} s`);
  // What a memory change may cost the bot in time (more collections): the same phases' latencies, not goal keys here.
  console.log(`meanwhile: trained reply p50 ${latency.trainedP50.toFixed(1)} ms, p99 ${latency.trainedP99.toFixed(1)} ms (REST floor ${latency.floorP50.toFixed(2)} ms); first text ${latency.firstText.toFixed(1)} ms after the first token`);
  console.log(JSON.stringify({ rss_mb_100k: round(memory.rss) }));
}

/** `BENCH_ONLY=cpu`: the CPU-class profile alone, with its keys as one JSON line. */
async function cpuOnly(): Promise<void> {
  const cpu = await measureCpuProfile(progress, CPU_SCALE);
  console.log(`\n${cpuNotes(cpu)}`);
  console.log(JSON.stringify(cpuFigures(cpu)));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
