import { SlashCommandBuilder } from 'discord.js';
import type { ChatInputCommandInteraction } from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { BotContext } from '../context.js';
import type { SlashCommand } from './command.js';
import { addOptions, hasAutocompleteOption, readOptions, type OptionSchema, type OptionValues } from './option-schema.js';

type Handler<S extends OptionSchema> = (interaction: ChatInputCommandInteraction<'cached'>, ctx: BotContext, options: OptionValues<S>) => Promise<void>;

/** What every slash command says about itself besides its options: its name, and how the router treats it (SlashCommand). */
interface CommandBasics extends Pick<SlashCommand, 'access' | 'defer' | 'ephemeral' | 'autocomplete'> {
  readonly name: string;
  readonly description: string;
}

export interface CommandDefinition<S extends OptionSchema> extends CommandBasics {
  readonly options?: S;
  readonly execute: Handler<S>;
}

/**
 * A slash command from its definition: the options become both the definition Discord sees and the
 * typed `options` its handler gets. Read as: what it is, who may run it, its options, what it does.
 */
export function defineCommand<S extends OptionSchema = {}>(definition: CommandDefinition<S>): SlashCommand {
  const schema = definition.options ?? ({} as S);
  checkAutocomplete(definition, [schema]);
  const data = new SlashCommandBuilder().setName(definition.name).setDescription(definition.description);
  addOptions(data, schema);
  return {
    ...basicsOf(definition),
    data,
    execute: async (interaction, ctx) => definition.execute(interaction, ctx, readOptions(interaction.options, schema)),
  };
}

/** One subcommand, once `subcommand()` has typed its handler from its options. */
export interface Subcommand {
  readonly description: string;
  readonly options: OptionSchema;
  run(interaction: ChatInputCommandInteraction<'cached'>, ctx: BotContext): Promise<void>;
}

/**
 * A subcommand (`/ticket_type create`): its own description, options and handler. A function of its
 * own so that each subcommand's options type its own handler.
 */
export function subcommand<S extends OptionSchema = {}>(definition: { readonly description: string; readonly options?: S; readonly execute: Handler<S> }): Subcommand {
  const schema = definition.options ?? ({} as S);
  return {
    description: definition.description,
    options: schema,
    run: async (interaction, ctx) => definition.execute(interaction, ctx, readOptions(interaction.options, schema)),
  };
}

/**
 * A command made of subcommands, by name in the order Discord lists them. Access, deferring and
 * autocomplete are the command's: Discord shows and permits a command as a whole.
 */
export function defineCommandWithSubcommands(definition: CommandBasics & { readonly subcommands: Readonly<Record<string, Subcommand>> }): SlashCommand {
  const subcommands = definition.subcommands;
  checkAutocomplete(definition, Object.values(subcommands).map((s) => s.options));
  const data = new SlashCommandBuilder().setName(definition.name).setDescription(definition.description);
  for (const [name, sub] of Object.entries(subcommands)) {
    data.addSubcommand((builder) => {
      addOptions(builder.setName(name).setDescription(sub.description), sub.options);
      return builder;
    });
  }
  return {
    ...basicsOf(definition),
    data,
    async execute(interaction, ctx) {
      const name = interaction.options.getSubcommand();
      const sub = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
      if (!sub) throw new UserError(`\`/${definition.name} ${name}\` is not a command any more: Discord may still show you an older version. Try again in a minute; nothing was changed.`);
      return sub.run(interaction, ctx);
    },
  };
}

function basicsOf(definition: CommandBasics): Omit<SlashCommand, 'data' | 'execute'> {
  const { access, defer, ephemeral, autocomplete } = definition;
  return { access, defer, ephemeral, autocomplete };
}

/** An option Discord would autocomplete with no handler to answer (or a handler no option asks): a mistake, caught at start-up. */
function checkAutocomplete(definition: CommandBasics, schemas: readonly OptionSchema[]): void {
  const asked = schemas.some(hasAutocompleteOption);
  if (asked && !definition.autocomplete) throw new Error(`/${definition.name} has an autocomplete option but no autocomplete handler.`);
  if (!asked && definition.autocomplete) throw new Error(`/${definition.name} has an autocomplete handler but no autocomplete option.`);
}
