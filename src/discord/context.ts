import type { Client } from 'discord.js';
import type { Core } from '../core/core.js';
import type { AnswerOrder } from './tickets/answer-order.js';
import type { LiveAnswers } from './tickets/live-answers.js';

/** What every handler in the Discord layer receives: the core, the logged-in client, and the order answers are shown in. */
export interface BotContext {
  core: Core;
  client: Client<true>;
  answerOrder: AnswerOrder;
  /** Answers being shown right now, per thread: closing a ticket stops them. */
  liveAnswers: LiveAnswers;
}
