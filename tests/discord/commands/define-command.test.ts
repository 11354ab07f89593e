import { ApplicationCommandOptionType, ChannelType, CommandInteractionOptionResolver } from 'discord.js';
import type { APIApplicationCommandInteractionDataOption, ChatInputCommandInteraction, Client, ForumChannel, Role } from 'discord.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import type { BotContext } from '../../../src/discord/context.js';
import { defineCommand, defineCommandWithSubcommands, subcommand } from '../../../src/discord/commands/define-command.js';
import { boolean, channel, integer, role, text, type OptionValues } from '../../../src/discord/commands/option-schema.js';

/**
 * An interaction whose options discord.js itself resolves from the payload Discord sends
 * (application-commands.mdx, "Application Command Interaction Data Option Structure").
 */
function interactionWith(data: APIApplicationCommandInteractionDataOption[]): ChatInputCommandInteraction<'cached'> {
  // The constructor is private in the typings; discord.js calls it the same way for every interaction.
  const Resolver = CommandInteractionOptionResolver as unknown as new (client: Client, options: unknown[]) => unknown;
  return { options: new Resolver({} as Client, data) } as unknown as ChatInputCommandInteraction<'cached'>;
}
const ctx = {} as BotContext;
const { String: Str, Integer, Boolean: Bool, Subcommand } = ApplicationCommandOptionType;

const trainOptions = {
  question: text({ description: 'The question', required: true, maxLength: 500 }),
  answer: text({ description: 'The answer', required: true }),
  category: text({ description: 'A category', autocomplete: true }),
  page: integer({ description: 'Page', minValue: 1 }),
  pinned: boolean({ description: 'Pinned' }),
};

describe('a command defined from its options', () => {
  it('hands its handler the options by name, typed from the definition, with left-out ones undefined', async () => {
    const seen: OptionValues<typeof trainOptions>[] = [];
    const command = defineCommand({
      name: 'train',
      description: 'Teach',
      access: 'staff',
      options: trainOptions,
      async execute(_interaction, _ctx, options) {
        expectTypeOf(options).toEqualTypeOf<OptionValues<typeof trainOptions>>();
        expectTypeOf(options.question).toEqualTypeOf<string>();
        expectTypeOf(options.category).toEqualTypeOf<string | undefined>();
        expectTypeOf(options.page).toEqualTypeOf<number | undefined>();
        expectTypeOf(options.pinned).toEqualTypeOf<boolean | undefined>();
        // @ts-expect-error: an option the definition does not have cannot be read
        void options.questoin;
        seen.push(options);
      },
      autocomplete: async () => [],
    });
    await command.execute(
      interactionWith([
        { name: 'question', type: Str, value: 'How do I pay?' },
        { name: 'answer', type: Str, value: 'By card.' },
        { name: 'page', type: Integer, value: 0 },
        { name: 'pinned', type: Bool, value: false },
      ]),
      ctx,
    );
    expect(seen).toEqual([{ question: 'How do I pay?', answer: 'By card.', category: undefined, page: 0, pinned: false }]);
  });

  it('registers the options in the order written, with the flags the definition gives', () => {
    const command = defineCommand({ name: 'train', description: 'Teach', access: 'staff', options: trainOptions, execute: async () => {}, autocomplete: async () => [] });
    const json = command.data.toJSON();
    expect(json.options).toEqual([
      { type: Str, name: 'question', description: 'The question', required: true, max_length: 500 },
      { type: Str, name: 'answer', description: 'The answer', required: true },
      { type: Str, name: 'category', description: 'A category', required: false, autocomplete: true },
      { type: Integer, name: 'page', description: 'Page', required: false, min_value: 1 },
      { type: Bool, name: 'pinned', description: 'Pinned', required: false },
    ]);
  });

  it('refuses clearly, without running the handler, when Discord leaves out a required option (an older definition in the member’s app)', async () => {
    let ran = false;
    const command = defineCommand({ name: 'train', description: 'Teach', access: 'staff', options: trainOptions, execute: async () => void (ran = true), autocomplete: async () => [] });
    const run = command.execute(interactionWith([{ name: 'question', type: Str, value: 'How do I pay?' }]), ctx);
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow('The `answer` option is missing: Discord may still show you an older version of this command.');
    expect(ran).toBe(false);
  });

  it('types choices, channels and roles from the definition', () => {
    defineCommand({
      name: 'typed',
      description: 'Types',
      access: 'manager',
      options: {
        forum: channel({ description: 'Forum', types: [ChannelType.GuildForum], required: true }),
        staff: role({ description: 'Staff', required: true }),
        period: text({ description: 'Period', choices: [{ name: 'Day', value: 'day' }, { name: 'Week', value: 'week' }] }),
      },
      async execute(_interaction, _ctx, options) {
        expectTypeOf(options.forum).toEqualTypeOf<ForumChannel>();
        expectTypeOf(options.staff).toEqualTypeOf<Role>();
        expectTypeOf(options.period).toEqualTypeOf<'day' | 'week' | undefined>();
      },
    });
  });

  it('refuses at start-up an autocomplete option without a handler, and a handler without an option', () => {
    const category = text({ description: 'A category', autocomplete: true });
    expect(() => defineCommand({ name: 'a', description: 'A', access: 'staff', options: { category }, execute: async () => {} })).toThrow(
      '/a has an autocomplete option but no autocomplete handler.',
    );
    expect(() => defineCommand({ name: 'b', description: 'B', access: 'staff', execute: async () => {}, autocomplete: async () => [] })).toThrow(
      '/b has an autocomplete handler but no autocomplete option.',
    );
  });
});

describe('a command with subcommands', () => {
  const calls: string[] = [];
  const command = defineCommandWithSubcommands({
    name: 'ticket_type',
    description: 'Types',
    access: 'manager',
    subcommands: {
      create: subcommand({
        description: 'Add one',
        options: { name: text({ description: 'Name', required: true }), private: boolean({ description: 'Private' }) },
        async execute(_interaction, _ctx, options) {
          expectTypeOf(options).toEqualTypeOf<{ readonly name: string; readonly private: boolean | undefined }>();
          calls.push(`create ${options.name} ${options.private}`);
        },
      }),
      list: subcommand({
        description: 'Show them',
        async execute(_interaction, _ctx, options) {
          expectTypeOf(options).toEqualTypeOf<{}>();
          calls.push('list');
        },
      }),
    },
  });

  it('runs the subcommand the member chose, with that subcommand’s options', async () => {
    await command.execute(interactionWith([{ name: 'create', type: Subcommand, options: [{ name: 'name', type: Str, value: 'Billing' }] }]), ctx);
    await command.execute(interactionWith([{ name: 'list', type: Subcommand, options: [] }]), ctx);
    expect(calls).toEqual(['create Billing undefined', 'list']);
  });

  it('registers each subcommand with its own options', () => {
    expect(command.data.toJSON().options).toEqual([
      {
        type: Subcommand,
        name: 'create',
        description: 'Add one',
        options: [
          { type: Str, name: 'name', description: 'Name', required: true },
          { type: Bool, name: 'private', description: 'Private', required: false },
        ],
      },
      { type: Subcommand, name: 'list', description: 'Show them', options: [] },
    ]);
  });

  it('refuses a subcommand it no longer has, and changes nothing', async () => {
    const run = command.execute(interactionWith([{ name: 'rename', type: Subcommand, options: [] }]), ctx);
    await expect(run).rejects.toThrow('`/ticket_type rename` is not a command any more');
    expect(calls).toEqual(['create Billing undefined', 'list']);
  });
});
