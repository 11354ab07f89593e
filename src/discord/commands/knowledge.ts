import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, SlashCommandBuilder } from 'discord.js';
import type { AutocompleteInteraction, SlashCommandStringOption } from 'discord.js';
import { KNOWLEDGE_LIMITS, type KnowledgeBase } from '../../core/knowledge/store.js';
import { exportKnowledgeBase, importKnowledgeBase } from '../../core/knowledge/transfer.js';
import { DEFAULT_MAX_IMPORT_BYTES } from '../../core/transfer/import-file.js';
import { downloadTextAttachment, exportFileName, jsonFile } from '../attachments.js';
import { customId, parseIdArg } from '../components/custom-id.js';
import type { BotContext } from '../context.js';
import { CHOICE_LIMIT, clip, EMBED_LIMITS, fieldValue, joinLines, oneLine } from '../render/embed-text.js';
import { pageButtons, pageFooter, parsePage } from '../render/pagination.js';
import { NO_MENTIONS, respond } from '../reply.js';
import type { ComponentHandler, SlashCommand } from './command.js';
import { optionalText, requireText } from './options.js';

const VIEW_BUTTON = 'kv';
const DELETE_BUTTON = 'kbd';
const PAGE_SIZE = 10;
const SEARCH_RESULTS = 5;
const QUERY_MAX = 500;
/** Discord caps string options at 6000 characters; longer entries come in through /kb_import. */
const DISCORD_OPTION_MAX = 6000;
const TAGS_INPUT_MAX = KNOWLEDGE_LIMITS.tags * (KNOWLEDGE_LIMITS.tag + 2);
/** The autocomplete sends a knowledge base's id; a name typed by hand works too. */
const KB_OPTION_MAX = Math.max(KNOWLEDGE_LIMITS.name, 20);
const COLOR = 0x5865f2;

function kbOption(o: SlashCommandStringOption, description: string, required: boolean): SlashCommandStringOption {
  return o.setName('kb').setDescription(description).setMaxLength(KB_OPTION_MAX).setAutocomplete(true).setRequired(required);
}

/** The knowledge base an option names, in this server only; unknown is a clear error. */
function kbFromOption(ctx: BotContext, guildId: string, value: string): KnowledgeBase {
  return ctx.core.knowledge.resolve(guildId, requireText(value, 'Knowledge base', KB_OPTION_MAX));
}

async function suggestKnowledgeBases(interaction: AutocompleteInteraction<'cached'>, ctx: BotContext) {
  return ctx.core.knowledge
    .suggest(interaction.guildId, interaction.options.getFocused(), 25)
    .map((s) => ({ name: oneLine(s.label, CHOICE_LIMIT), value: s.value.slice(0, CHOICE_LIMIT) }));
}

function entriesLabel(n: number): string {
  return `${n} ${n === 1 ? 'entry' : 'entries'}`;
}

const kbCreate: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('kb_create')
    .setDescription('Create a knowledge base the AI can draw answers from')
    .addStringOption((o) => o.setName('name').setDescription('A short unique name, e.g. Billing').setMaxLength(KNOWLEDGE_LIMITS.name).setRequired(true))
    .addStringOption((o) => o.setName('description').setDescription('What it covers').setMaxLength(KNOWLEDGE_LIMITS.description)),
  access: 'staff',
  async execute(interaction, ctx) {
    const name = requireText(interaction.options.getString('name'), 'Name', KNOWLEDGE_LIMITS.name);
    const description = optionalText(interaction.options.getString('description'), 'Description', KNOWLEDGE_LIMITS.description);
    const kb = ctx.core.knowledge.create(interaction.guildId, { name, description, authorId: interaction.user.id });
    const embed = new EmbedBuilder()
      .setTitle(clip(`Knowledge base created: ${kb.name}`, EMBED_LIMITS.title))
      .setColor(0x57f287)
      .setDescription(clip(kb.description || '*No description.*', EMBED_LIMITS.description))
      .setFooter({ text: 'Add entries with /kb_add, or load a file with /kb_import.' });
    await respond(interaction, { embeds: [embed] });
  },
};

const kbAdd: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('kb_add')
    .setDescription('Add an entry to a knowledge base')
    .addStringOption((o) => kbOption(o, 'The knowledge base', true))
    .addStringOption((o) => o.setName('title').setDescription('What the entry is about').setMaxLength(KNOWLEDGE_LIMITS.title).setRequired(true))
    .addStringOption((o) =>
      o.setName('content').setDescription('The information itself').setMaxLength(Math.min(KNOWLEDGE_LIMITS.content, DISCORD_OPTION_MAX)).setRequired(true),
    )
    .addStringOption((o) => o.setName('tags').setDescription('Comma-separated tags').setMaxLength(TAGS_INPUT_MAX)),
  access: 'staff',
  async execute(interaction, ctx) {
    const kb = kbFromOption(ctx, interaction.guildId, interaction.options.getString('kb', true));
    const title = requireText(interaction.options.getString('title'), 'Title', KNOWLEDGE_LIMITS.title);
    const content = requireText(interaction.options.getString('content'), 'Content', KNOWLEDGE_LIMITS.content);
    const tags = optionalText(interaction.options.getString('tags'), 'Tags', TAGS_INPUT_MAX);
    const entry = ctx.core.knowledge.addEntry(interaction.guildId, kb.id, { title, content, tags, authorId: interaction.user.id });
    const embed = new EmbedBuilder()
      .setTitle(clip(`Added entry #${entry.id} to ${kb.name}`, EMBED_LIMITS.title))
      .setColor(0x57f287)
      .addFields(
        { name: 'Title', value: fieldValue(entry.title) },
        { name: 'Content', value: fieldValue(entry.content) },
        { name: 'Tags', value: fieldValue(entry.tags.map((t) => `\`${t}\``).join(' ')) },
      );
    await respond(interaction, { embeds: [embed] });
  },
  autocomplete: suggestKnowledgeBases,
};

const kbList: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('kb_list')
    .setDescription('List this server’s knowledge bases'),
  access: 'staff',
  async execute(interaction, ctx) {
    const kbs = ctx.core.knowledge.list(interaction.guildId);
    const embed = new EmbedBuilder().setTitle('Knowledge bases').setColor(COLOR);
    if (kbs.length === 0) {
      embed.setDescription('No knowledge bases yet. Create one with `/kb_create`, then add entries with `/kb_add` or `/kb_import`.');
    } else {
      const lines = kbs.map((kb) => `**${oneLine(kb.name, 60)}** · ${entriesLabel(kb.entryCount)}${kb.description ? `\n${oneLine(kb.description, 200)}` : ''}`);
      const total = kbs.reduce((sum, kb) => sum + kb.entryCount, 0);
      embed.setDescription(joinLines(lines, EMBED_LIMITS.description)).setFooter({ text: `${kbs.length} knowledge base${kbs.length === 1 ? '' : 's'} · ${entriesLabel(total)}` });
    }
    await respond(interaction, { embeds: [embed] });
  },
};

/** One page of a knowledge base's entries, with its Prev/Next buttons (`kv:<page>:<kbId>`). */
function kbPageView(ctx: BotContext, guildId: string, kb: KnowledgeBase, page: number) {
  const result = ctx.core.knowledge.listEntries(guildId, kb.id, { page, pageSize: PAGE_SIZE });
  const embed = new EmbedBuilder().setTitle(clip(`Knowledge base: ${kb.name}`, EMBED_LIMITS.title)).setColor(COLOR);
  if (result.total === 0) {
    embed.setDescription(`**${kb.name}** has no entries yet. Add one with \`/kb_add\`, or load a file with \`/kb_import\`.`);
    return { embeds: [embed], components: [] };
  }
  const lines = result.entries.map((e) => `**#${e.id}** ${oneLine(e.title, 120)}\n${oneLine(e.content, 200)}`);
  embed.setDescription(joinLines(lines, EMBED_LIMITS.description)).setFooter({ text: pageFooter(result.page, result.pageCount, result.total, 'entries') });
  return { embeds: [embed], components: pageButtons(VIEW_BUTTON, result.page, result.pageCount, kb.id) };
}

const kbView: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('kb_view')
    .setDescription('Show the entries of a knowledge base, 10 per page')
    .addStringOption((o) => kbOption(o, 'The knowledge base', true))
    .addIntegerOption((o) => o.setName('page').setDescription('Page number (default 1)').setMinValue(1)),
  access: 'staff',
  async execute(interaction, ctx) {
    const kb = kbFromOption(ctx, interaction.guildId, interaction.options.getString('kb', true));
    await respond(interaction, kbPageView(ctx, interaction.guildId, kb, interaction.options.getInteger('page') ?? 1));
  },
  autocomplete: suggestKnowledgeBases,
};

const kbViewButtons: ComponentHandler = {
  prefix: VIEW_BUTTON,
  access: 'staff',
  async handleButton(interaction, args, ctx) {
    // resolve() looks the id up in this server only: an id from elsewhere is "not found".
    const kb = ctx.core.knowledge.resolve(interaction.guildId, args[1] ?? '');
    await interaction.update({ ...kbPageView(ctx, interaction.guildId, kb, parsePage(args[0])), allowedMentions: NO_MENTIONS });
  },
};

const kbSearch: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('kb_search')
    .setDescription('Search the knowledge bases')
    .addStringOption((o) => o.setName('query').setDescription('Words to look for').setMaxLength(QUERY_MAX).setRequired(true))
    .addStringOption((o) => kbOption(o, 'Only this knowledge base (default: all)', false)),
  access: 'staff',
  async execute(interaction, ctx) {
    const query = requireText(interaction.options.getString('query'), 'Query', QUERY_MAX);
    const kbValue = interaction.options.getString('kb');
    const kb = kbValue ? kbFromOption(ctx, interaction.guildId, kbValue) : undefined;
    const hits = ctx.core.knowledge.search(interaction.guildId, query, { kbId: kb?.id, limit: SEARCH_RESULTS });
    const embed = new EmbedBuilder().setTitle(clip(`Search: ${oneLine(query, 200)}`, EMBED_LIMITS.title)).setColor(COLOR);
    if (hits.length === 0) {
      embed.setDescription(
        `Nothing matched${kb ? ` in **${kb.name}**` : ''}. Try other words, or add entries with \`/kb_add\`.`,
      );
    } else {
      embed.addFields(
        hits.map((hit) => ({
          name: clip(`#${hit.entry.id} ${oneLine(hit.entry.title, 150)} — ${hit.kbName}`, EMBED_LIMITS.fieldName),
          value: fieldValue(`${hit.snippet}\n*score ${hit.score.toFixed(2)}*`),
        })),
      );
      embed.setFooter({ text: kb ? `In ${kb.name}` : 'In all knowledge bases' });
    }
    await respond(interaction, { embeds: [embed] });
  },
  autocomplete: suggestKnowledgeBases,
};

function fileSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'kb'
  );
}

const kbExport: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('kb_export')
    .setDescription('Download a knowledge base as a JSON file')
    .addStringOption((o) => kbOption(o, 'The knowledge base', true)),
  access: 'staff',
  defer: true,
  async execute(interaction, ctx) {
    const kb = kbFromOption(ctx, interaction.guildId, interaction.options.getString('kb', true));
    const data = exportKnowledgeBase(ctx.core.knowledge, interaction.guildId, kb.id);
    const file = jsonFile(data, exportFileName(`kb-${fileSlug(kb.name)}`, interaction.guildId));
    await respond(interaction, {
      content: `Exported **${kb.name}** with ${entriesLabel(kb.entryCount)}. Load the file into a server with \`/kb_import\`.`,
      files: [file],
    });
  },
  autocomplete: suggestKnowledgeBases,
};

const kbImport: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('kb_import')
    .setDescription('Load a knowledge base from a JSON export (all or nothing)')
    .addAttachmentOption((o) => o.setName('file').setDescription('A file made by /kb_export').setRequired(true))
    .addStringOption((o) => kbOption(o, 'Add the entries to this knowledge base (default: the one named in the file)', false)),
  access: 'staff',
  defer: true,
  async execute(interaction, ctx) {
    // An id from the autocomplete or a name; a name not found yet becomes a new knowledge base.
    const targetKb = optionalText(interaction.options.getString('kb'), 'Knowledge base', KB_OPTION_MAX);
    const attachment = interaction.options.getAttachment('file', true);
    const text = await downloadTextAttachment(attachment, { maxBytes: DEFAULT_MAX_IMPORT_BYTES });
    const result = importKnowledgeBase(ctx.core.db, interaction.guildId, text, { targetKb, authorId: interaction.user.id });
    const kb = result.knowledgeBase;
    await respond(
      interaction,
      `Imported into **${kb.name}**: ${result.added} added, ${result.skipped} skipped (already there). It now has ${entriesLabel(kb.entryCount)}.`,
    );
  },
  autocomplete: suggestKnowledgeBases,
};

const kbDelete: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('kb_delete')
    .setDescription('Delete a knowledge base and all its entries (asks first)')
    .addStringOption((o) => kbOption(o, 'The knowledge base', true)),
  access: 'staff',
  async execute(interaction, ctx) {
    const kb = kbFromOption(ctx, interaction.guildId, interaction.options.getString('kb', true));
    const embed = new EmbedBuilder()
      .setTitle(clip(`Delete ${kb.name}?`, EMBED_LIMITS.title))
      .setColor(0xed4245)
      .setDescription(`This deletes the knowledge base **${kb.name}** and its ${entriesLabel(kb.entryCount)}. It cannot be undone; \`/kb_export\` first keeps a copy.`);
    const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customId(DELETE_BUTTON, 'yes', kb.id)).setLabel('Delete').setStyle(ButtonStyle.Danger),
      new ButtonBuilder().setCustomId(customId(DELETE_BUTTON, 'no')).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
    );
    await respond(interaction, { embeds: [embed], components: [buttons] });
  },
  autocomplete: suggestKnowledgeBases,
};

/** The confirmation buttons: `kbd:yes:<kbId>` deletes (in this server only), `kbd:no` cancels. */
const kbDeleteButtons: ComponentHandler = {
  prefix: DELETE_BUTTON,
  access: 'staff',
  async handleButton(interaction, args, ctx) {
    const done = (description: string, color: number) =>
      interaction.update({ embeds: [new EmbedBuilder().setDescription(description).setColor(color)], components: [], allowedMentions: NO_MENTIONS });
    if (args[0] !== 'yes') return void (await done('Cancelled: nothing was deleted.', 0x99aab5));
    const kbId = parseIdArg(args[1]);
    const kb = kbId !== undefined ? ctx.core.knowledge.get(interaction.guildId, kbId) : undefined;
    if (!kb) return void (await done('That knowledge base no longer exists: nothing was deleted.', 0x99aab5));
    const { entriesDeleted } = ctx.core.knowledge.delete(interaction.guildId, kb.id);
    await done(`Deleted the knowledge base **${kb.name}** and its ${entriesLabel(entriesDeleted)}.`, 0xed4245);
  },
};

export const knowledgeCommands: SlashCommand[] = [kbCreate, kbAdd, kbList, kbView, kbSearch, kbExport, kbImport, kbDelete];
export const knowledgeComponents: ComponentHandler[] = [kbViewButtons, kbDeleteButtons];
