import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import { OllamaService } from './ai/ollama.js';
import { TicketDesk } from './desk/desk.js';
import { GuildSettingsStore } from './guilds/settings.js';
import { KnowledgeStore } from './knowledge/store.js';
import { Matcher } from './matching/matcher.js';
import { SemanticIndex } from './matching/semantic-index.js';
import { Responder } from './responder.js';
import { StatCounters } from './stats/counters.js';
import { SupportDesk } from './support/support-desk.js';
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
  support: SupportDesk;
  /** Ticket types, private tickets' channel, limits, claims, support hours and ratings. */
  desk: TicketDesk;
  startedAt: number;
}

export function createCore(db: Db, config: Config, logger: Logger): Core {
  const training = new TrainingStore(db);
  const knowledge = new KnowledgeStore(db);
  const tickets = new TicketStore(db);
  const counters = new StatCounters(db);
  const matcher = new Matcher(db);
  const support = new SupportDesk(db, { tickets, training, knowledge }, { staleTicketHours: config.STALE_TICKET_HOURS });
  const ai = new OllamaService({
    host: config.OLLAMA_URL,
    model: config.OLLAMA_MODEL,
    embedModel: config.OLLAMA_EMBED_MODEL,
    timeoutMs: config.RESPONSE_TIMEOUT * 1000,
    maxConcurrent: config.OLLAMA_MAX_CONCURRENT,
    logger: logger.child({ module: 'ollama' }),
  });
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
      trainedAnswerThreshold: config.TRAINED_ANSWER_THRESHOLD,
      similarityThreshold: config.SIMILARITY_THRESHOLD,
      maxContextChars: config.MAX_CONTEXT_LENGTH,
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
    guildSettings: new GuildSettingsStore(db),
    desk: new TicketDesk(db, tickets),
    counters,
    matcher,
    semantic,
    ai,
    responder,
    support,
    startedAt: Date.now(),
  };
}
