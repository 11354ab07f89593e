import { config as loadDotenv } from 'dotenv';
import { dashboardPublicUrl, formatConfigProblems, MISSING_TOKEN_HELP, parseConfig } from './config.js';
import { canonicalModelName } from './core/ai/host-pool.js';
import { createCore, type Core } from './core/core.js';
import { openDatabase } from './db/database.js';
import { DatabaseTooNewError } from './db/migrate.js';
import { CommandRegistrationError, DisallowedIntentsError, InvalidTokenError, startDiscordBot, UnknownGuildError } from './discord/client.js';
import { startDashboard, type RunningDashboard } from './dashboard/server.js';
import { discordDirectory } from './discord/dashboard-directory.js';
import { createLogger, type Logger } from './log.js';

/** How long shutdown waits for answers already being written. */
const DRAIN_MS = 5000;

function flush(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/** The start-up check of Ollama: every host, the chat model, the embedding model; what is wrong, in the log. */
async function logOllamaReadiness(core: Core, logger: Logger): Promise<void> {
  const model = core.config.OLLAMA_MODEL;
  const [health, embedCheck] = await Promise.all([core.ai.health(), core.ai.embeddings?.check()]);
  if (!health.reachable) logger.warn(`${health.error ?? 'Ollama is not reachable'}: answers come from training and knowledge bases until it is.`);
  else if (!health.modelPulled) logger.warn(`Ollama has no model "${model}": run  ollama pull ${model}`);
  else if (health.modelCannotChat) logger.warn(`Ollama's ${health.error}. Until then answers come from training and knowledge bases.`);
  else {
    logger.info({ version: health.version, model }, 'Ollama is ready; loading the model so the first member does not wait for it');
    // In the background: Discord logs in meanwhile, and a member's message waits for this same load.
    void core.ai.warmUp();
  }
  const hosts = health.hosts ?? [];
  for (const host of hosts.length > 1 ? hosts : []) {
    if (!host.reachable) logger.warn(`Ollama host ${host.host} is skipped until its health check passes: ${host.error ?? 'not reachable'}`);
    else if (!host.models?.includes(canonicalModelName(model))) logger.warn(`Ollama host ${host.host} has no model "${model}": answers go to the other hosts (run  ollama pull ${model}  there)`);
    else logger.info(`Ollama host ${host.host} is ready`);
  }
  if (embedCheck?.error && embedCheck.reachable) logger.warn(`Embedding model: ${embedCheck.error}. Until then tickets are matched by their words alone.`);
  else if (embedCheck?.reachable) logger.info(`Embedding model ${embedCheck.model} is ready (texts fitted to ${embedCheck.contextTokens} tokens; long knowledge entries embedded in parts)`);
}

async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(formatConfigProblems(parsed.problems));
    return 1;
  }
  const config = parsed.config;
  if (!config.DISCORD_TOKEN) {
    console.error(MISSING_TOKEN_HELP);
    return 1;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, file: config.LOG_FILE, secrets: [config.DISCORD_TOKEN] });
  for (const warning of parsed.warnings) logger.warn(warning);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  let db;
  try {
    db = openDatabase(config.DB_PATH);
  } catch (error) {
    if (error instanceof DatabaseTooNewError) logger.fatal(error.message);
    else logger.fatal({ err: error }, `Cannot open the database at ${config.DB_PATH}`);
    await flush(logger);
    return 1;
  }
  const core = createCore(db, config, logger);
  void logOllamaReadiness(core, logger);

  let bot;
  try {
    bot = await startDiscordBot(core, config.DISCORD_TOKEN);
  } catch (error) {
    const explained = [InvalidTokenError, DisallowedIntentsError, UnknownGuildError, CommandRegistrationError].some((known) => error instanceof known);
    if (explained) logger.error((error as Error).message);
    else logger.error({ err: error }, 'Could not connect to Discord');
    db.close();
    await flush(logger);
    return 1;
  }
  core.semantic.start(); // a no-op without OLLAMA_EMBED_MODEL; stopped before the database closes (below)

  let dashboard: RunningDashboard | undefined;
  const publicUrl = dashboardPublicUrl(config);
  if (config.DASHBOARD_PORT !== undefined && publicUrl) {
    try {
      dashboard = await startDashboard(core, { host: config.DASHBOARD_HOST, port: config.DASHBOARD_PORT, publicUrl, directory: discordDirectory(bot.client, core) });
    } catch (error) {
      // The bot keeps answering tickets; only the dashboard is missing.
      logger.error({ err: error }, `The dashboard could not listen on ${config.DASHBOARD_HOST}:${config.DASHBOARD_PORT} (is the port in use?)`);
    }
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal} received: finishing ${core.responder.inFlight()} answer(s) in progress, then stopping`);
      bot.client.removeAllListeners('messageCreate');
      bot.client.removeAllListeners('interactionCreate');
      await dashboard?.close();
      const drained = await bot.drain(DRAIN_MS);
      if (!drained) logger.warn('Some answers were still in progress and were left unfinished');
      await bot.stop();
      core.ai.stop();
      await core.semantic.stop(); // a batch of embeddings in flight finishes (or stays queued) before the database closes
      db.close();
      logger.info('Stopped cleanly');
      await flush(logger);
      resolve(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The bot stopped because of an unexpected error:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
