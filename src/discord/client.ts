import { Client, Events, GatewayDispatchEvents, GatewayIntentBits, Partials } from 'discord.js';
import type { Core } from '../core/core.js';
import { allCommands, allComponents, allMessageCommands } from './commands/index.js';
import { CommandRegistrationError, registerAgainOnRejoin, registerCommands, UnknownGuildError } from './commands/register.js';
import type { BotContext } from './context.js';
import { logUnknownOutcomeRetries } from './unknown-outcome.js';
import { createInteractionRouter } from './interactions.js';
import { NO_MENTIONS } from './reply.js';
import { logGuildMembership } from './served-guilds.js';
import { startStaleSweeper } from './support/stale-sweeper.js';
import { AnswerOrder } from './tickets/answer-order.js';
import { repairPendingCloses } from './tickets/close-in-discord.js';
import { LiveAnswers } from './tickets/live-answers.js';
import { onChannelDelete, onThreadDeleteDispatch } from './tickets/deleted-posts.js';
import { followPostsChangedWhileOffline } from './tickets/offline-changes.js';
import { onMessageCreate, onMessageDelete, onMessageUpdate, onThreadUpdate } from './tickets/thread-events.js';

export class InvalidTokenError extends Error {
  constructor() {
    super('Discord rejected DISCORD_TOKEN. Copy the token again from the Developer Portal (Application → Bot → Reset Token) into .env.');
    this.name = 'InvalidTokenError';
  }
}

export class DisallowedIntentsError extends Error {
  constructor() {
    super(
      'Discord refused the Message Content intent. In the Developer Portal open your application → Bot, turn on "Message Content Intent", save, and start the bot again.',
    );
    this.name = 'DisallowedIntentsError';
  }
}

export interface RunningBot {
  client: Client<true>;
  /**
   * What the bot's handlers share (the answers being shown, their order): work done outside an event, such as a close,
   * goes through it so that it stops the answers in progress as a command's close does.
   */
  context: BotContext;
  /** Waits (at most `timeoutMs`) until the answers in progress are written and shown in Discord; true if all are. */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Logs in, registers the slash commands and wires events to the core. */
export async function startDiscordBot(core: Core, token: string): Promise<RunningBot> {
  const log = core.logger.child({ module: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    partials: [Partials.Message],
    // As many shards as Discord recommends (GET /gateway/bot), all in this process: Discord requires
    // sharding from 2,500 servers and refuses a session that does not shard enough (close 4011).
    shards: 'auto',
    rest: { api: core.config.DISCORD_API_URL },
    // Belt and braces: even a message sent without its own setting pings nobody.
    allowedMentions: NO_MENTIONS,
  });

  logUnknownOutcomeRetries(client, (fields, message) => log.warn(fields, message));

  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  try {
    await client.login(token);
  } catch (error) {
    await client.destroy();
    const code = (error as { code?: unknown }).code;
    const status = (error as { status?: unknown }).status;
    if (code === 'TokenInvalid' || status === 401 || code === 4004) throw new InvalidTokenError();
    // @discordjs/ws reports close code 4014 as a plain Error with this message and no code.
    const message = error instanceof Error ? error.message : '';
    if (code === 'DisallowedIntents' || code === 4014 || /disallowed intents/i.test(message)) throw new DisallowedIntentsError();
    throw error;
  }
  const readyClient = await ready;
  const ctx: BotContext = { core, client: readyClient, answerOrder: new AnswerOrder(), liveAnswers: new LiveAnswers() };

  const route = createInteractionRouter(allCommands, allComponents, ctx, allMessageCommands);
  const guard = (what: string, task: () => unknown) => {
    void Promise.resolve()
      .then(task)
      .catch((error: unknown) => log.error({ err: error, what }, 'event handler failed'));
  };
  client.on(Events.InteractionCreate, (interaction) => guard('interaction', () => route(interaction)));
  client.on(Events.MessageCreate, (message) => guard('messageCreate', () => onMessageCreate(message, ctx)));
  client.on(Events.MessageUpdate, (_old, message) => guard('messageUpdate', () => onMessageUpdate(message, ctx)));
  client.on(Events.MessageDelete, (message) => guard('messageDelete', () => onMessageDelete(message, ctx)));
  client.on(Events.ThreadUpdate, (_old, thread) => guard('threadUpdate', () => onThreadUpdate(thread, ctx)));
  // A deleted post closes its ticket; the raw dispatch, since discord.js emits threadDelete only for cached threads (deleted-posts.ts).
  client.ws.on(GatewayDispatchEvents.ThreadDelete, (data) => guard('threadDelete', () => onThreadDeleteDispatch(data, ctx)));
  client.on(Events.ChannelDelete, (channel) => guard('channelDelete', () => onChannelDelete(channel, ctx)));
  // Removed from a server (or invited back): one line for the admin; scheduled work follows servesGuild (served-guilds.ts).
  logGuildMembership(client, log);
  // Removed from a server (not an outage: discord.js emits guildUnavailable for that): the memory the core keeps of it goes.
  client.on(Events.GuildDelete, (guild) => guard('guildDelete', () => core.forgetGuildCaches(guild.id)));
  // Removed from DISCORD_GUILD_ID's server, the commands there went with the bot: invited back, they are registered again.
  registerAgainOnRejoin(readyClient, core.config.DISCORD_GUILD_ID, log);
  client.on(Events.Error, (error) => log.error({ err: error }, 'Discord client error'));
  client.on(Events.ShardDisconnect, (event) => log.warn({ code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardResume, () => log.info('gateway resumed'));
  // Registered only once the handlers listen: an interaction sent the moment a command appears
  // (or during a restart, while the old registration still stands) is answered, not dropped.
  try {
    await registerCommands(readyClient, core.config.DISCORD_GUILD_ID, core, log);
  } catch (error) {
    await client.destroy(); // nothing may reach the handlers once start-up has failed
    throw error;
  }
  log.info({ tag: readyClient.user.tag, guilds: readyClient.guilds.cache.size }, `Logged in as ${readyClient.user.tag} in ${readyClient.guilds.cache.size} server(s)`);

  // Reminds and closes quiet tickets; what is due is read from the database, so a restart loses nothing.
  const staleSweeper = startStaleSweeper(ctx);
  // Closes that Discord did not follow before a restart are finished now, not a minute later.
  void repairPendingCloses(ctx).catch((error: unknown) => log.warn({ err: error }, 'repairing closed tickets at start-up failed'));
  // Posts a moderator locked or deleted while the bot was offline close their tickets, as when seen live.
  void followPostsChangedWhileOffline(ctx).catch((error: unknown) => log.warn({ err: error }, 'checking what happened to ticket posts while offline failed'));

  return {
    client: readyClient,
    context: ctx,
    async drain(timeoutMs) {
      const [written, shown] = await Promise.all([core.responder.drain(timeoutMs), ctx.answerOrder.allShown(timeoutMs)]);
      return written && shown;
    },
    async stop() {
      staleSweeper.stop();
      await client.destroy();
    },
  };
}

export { CommandRegistrationError, UnknownGuildError };
