import { EmbedBuilder, SlashCommandBuilder } from 'discord.js';
import type { AutocompleteInteraction, ChatInputCommandInteraction, SlashCommandStringOption, SlashCommandSubcommandBuilder } from 'discord.js';
import { parseQuestions, TYPE_LIMITS, type TicketType, type TicketTypeInput } from '../../core/desk/ticket-types.js';
import { exportTicketTypes, importTicketTypes } from '../../core/desk/types-transfer.js';
import { UserError } from '../../core/errors.js';
import { DEFAULT_MAX_IMPORT_BYTES } from '../../core/transfer/import-file.js';
import { downloadTextAttachment, exportFileName, jsonFile } from '../attachments.js';
import type { BotContext } from '../context.js';
import { respond } from '../reply.js';
import type { SlashCommand } from './command.js';
import { requireText } from './options.js';

const QUESTIONS_HELP = 'Up to 5, split by |; end with * = required; start with long: = paragraph';

const nameOption = (o: SlashCommandStringOption, autocomplete: boolean) =>
  o.setName('name').setDescription(autocomplete ? 'The ticket type' : 'Its name on the panel, e.g. Billing').setMaxLength(TYPE_LIMITS.name).setRequired(true).setAutocomplete(autocomplete);

function typeFields(sub: SlashCommandSubcommandBuilder, editing: boolean): SlashCommandSubcommandBuilder {
  return sub
    .addBooleanOption((o) => o.setName('private').setDescription('Open these tickets as private threads only the member and staff can read').setRequired(false))
    .addStringOption((o) => o.setName('emoji').setDescription('Emoji on its panel button').setMaxLength(64))
    .addStringOption((o) => o.setName('description').setDescription('One line on the panel').setMaxLength(TYPE_LIMITS.description))
    .addStringOption((o) => o.setName('questions').setDescription(editing ? `${QUESTIONS_HELP}; "none" clears them` : QUESTIONS_HELP).setMaxLength(400))
    .addRoleOption((o) => o.setName('staff_role').setDescription('Role that handles this type (default: the staff role from /setup)'));
}

/** The fields the options give; those left out stay as they are (or default when creating). */
function readFields(interaction: ChatInputCommandInteraction<'cached'>): Partial<TicketTypeInput> {
  const fields: Partial<TicketTypeInput> = {};
  const isPrivate = interaction.options.getBoolean('private');
  if (isPrivate !== null) fields.private = isPrivate;
  const emoji = interaction.options.getString('emoji');
  if (emoji !== null) fields.emoji = emoji;
  const description = interaction.options.getString('description');
  if (description !== null) fields.description = description;
  const questions = interaction.options.getString('questions');
  if (questions !== null) fields.questions = questions.trim().toLowerCase() === 'none' ? [] : parseQuestions(questions);
  const role = interaction.options.getRole('staff_role');
  if (role) {
    if (role.id === interaction.guildId) throw new UserError('@everyone cannot handle a ticket type: pick your support team’s role.');
    fields.staffRoleId = role.id;
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

async function transferTypes(interaction: ChatInputCommandInteraction<'cached'>, sub: 'export' | 'import', ctx: BotContext): Promise<void> {
  const { types } = ctx.core.desk;
  if (sub === 'export') {
    const data = exportTicketTypes(types, interaction.guildId);
    if (data.types.length === 0) throw new UserError('This server has no ticket types to export. Add one with `/ticket_type create`.');
    await respond(interaction, { content: `Exported ${data.types.length} ticket type${data.types.length === 1 ? '' : 's'}. Load the file with \`/ticket_type import\`.`, files: [jsonFile(data, exportFileName('ticket-types', interaction.guildId))] });
    return;
  }
  const text = await downloadTextAttachment(interaction.options.getAttachment('file', true), { maxBytes: DEFAULT_MAX_IMPORT_BYTES });
  const result = importTicketTypes(ctx.core.db, types, interaction.guildId, text, { roleExists: (id) => interaction.guild.roles.cache.has(id) });
  await respond(interaction, `Imported ticket types: ${result.added} added, ${result.updated} updated. Post the panel again with \`/ticket_panel\` to show them.`);
}

const ticketType: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('ticket_type')
    .setDescription('Define the kinds of tickets members can open from the panel')
    .addSubcommand((s) => typeFields(s.setName('create').setDescription('Add a ticket type').addStringOption((o) => nameOption(o, false)), false))
    .addSubcommand((s) =>
      typeFields(
        s
          .setName('edit')
          .setDescription('Change a ticket type (options left out stay as they are)')
          .addStringOption((o) => nameOption(o, true))
          .addStringOption((o) => o.setName('new_name').setDescription('Rename it').setMaxLength(TYPE_LIMITS.name)),
        true,
      ),
    )
    .addSubcommand((s) => s.setName('delete').setDescription('Remove a ticket type (its tickets stay)').addStringOption((o) => nameOption(o, true)))
    .addSubcommand((s) => s.setName('list').setDescription('Show the ticket types'))
    .addSubcommand((s) => s.setName('export').setDescription('Download the ticket types as a JSON file'))
    .addSubcommand((s) =>
      s
        .setName('import')
        .setDescription('Load ticket types from a JSON export (same names are updated; all or nothing)')
        .addAttachmentOption((o) => o.setName('file').setDescription('A file made by /ticket_type export').setRequired(true)),
    ),
  access: 'manager',
  defer: true,
  async execute(interaction, ctx) {
    const guildId = interaction.guildId;
    const sub = interaction.options.getSubcommand();
    const types = ctx.core.desk.types;
    if (sub === 'list') {
      const list = types.list(guildId);
      if (list.length === 0) {
        await respond(interaction, 'This server has no ticket types: the panel shows one **Open ticket** button. Add types with `/ticket_type create`.');
        return;
      }
      const embed = new EmbedBuilder().setTitle('Ticket types').setColor(0x5865f2);
      embed.addFields(list.map((t) => ({ name: `${t.emoji ? `${t.emoji} ` : ''}${t.name}`.slice(0, 256), value: describeType(t).slice(0, 1024) })));
      await respond(interaction, { embeds: [embed] });
      return;
    }
    if (sub === 'export' || sub === 'import') return transferTypes(interaction, sub, ctx);
    const name = requireText(interaction.options.getString('name', true), 'Name', TYPE_LIMITS.name);
    if (sub === 'delete') {
      const removed = types.delete(guildId, name);
      await respond(interaction, `Removed the ticket type **${removed.name}**. Its tickets stay; post the panel again with \`/ticket_panel\` so the button goes.`);
      return;
    }
    const fields = readFields(interaction);
    let saved: TicketType;
    if (sub === 'create') saved = types.create(guildId, { ...fields, name });
    else {
      const newName = interaction.options.getString('new_name');
      saved = types.edit(guildId, name, { ...fields, ...(newName ? { name: newName } : {}) });
    }
    const privateHint =
      saved.private && !ctx.core.desk.settings.get(guildId).privateChannelId
        ? '\n⚠️ Private tickets need a text channel for their threads: choose it with `/ticket_settings private_channel`.'
        : '';
    await respond(interaction, `${sub === 'create' ? 'Added' : 'Updated'} the ticket type **${saved.name}**.\n${describeType(saved)}\nPost the panel again with \`/ticket_panel\` to show it.${privateHint}`);
  },
  autocomplete: suggestTypes,
};

export const ticketTypeCommands: SlashCommand[] = [ticketType];
export { suggestTypes };
