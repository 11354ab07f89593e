import { EmbedBuilder } from 'discord.js';
import type { AutocompleteInteraction, ChatInputCommandInteraction } from 'discord.js';
import { parseQuestions, TYPE_LIMITS, type TicketType, type TicketTypeInput } from '../../core/desk/ticket-types.js';
import { exportTicketTypes, importTicketTypes } from '../../core/desk/types-transfer.js';
import { UserError } from '../../core/errors.js';
import { DEFAULT_MAX_IMPORT_BYTES } from '../../core/transfer/import-file.js';
import { downloadTextAttachment, exportFileName, jsonFile } from '../attachments.js';
import type { BotContext } from '../context.js';
import { respond } from '../reply.js';
import type { SlashCommand } from './command.js';
import { defineCommandWithSubcommands, subcommand } from './define-command.js';
import { attachment, boolean, role, text, type OptionValues } from './option-schema.js';
import { requireText } from './options.js';

const QUESTIONS_HELP = 'Up to 5, split by |; end with * = required; start with long: = paragraph';

/** The `name` option: a new type's name, or an existing type's, autocompleted. */
const nameOption = (existing: boolean) =>
  text({ description: existing ? 'The ticket type' : 'Its name on the panel, e.g. Billing', maxLength: TYPE_LIMITS.name, required: true, autocomplete: existing });

/** What a type has besides its name, as options of create and edit. */
function fieldOptions(editing: boolean) {
  return {
    private: boolean({ description: 'Open these tickets as private threads only the member and staff can read' }),
    emoji: text({ description: 'Emoji on its panel button', maxLength: 64 }),
    description: text({ description: 'One line on the panel', maxLength: TYPE_LIMITS.description }),
    questions: text({ description: editing ? `${QUESTIONS_HELP}; "none" clears them` : QUESTIONS_HELP, maxLength: 400 }),
    staff_role: role({ description: 'Role that handles this type (default: the staff role from /setup)' }),
  };
}

/** The fields the options give; those left out stay as they are (or default when creating). */
function fieldsFrom(options: OptionValues<ReturnType<typeof fieldOptions>>, guildId: string): Partial<TicketTypeInput> {
  const fields: Partial<TicketTypeInput> = {};
  if (options.private !== undefined) fields.private = options.private;
  if (options.emoji !== undefined) fields.emoji = options.emoji;
  if (options.description !== undefined) fields.description = options.description;
  if (options.questions !== undefined) fields.questions = options.questions.trim().toLowerCase() === 'none' ? [] : parseQuestions(options.questions);
  if (options.staff_role) {
    if (options.staff_role.id === guildId) throw new UserError('@everyone cannot handle a ticket type: pick your support team’s role.');
    fields.staffRoleId = options.staff_role.id;
  }
  return fields;
}

function describeType(t: TicketType): string {
  const questions = t.questions.length ? t.questions.map((q) => `${q.label}${q.required ? '*' : ''}${q.style === 'paragraph' ? ' (long)' : ''}`).join(' · ') : 'subject and description';
  return [
    `${t.private ? '🔒 **private**: a private thread only the member and staff can read' : '🌐 **public**: a post in the ticket forum'}`,
    t.description ? `Panel text: ${t.description}` : undefined,
    `Form: ${questions}`,
    `Handled by: ${t.staffRoleId ? `<@&${t.staffRoleId}>` : 'the staff role from /setup'}`,
  ]
    .filter(Boolean)
    .join('\n');
}

async function suggestTypes(interaction: AutocompleteInteraction<'cached'>, ctx: BotContext) {
  const typed = interaction.options.getFocused().toLowerCase();
  return ctx.core.desk.types
    .list(interaction.guildId)
    .filter((t) => t.name.toLowerCase().includes(typed))
    .slice(0, 25)
    .map((t) => ({ name: `${t.emoji ? `${t.emoji} ` : ''}${t.name}${t.private ? ' (private)' : ''}`.slice(0, 100), value: t.name }));
}

async function reportSaved(interaction: ChatInputCommandInteraction<'cached'>, ctx: BotContext, saved: TicketType, done: 'Added' | 'Updated'): Promise<void> {
  const privateHint =
    saved.private && !ctx.core.desk.settings.get(interaction.guildId).privateChannelId
      ? '\n⚠️ Private tickets need a text channel for their threads: choose it with `/ticket_settings private_channel`.'
      : '';
  await respond(interaction, `${done} the ticket type **${saved.name}**.\n${describeType(saved)}\nPost the panel again with \`/ticket_panel\` to show it.${privateHint}`);
}

const ticketType = defineCommandWithSubcommands({
  name: 'ticket_type',
  description: 'Define the kinds of tickets members can open from the panel',
  access: 'manager',
  defer: true,
  subcommands: {
    create: subcommand({
      description: 'Add a ticket type',
      options: { name: nameOption(false), ...fieldOptions(false) },
      async execute(interaction, ctx, options) {
        const name = requireText(options.name, 'Name', TYPE_LIMITS.name);
        const saved = ctx.core.desk.types.create(interaction.guildId, { ...fieldsFrom(options, interaction.guildId), name });
        await reportSaved(interaction, ctx, saved, 'Added');
      },
    }),
    edit: subcommand({
      description: 'Change a ticket type (options left out stay as they are)',
      options: { name: nameOption(true), new_name: text({ description: 'Rename it', maxLength: TYPE_LIMITS.name }), ...fieldOptions(true) },
      async execute(interaction, ctx, options) {
        const name = requireText(options.name, 'Name', TYPE_LIMITS.name);
        const fields = fieldsFrom(options, interaction.guildId);
        const saved = ctx.core.desk.types.edit(interaction.guildId, name, { ...fields, ...(options.new_name ? { name: options.new_name } : {}) });
        await reportSaved(interaction, ctx, saved, 'Updated');
      },
    }),
    delete: subcommand({
      description: 'Remove a ticket type (its tickets stay)',
      options: { name: nameOption(true) },
      async execute(interaction, ctx, options) {
        const removed = ctx.core.desk.types.delete(interaction.guildId, requireText(options.name, 'Name', TYPE_LIMITS.name));
        await respond(interaction, `Removed the ticket type **${removed.name}**. Its tickets stay; post the panel again with \`/ticket_panel\` so the button goes.`);
      },
    }),
    list: subcommand({
      description: 'Show the ticket types',
      async execute(interaction, ctx) {
        const list = ctx.core.desk.types.list(interaction.guildId);
        if (list.length === 0) {
          await respond(interaction, 'This server has no ticket types: the panel shows one **Open ticket** button. Add types with `/ticket_type create`.');
          return;
        }
        const embed = new EmbedBuilder().setTitle('Ticket types').setColor(0x5865f2);
        embed.addFields(list.map((t) => ({ name: `${t.emoji ? `${t.emoji} ` : ''}${t.name}`.slice(0, 256), value: describeType(t).slice(0, 1024) })));
        await respond(interaction, { embeds: [embed] });
      },
    }),
    export: subcommand({
      description: 'Download the ticket types as a JSON file',
      async execute(interaction, ctx) {
        const data = exportTicketTypes(ctx.core.desk.types, interaction.guildId);
        if (data.types.length === 0) throw new UserError('This server has no ticket types to export. Add one with `/ticket_type create`.');
        await respond(interaction, {
          content: `Exported ${data.types.length} ticket type${data.types.length === 1 ? '' : 's'}. Load the file with \`/ticket_type import\`.`,
          files: [jsonFile(data, exportFileName('ticket-types', interaction.guildId))],
        });
      },
    }),
    import: subcommand({
      description: 'Load ticket types from a JSON export (same names are updated; all or nothing)',
      options: { file: attachment({ description: 'A file made by /ticket_type export', required: true }) },
      async execute(interaction, ctx, { file }) {
        const json = await downloadTextAttachment(file, { maxBytes: DEFAULT_MAX_IMPORT_BYTES });
        const result = importTicketTypes(ctx.core.db, ctx.core.desk.types, interaction.guildId, json, { roleExists: (id) => interaction.guild.roles.cache.has(id) });
        await respond(interaction, `Imported ticket types: ${result.added} added, ${result.updated} updated. Post the panel again with \`/ticket_panel\` to show them.`);
      },
    }),
  },
  autocomplete: suggestTypes,
});

export const ticketTypeCommands: SlashCommand[] = [ticketType];
export { suggestTypes };
