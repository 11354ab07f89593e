import { Events, InteractionContextType } from 'discord.js';
import type { Client } from 'discord.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../log.js';
import { retryWhileOutcomeUnknown } from '../unknown-outcome.js';
import { defaultMemberPermissions } from './command.js';
import { allCommands, allMessageCommands } from './index.js';

/** bot_state key: the server the commands were last registered in, or '' for global. */
const REGISTERED_SCOPE = 'commands.scope';

export class UnknownGuildError extends Error {
  constructor(guildId: string) {
    super(
      `DISCORD_GUILD_ID=${guildId} is not a server this bot is in. Invite the bot to that server (see README.md, "Add the bot to your server"), ` +
        'or fix the id (right-click the server → Copy Server ID), or leave DISCORD_GUILD_ID empty to register the commands globally.',
    );
    this.name = 'UnknownGuildError';
  }
}

/**
 * Discord refused or failed the registration of the slash commands at start-up. Without them the bot
 * cannot be set up or run, so start-up stops with what to do.
 */
export class CommandRegistrationError extends Error {
  constructor(scope: string, cause: unknown) {
    const status = (cause as { status?: unknown }).status;
    const code = (cause as { code?: unknown }).code;
    const why = cause instanceof Error ? cause.message : String(cause);
    const fix =
      status === 403
        ? 'Discord says the bot may not add commands there: invite it again with both the "bot" and "applications.commands" scopes (README.md, "Add the bot to your server").'
        : typeof status === 'number' && status >= 500
          ? 'Discord had trouble answering: start the bot again in a few minutes.'
          : 'Start the bot again; if it keeps failing, see TROUBLESHOOTING.md.';
    super(`Discord did not register the slash commands ${scope} (${[status, code].filter((v) => v !== undefined).join(' ')}: ${why}). ${fix}`, { cause });
    this.name = 'CommandRegistrationError';
  }
}

/**
 * The commands as Discord receives them. `contexts: [Guild]` keeps them out of DMs with the bot
 * (discord-api-docs developers/interactions/application-commands.mdx, "Interaction Contexts");
 * who sees each one follows from its access (defaultMemberPermissions).
 */
export function commandDefinitions() {
  return [...allCommands, ...allMessageCommands].map((command) => ({
    ...command.data.toJSON(),
    default_member_permissions: defaultMemberPermissions(command.access),
    contexts: [InteractionContextType.Guild],
  }));
}

/**
 * Registers the commands to one server when DISCORD_GUILD_ID is set (instant), otherwise globally
 * (Discord may take up to an hour), and removes them from the scope used before. Guild and global
 * commands are separate lists ("Command names are unique ... within each scope": a command in both
 * shows twice), so switching DISCORD_GUILD_ID on or off would otherwise leave every command doubled.
 */
export async function registerCommands(client: Client<true>, guildId: string | undefined, core: Core, log: Logger): Promise<void> {
  if (guildId && !client.guilds.cache.has(guildId)) throw new UnknownGuildError(guildId);
  try {
    await overwriteCommands(client, guildId, core, log);
  } catch (error) {
    throw new CommandRegistrationError(guildId ? `in server ${guildId}` : 'globally', error);
  }
}

async function overwriteCommands(client: Client<true>, guildId: string | undefined, core: Core, log: Logger): Promise<void> {
  const previous = core.botState.get(REGISTERED_SCOPE);
  const body = commandDefinitions();
  if (guildId) {
    await client.application.commands.set(body, guildId);
    const global = await client.application.commands.fetch();
    if (global.size > 0) await client.application.commands.set([]);
  } else {
    await client.application.commands.set(body);
  }
  // The server the commands were in before (or, the first time, any server that still has ours).
  const stale = previous === undefined ? [...client.guilds.cache.keys()] : previous ? [previous] : [];
  for (const id of stale) {
    if (id === guildId || !client.guilds.cache.has(id)) continue;
    const inGuild = await client.application.commands.fetch({ guildId: id }).catch(() => undefined);
    if (inGuild && inGuild.size > 0) {
      await client.application.commands.set([], id);
      log.info({ guildId: id }, 'removed this bot’s commands registered to a server before, so they do not show twice');
    }
  }
  core.botState.set(REGISTERED_SCOPE, guildId ?? '');
}

/**
 * With DISCORD_GUILD_ID the commands live in that one server, and Discord deletes them when the bot is removed from it:
 * invited back, the server shows none of the bot's commands (discordjs/discord.js#10321, "Kicking the bot from its dev
 * guild and inviting it again drops the slash commands", a maintainer: "This is expected behaviour"; JustHumanz/Go-Simp#286;
 * not in discord-api-docs). So when the bot joins that server while running (discord.js emits guildCreate only for a
 * server it was not in; a server back from an outage is guildAvailable and still has its commands), they are registered
 * there again at once, not at the next restart. Global commands belong to the application and need nothing.
 * A refusal is logged once with what to do; the bot keeps answering tickets there meanwhile.
 */
export function registerAgainOnRejoin(client: Client<true>, guildId: string | undefined, log: Logger): void {
  if (!guildId) return;
  client.on(Events.GuildCreate, (guild) => {
    if (guild.id !== guildId) return;
    const body = commandDefinitions();
    // A bulk overwrite is safe to repeat: a retry after a lost answer sets the same list again.
    void retryWhileOutcomeUnknown(() => client.application.commands.set(body, guildId), { kind: 'command registration', client }).then(
      () => log.info({ guildId }, `Invited back to server "${guild.name}" (${guildId}): registered the slash commands again there.`),
      (error: unknown) => log.warn({ err: error, guildId }, new CommandRegistrationError(`in server ${guildId} after the bot was invited back`, error).message),
    );
  });
}
