import type { Client } from 'discord.js';
import type { Core } from '../core/core.js';

/** What every handler in the Discord layer receives: the core, and the logged-in client. */
export interface BotContext {
  core: Core;
  client: Client<true>;
}
