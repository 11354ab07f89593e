import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import type { AutocompleteInteraction } from 'discord.js';
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
import { defineCommand } from './define-command.js';
import { optionalText, requireText } from './options.js';
import { attachment, integer, text } from './option-schema.js';

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

/** The `kb` option: a knowledge base, autocompleted. */
function kbOption<const R extends boolean>(description: string, required: R) {
  return text({ description, maxLength: KB_OPTION_MAX, autocomplete: true, required });
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

const kbCreate = defineCommand({
  name: 'kb_create',
  description: 'Create a knowledge base the AI can draw answers from',
  access: 'staff',
  options: {
    name: text({ description: 'A short unique name, e.g. Billing', maxLength: KNOWLEDGE_LIMITS.name, required: true }),
    description: text({ description: 'What it covers', maxLength: KNOWLEDGE_LIMITS.description }),
  },
  async execute(interaction, ctx, options) {
    const name = requireText(options.name, 'Name', KNOWLEDGE_LIMITS.name);
    const description = optionalText(options.description, 'Description', KNOWLEDGE_LIMITS.description);
    const kb = ctx.core.knowledge.create(interaction.guildId, { name, description, authorId: interaction.user.id });
    const embed = new EmbedBuilder()
      .setTitle(clip(`Knowledge base created: ${kb.name}`, EMBED_LIMITS.title))
      .setColor(0x57f287)
      .setDescription(clip(kb.description || '*No description.*', EMBED_LIMITS.description))
      .setFooter({ text: 'Add entries with /kb_add, or load a file with /kb_import.' });
    await respond(interaction, { embeds: [embed] });
  },
});

const kbAdd = defineCommand({
  name: 'kb_add',
  description: 'Add an entry to a knowledge base',
  access: 'staff',
  options: {
    kb: kbOption('The knowledge base', true),
    title: text({ description: 'What the entry is about', maxLength: KNOWLEDGE_LIMITS.title, required: true }),
    content: text({ description: 'The information itself', maxLength: Math.min(KNOWLEDGE_LIMITS.content, DISCORD_OPTION_MAX), required: true }),
    tags: text({ description: 'Comma-separated tags', maxLength: TAGS_INPUT_MAX }),
  },
  async execute(interaction, ctx, options) {
    const kb = kbFromOption(ctx, interaction.guildId, options.kb);
    const title = requireText(options.title, 'Title', KNOWLEDGE_LIMITS.title);
    const content = requireText(options.content, 'Content', KNOWLEDGE_LIMITS.content);
    const tags = optionalText(options.tags, 'Tags', TAGS_INPUT_MAX);
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
});

const kbList = defineCommand({
  name: 'kb_list',
  description: 'List this server’s knowledge bases',
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
});

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

const kbView = defineCommand({
  name: 'kb_view',
  description: 'Show the entries of a knowledge base, 10 per page',
  access: 'staff',
  options: {
    kb: kbOption('The knowledge base', true),
    page: integer({ description: 'Page number (default 1)', minValue: 1 }),
  },
  async execute(interaction, ctx, options) {
    const kb = kbFromOption(ctx, interaction.guildId, options.kb);
    await respond(interaction, kbPageView(ctx, interaction.guildId, kb, options.page ?? 1));
  },
  autocomplete: suggestKnowledgeBases,
});

const kbViewButtons: ComponentHandler = {
  prefix: VIEW_BUTTON,
  access: 'staff',
  async handleButton(interaction, args, ctx) {
    // resolve() looks the id up in this server only: an id from elsewhere is "not found".
    const kb = ctx.core.knowledge.resolve(interaction.guildId, args[1] ?? '');
    await interaction.update({ ...kbPageView(ctx, interaction.guildId, kb, parsePage(args[0])), allowedMentions: NO_MENTIONS });
  },
};

const kbSearch = defineCommand({
  name: 'kb_search',
  description: 'Search the knowledge bases',
  access: 'staff',
  options: {
    query: text({ description: 'Words to look for', maxLength: QUERY_MAX, required: true }),
    kb: kbOption('Only this knowledge base (default: all)', false),
  },
  async execute(interaction, ctx, options) {
    const query = requireText(options.query, 'Query', QUERY_MAX);
    const kb = options.kb ? kbFromOption(ctx, interaction.guildId, options.kb) : undefined;
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
});

function fileSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'kb'
  );
}

const kbExport = defineCommand({
  name: 'kb_export',
  description: 'Download a knowledge base as a JSON file',
  access: 'staff',
  defer: true,
  options: {
    kb: kbOption('The knowledge base', true),
  },
  async execute(interaction, ctx, options) {
    const kb = kbFromOption(ctx, interaction.guildId, options.kb);
    const data = exportKnowledgeBase(ctx.core.knowledge, interaction.guildId, kb.id);
    const file = jsonFile(data, exportFileName(`kb-${fileSlug(kb.name)}`, interaction.guildId));
    await respond(interaction, {
      content: `Exported **${kb.name}** with ${entriesLabel(kb.entryCount)}. Load the file into a server with \`/kb_import\`.`,
      files: [file],
    });
  },
  autocomplete: suggestKnowledgeBases,
});

const kbImport = defineCommand({
  name: 'kb_import',
  description: 'Load a knowledge base from a JSON export (all or nothing)',
  access: 'staff',
  defer: true,
  options: {
    file: attachment({ description: 'A file made by /kb_export', required: true }),
    kb: kbOption('Add the entries to this knowledge base (default: the one named in the file)', false),
  },
  async execute(interaction, ctx, options) {
    // An id from the autocomplete or a name; a name not found yet becomes a new knowledge base.
    const targetKb = optionalText(options.kb, 'Knowledge base', KB_OPTION_MAX);
    const json = await downloadTextAttachment(options.file, { maxBytes: DEFAULT_MAX_IMPORT_BYTES });
    const result = importKnowledgeBase(ctx.core.db, interaction.guildId, json, { targetKb, authorId: interaction.user.id });
    const kb = result.knowledgeBase;
    await respond(
      interaction,
      `Imported into **${kb.name}**: ${result.added} added, ${result.skipped} skipped (already there). It now has ${entriesLabel(kb.entryCount)}.`,
    );
  },
  autocomplete: suggestKnowledgeBases,
});

const kbDelete = defineCommand({
  name: 'kb_delete',
  description: 'Delete a knowledge base and all its entries (asks first)',
  access: 'staff',
  options: {
    kb: kbOption('The knowledge base', true),
  },
  async execute(interaction, ctx, options) {
    const kb = kbFromOption(ctx, interaction.guildId, options.kb);
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
});

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
