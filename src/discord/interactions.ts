import type { AutocompleteInteraction, Interaction, RepliableInteraction } from 'discord.js';
import { MessageFlags } from 'discord.js';
import { describeStorageFailure, isUserError } from '../core/errors.js';
import { routeSurveyInteraction } from './support/survey.js';
import type { GuildSettings } from '../core/guilds/settings.js';
import type { ComponentHandler, MessageCommand, SlashCommand } from './commands/command.js';
import { parseCustomId } from './components/custom-id.js';
import type { BotContext } from './context.js';
import { hasAccess, refusal, type Access } from './permissions.js';
import { respond } from './reply.js';

const GENERIC_FAILURE = 'Something went wrong on the bot’s side, and nothing was changed. Staff can find the details in the bot’s log.';

/** Routes every interaction to its command or component handler, checking access in the handler's stead. */
export function createInteractionRouter(
  commands: readonly SlashCommand[],
  components: readonly ComponentHandler[],
  ctx: BotContext,
  messageCommands: readonly MessageCommand[],
) {
  const commandsByName = uniqueKeys(commands, (c) => c.data.name, 'command name');
  const messageCommandsByName = uniqueKeys(messageCommands, (c) => c.data.name, 'message command name');
  const componentsByPrefix = uniqueKeys(components, (c) => c.prefix, 'custom id prefix');
  const log = ctx.core.logger.child({ module: 'interactions' });

  async function fail(interaction: RepliableInteraction, error: unknown, what: string): Promise<void> {
    const storage = describeStorageFailure(error);
    if (isUserError(error)) {
      await respond(interaction, error.message).catch(() => undefined);
      return;
    }
    log.error({ err: error, what, guildId: interaction.guildId, user: interaction.user.id }, storage ? `${what} failed: ${storage}` : 'interaction failed');
    await respond(interaction, storage ?? GENERIC_FAILURE).catch((e: unknown) => log.warn({ err: e }, 'could not report the failure'));
  }

  /** The one gate every handler passes: access for this member (refused with the reason), then `run`, with failures reported. */
  async function guarded(
    interaction: RepliableInteraction<'cached'>,
    access: Access,
    settings: GuildSettings | undefined,
    what: string,
    run: () => Promise<unknown>,
  ): Promise<void> {
    if (!hasAccess(access, interaction, settings)) return respond(interaction, refusal(access, settings));
    try {
      await run();
    } catch (error) {
      await fail(interaction, error, what);
    }
  }

  async function autocomplete(interaction: AutocompleteInteraction<'cached'>): Promise<void> {
    const command = commandsByName.get(interaction.commandName);
    const settings = ctx.core.guildSettings.get(interaction.guildId);
    let choices: Awaited<ReturnType<NonNullable<SlashCommand['autocomplete']>>> = [];
    try {
      if (command?.autocomplete && hasAccess(command.access, interaction, settings)) choices = await command.autocomplete(interaction, ctx);
    } catch (error) {
      log.warn({ err: error, command: interaction.commandName }, 'autocomplete failed');
    }
    await interaction.respond(choices.slice(0, 25)).catch((e: unknown) => log.debug({ err: e }, 'autocomplete answer rejected'));
  }

  return async function route(interaction: Interaction): Promise<void> {
    if (!interaction.inGuild() && (interaction.isButton() || interaction.isModalSubmit())) {
      try {
        if (await routeSurveyInteraction(interaction, ctx)) return;
      } catch (error) {
        return fail(interaction, error, interaction.customId);
      }
    }
    if (!interaction.inCachedGuild()) {
      if (interaction.isRepliable()) await respond(interaction, 'This bot works inside a server, not in direct messages.').catch(() => undefined);
      return;
    }
    if (interaction.isAutocomplete()) return autocomplete(interaction);
    const settings = ctx.core.guildSettings.get(interaction.guildId);

    if (interaction.isChatInputCommand()) {
      const command = commandsByName.get(interaction.commandName);
      if (!command) return respond(interaction, 'This command is not known to the bot any more.');
      return guarded(interaction, command.access, settings, `/${interaction.commandName}`, async () => {
        if (command.defer) await interaction.deferReply({ flags: command.ephemeral === false ? undefined : MessageFlags.Ephemeral });
        await command.execute(interaction, ctx);
      });
    }

    if (interaction.isMessageContextMenuCommand()) {
      const command = messageCommandsByName.get(interaction.commandName);
      if (!command) return respond(interaction, 'This command is not known to the bot any more.');
      return guarded(interaction, command.access, settings, interaction.commandName, () => command.execute(interaction, ctx));
    }

    if (interaction.isButton() || interaction.isModalSubmit()) {
      const { prefix, args } = parseCustomId(interaction.customId);
      const handler = componentsByPrefix.get(prefix);
      if (!handler) return respond(interaction, 'This button is no longer in use.');
      return guarded(interaction, handler.access, settings, interaction.customId, async () => {
        if (interaction.isButton() && handler.handleButton) await handler.handleButton(interaction, args, ctx);
        else if (interaction.isModalSubmit() && handler.handleModal) await handler.handleModal(interaction, args, ctx);
      });
    }
  };
}

/**
 * Handlers by their key, refusing a key used twice: a Map would silently keep the last, and the
 * other handler's buttons would run the wrong code. Checked when the router is built, at start-up.
 */
export function uniqueKeys<T>(handlers: readonly T[], keyOf: (handler: T) => string, what: string): Map<string, T> {
  const byKey = new Map<string, T>();
  for (const handler of handlers) {
    const key = keyOf(handler);
    if (byKey.has(key)) throw new Error(`Two handlers use the ${what} "${key}"; each must be unique.`);
    byKey.set(key, handler);
  }
  return byKey;
}
