import type { Migration } from '../migrate.js';
import { initial } from './001_initial.js';
import { trainingIndex } from './002_training_index.js';
import { knowledgeSearch } from './003_knowledge_search.js';
import { turnSources } from './004_turn_sources.js';
import { supportDesk } from './005_support_desk.js';
import { embeddings } from './006_embeddings.js';
import { answerDocumentsByReference } from './007_answer_documents_by_reference.js';
import { ticketTypes } from './008_ticket_types.js';
import { dashboardSessions } from './010_dashboard_sessions.js';
import { discordCloseSync } from './011_discord_close_sync.js';
import { answerIndexPerGuild } from './014_answer_index_per_guild.js';
import { ratingDmSetting } from './016_rating_dm_setting.js';
import { knowledgeChunks } from './017_knowledge_chunks.js';

/** Every schema change, in order. Never edit a released migration: add the next number. */
export const migrations: readonly Migration[] = [
  initial,
  trainingIndex,
  knowledgeSearch,
  turnSources,
  supportDesk,
  embeddings,
  answerDocumentsByReference,
  ticketTypes,
  dashboardSessions,
  discordCloseSync,
  answerIndexPerGuild,
  ratingDmSetting,
  knowledgeChunks,
];
