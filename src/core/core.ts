import { answerThresholds, type AnswerThresholds } from './answer-thresholds.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import { OllamaService } from './ai/ollama.js';
import { TicketDesk } from './desk/desk.js';
import { BotState } from './bot-state.js';
import { DashboardAccess } from './dashboard/access.js';
import { GuildSettingsStore } from './guilds/settings.js';
import { KnowledgeStore } from './knowledge/store.js';
import { Matcher } from './matching/matcher.js';
import { SemanticIndex } from './matching/semantic-index.js';
import { wordVectorsProblem } from './matching/word-vectors.js';
import { Responder } from './responder.js';
import { StatCounters } from './stats/counters.js';
import { SupportDesk } from './support/support-desk.js';
import { TicketClosing } from './tickets/closing.js';
import { TicketStore } from './tickets/store.js';
import { TrainingStore } from './training/store.js';

/** Everything the Discord layer (and tools like eval and chat) call into, built over one database. */
export interface Core {
  db: Db;
  config: Config;
  logger: Logger;
  training: TrainingStore;
  knowledge: KnowledgeStore;
  tickets: TicketStore;
  /** Closing tickets so that Discord and the database agree (retried until Discord follows). */
  closing: TicketClosing;
  /** Facts about the bot's own Discord setup kept between runs (e.g. where its commands are registered). */
  botState: BotState;
  guildSettings: GuildSettingsStore;
  counters: StatCounters;
  matcher: Matcher;
  /**
   * Embedding search (OLLAMA_EMBED_MODEL). Its background embedding writes to the database: whoever
   * starts it awaits `semantic.stop()` before closing the database.
   */
  semantic: SemanticIndex;
  ai: OllamaService;
  responder: Responder;
  /** What the answers' numbers mean and are: other layers show and compare against these, not the raw config. */
  thresholds: AnswerThresholds;
  support: SupportDesk;
  /** Ticket types, private tickets' channel, limits, claims, support hours and ratings. */
  desk: TicketDesk;
  /** Web dashboard log-in links and sessions. */
  dashboardAccess: DashboardAccess;
  startedAt: number;
  /**
   * Drops what this process keeps in memory of a guild (the matcher's statistics and documents, cached vectors): the
   * bot was removed from it. Its data stays in the database; invited back, it is read afresh.
   */
  forgetGuildCaches(guildId: string): void;
}

export function createCore(db: Db, config: Config, logger: Logger): Core {
  const training = new TrainingStore(db);
  const knowledge = new KnowledgeStore(db);
  const tickets = new TicketStore(db);
  const counters = new StatCounters(db);
  const wordVectorsMissing = wordVectorsProblem();
  if (wordVectorsMissing !== undefined) logger.warn(`Word vectors unavailable (${wordVectorsMissing}); trained answers are matched by their words alone.`);
  const matcher = new Matcher(db);
  const support = new SupportDesk(db, { tickets, training, knowledge }, { staleTicketHours: config.STALE_TICKET_HOURS });
  const ai = new OllamaService({
    host: config.OLLAMA_URL,
    model: config.OLLAMA_MODEL,
    embedModel: config.OLLAMA_EMBED_MODEL,
    firstTokenTimeoutMs: config.OLLAMA_FIRST_TOKEN_TIMEOUT * 1000,
    stallTimeoutMs: config.OLLAMA_STALL_TIMEOUT * 1000,
    answerTimeoutMs: config.OLLAMA_ANSWER_TIMEOUT * 1000,
    keepAlive: config.OLLAMA_KEEP_ALIVE,
    numCtx: config.OLLAMA_NUM_CTX,
    maxAnswerTokens: config.OLLAMA_MAX_ANSWER_TOKENS,
    temperature: config.OLLAMA_TEMPERATURE,
    maxConcurrent: config.OLLAMA_MAX_CONCURRENT,
    logger: logger.child({ module: 'ollama' }),
  });
  const thresholds = answerThresholds(config);
  const semantic = new SemanticIndex(db, { embedder: ai, matcher, logger: logger.child({ module: 'semantic' }) });
  const responder = new Responder({
    training,
    knowledge,
    tickets,
    counters,
    matcher,
    ai,
    semantic: semantic.enabled ? semantic : undefined,
    logger: logger.child({ module: 'responder' }),
    support: support.responderSupport,
    settings: {
      thresholds,
      autoRespond: config.ENABLE_AUTO_RESPONSE,
    },
  });
  return {
    db,
    config,
    logger,
    training,
    knowledge,
    tickets,
    closing: new TicketClosing(db, tickets),
    botState: new BotState(db),
    guildSettings: new GuildSettingsStore(db),
    desk: new TicketDesk(db, tickets),
    counters,
    matcher,
    semantic,
    ai,
    responder,
    thresholds,
    support,
    dashboardAccess: new DashboardAccess(db),
    startedAt: Date.now(),
    forgetGuildCaches: (guildId) => {
      matcher.forgetGuild(guildId);
      semantic.forgetGuild(guildId);
    },
  };
}
