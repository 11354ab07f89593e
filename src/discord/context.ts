import type { Client } from 'discord.js';
import type { Core } from '../core/core.js';
import type { AnswerOrder } from './tickets/answer-order.js';

/** What every handler in the Discord layer receives: the core, the logged-in client, and the order answers are shown in. */
export interface BotContext {
  core: Core;
  client: Client<true>;
  answerOrder: AnswerOrder;
}
