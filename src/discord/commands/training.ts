import { EmbedBuilder } from 'discord.js';
import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import { UserError } from '../../core/errors.js';
import { TRAINING_LIMITS, type TrainingEntry } from '../../core/training/store.js';
import { exportTraining, importTraining } from '../../core/training/transfer.js';
import { DEFAULT_MAX_IMPORT_BYTES } from '../../core/transfer/import-file.js';
import { downloadTextAttachment, exportFileName, jsonFile } from '../attachments.js';
import type { BotContext } from '../context.js';
import { CHOICE_LIMIT, clip, EMBED_LIMITS, fieldValue, joinLines, oneLine } from '../render/embed-text.js';
import { pageButtons, pageFooter, parsePage } from '../render/pagination.js';
import { entriesToReviewField } from '../render/entries-to-review.js';
import { NO_MENTIONS, respond } from '../reply.js';
import type { ComponentHandler, SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';
import { requireTrainingEnabled } from './guards.js';
import { optionalText, requireText } from './options.js';
import { attachment, integer, text } from './option-schema.js';

const LIST_BUTTON = 'tl';
const PAGE_SIZE = 10;
/** Discord caps string options at 6000 characters; longer answers come in through /import_training. */
const DISCORD_OPTION_MAX = 6000;
/** A comma-separated list of the allowed number of tags at their longest. */
const TAGS_INPUT_MAX = TRAINING_LIMITS.tags * (TRAINING_LIMITS.tag + 2);
const COLOR = 0x5865f2;

function tagsText(tags: readonly string[]): string {
  return tags.length ? tags.map((t) => `\`${t}\``).join(' ') : '—';
}

/** The fields every view of one entry shows. */
function entryEmbed(title: string, entry: TrainingEntry): EmbedBuilder {
  return new EmbedBuilder()
    .setTitle(clip(title, EMBED_LIMITS.title))
    .setColor(COLOR)
    .addFields(
      { name: 'Question', value: fieldValue(entry.question) },
      { name: 'Answer', value: fieldValue(entry.answer) },
      { name: 'Category', value: fieldValue(entry.category), inline: true },
      { name: 'Tags', value: fieldValue(tagsText(entry.tags)), inline: true },
    );
}

const train = defineCommand({
  name: 'train',
  description: 'Teach the bot an answer to a question',
  access: 'staff',
  options: {
    question: text({ description: 'The question as members ask it', maxLength: TRAINING_LIMITS.question, required: true }),
    answer: text({ description: 'The answer the bot gives', maxLength: Math.min(TRAINING_LIMITS.answer, DISCORD_OPTION_MAX), required: true }),
    category: text({ description: 'A category such as billing (default: general)', maxLength: TRAINING_LIMITS.category }),
    tags: text({ description: 'Comma-separated tags, e.g. refund, payment', maxLength: TAGS_INPUT_MAX }),
  },
  async execute(interaction, ctx, options) {
    requireTrainingEnabled(ctx);
    const guildId = interaction.guildId;
    const question = requireText(options.question, 'Question', TRAINING_LIMITS.question);
    const answer = requireText(options.answer, 'Answer', TRAINING_LIMITS.answer);
    const category = optionalText(options.category, 'Category', TRAINING_LIMITS.category);
    const tags = optionalText(options.tags, 'Tags', TAGS_INPUT_MAX);

    // Looked up before adding, or the new entry would be its own closest match.
    const similar = ctx.core.matcher.match(guildId, question, 1)[0];
    const entry = ctx.core.training.add(guildId, { question, answer, category, tags, authorId: interaction.user.id });
    const embed = entryEmbed(`Trained entry #${entry.id}`, entry).setFooter({ text: 'Members who ask something similar now get this answer.' });
    if (similar && similar.score >= ctx.core.thresholds.trainedAnswer) {
      embed.addFields({
        name: '⚠️ Possible duplicate',
        value: fieldValue(
          `Entry #${similar.entryId} already answers a similar question (score ${similar.score.toFixed(2)}): “${oneLine(similar.question, 200)}”. ` +
            `If it is the same, remove one with \`/training_delete id:${similar.entryId}\`.`,
        ),
      });
    }
    await respond(interaction, { embeds: [embed] });
  },
});

/** One page of the list, with its Prev/Next buttons; `page` is clamped by the store. */
function trainingListView(ctx: BotContext, guildId: string, category: string | undefined, page: number) {
  const result = ctx.core.training.list(guildId, { category, page, pageSize: PAGE_SIZE });
  const title = category ? `Trained answers in “${category}”` : 'Trained answers';
  const embed = new EmbedBuilder().setTitle(clip(title, EMBED_LIMITS.title)).setColor(COLOR);
  if (result.total === 0) {
    embed.setDescription(
      category
        ? `No trained answers in the category “${category}”. Add one with \`/train\` and \`category:${category}\`, or list all categories with \`/training_stats\`.`
        : 'No trained answers yet. Add one with `/train question:… answer:…`, or load a file with `/import_training`.',
    );
    return { embeds: [embed], components: [] };
  }
  const lines = result.entries.map(
    (e) => `**#${e.id}** · ${oneLine(e.category, 50)} · used ${e.usageCount}×\n${oneLine(e.question, 150)}\n↳ ${oneLine(e.answer, 150)}`,
  );
  embed.setDescription(joinLines(lines, EMBED_LIMITS.description)).setFooter({ text: pageFooter(result.page, result.pageCount, result.total, 'entries') });
  return { embeds: [embed], components: pageButtons(LIST_BUTTON, result.page, result.pageCount, category ?? '') };
}

const trainingList = defineCommand({
  name: 'training_list',
  description: 'List trained answers, 10 per page',
  access: 'staff',
  options: {
    category: text({ description: 'Only this category', maxLength: TRAINING_LIMITS.category, autocomplete: true }),
    page: integer({ description: 'Page number (default 1)', minValue: 1 }),
  },
  async execute(interaction, ctx, options) {
    const category = optionalText(options.category, 'Category', TRAINING_LIMITS.category)?.toLowerCase();
    await respond(interaction, trainingListView(ctx, interaction.guildId, category, options.page ?? 1));
  },
  async autocomplete(interaction, ctx) {
    const typed = interaction.options.getFocused().trim().toLowerCase();
    return ctx.core.training
      .categories(interaction.guildId)
      .filter(({ category }) => category.includes(typed) && category.length <= CHOICE_LIMIT)
      .slice(0, 25)
      .map(({ category, count }) => ({ name: oneLine(`${category} (${count})`, CHOICE_LIMIT), value: category }));
  },
});

/** Prev/Next on the list: `tl:<page>:<category>` (a category may itself hold colons). */
const trainingListButtons: ComponentHandler = {
  prefix: LIST_BUTTON,
  access: 'staff',
  async handleButton(interaction, args, ctx) {
    const category = args.slice(1).join(':') || undefined;
    await interaction.update({ ...trainingListView(ctx, interaction.guildId, category, parsePage(args[0])), allowedMentions: NO_MENTIONS });
  },
};

const trainingDelete = defineCommand({
  name: 'training_delete',
  description: 'Delete a trained answer',
  access: 'staff',
  options: {
    id: integer({ description: 'The entry number (type words of the question to find it)', minValue: 1, required: true, autocomplete: true }),
  },
  async execute(interaction, ctx, { id }) {
    const entry = ctx.core.training.get(interaction.guildId, id);
    if (!entry) throw new UserError(`There is no trained entry #${id} in this server. \`/training_list\` shows the numbers.`);
    ctx.core.training.delete(interaction.guildId, id);
    await respond(interaction, { embeds: [entryEmbed(`Deleted trained entry #${entry.id}`, entry).setColor(0xed4245)] });
  },
  async autocomplete(interaction, ctx): Promise<ApplicationCommandOptionChoiceData[]> {
    const typed = String(interaction.options.getFocused());
    return ctx.core.training.suggest(interaction.guildId, typed, 25).map((s) => ({ name: oneLine(s.label, CHOICE_LIMIT), value: s.id }));
  },
});

const trainingStats = defineCommand({
  name: 'training_stats',
  description: 'How much the bot has been trained, and which answers are used most',
  access: 'staff',
  async execute(interaction, ctx) {
    const stats = ctx.core.training.stats(interaction.guildId);
    const categories = stats.byCategory.map(({ category, count }) => `${oneLine(category, 60)} — ${count}`);
    const mostUsed = stats.mostUsed.map((e) => `**#${e.id}** (${e.usageCount}×) ${oneLine(e.question, 120)}`);
    const embed = new EmbedBuilder()
      .setTitle('Training statistics')
      .setColor(COLOR)
      .addFields(
        { name: 'Trained answers', value: String(stats.total), inline: true },
        { name: 'Answers given from training', value: String(stats.answeredFromTraining), inline: true },
        { name: 'By category', value: fieldValue(joinLines(categories, EMBED_LIMITS.fieldValue)) },
        { name: 'Most used', value: fieldValue(mostUsed.length ? joinLines(mostUsed, EMBED_LIMITS.fieldValue) : 'No trained answer has been used yet.') },
      );
    if (stats.total === 0) embed.setDescription('Nothing trained yet: add answers with `/train`, or load a file with `/import_training`.');
    const review = entriesToReviewField(ctx.core.support.votes.entriesToReview(interaction.guildId));
    if (review) embed.addFields(review);
    await respond(interaction, { embeds: [embed] });
  },
});

const exportTrainingCommand = defineCommand({
  name: 'export_training',
  description: 'Download every trained answer as a JSON file',
  access: 'staff',
  defer: true,
  async execute(interaction, ctx) {
    const data = exportTraining(ctx.core.training, interaction.guildId);
    const count = data.entries.length;
    if (count === 0) throw new UserError('There are no trained answers to export yet. Add some with `/train`.');
    const file = jsonFile(data, exportFileName('training', interaction.guildId));
    await respond(interaction, {
      content: `Exported ${count} trained answer${count === 1 ? '' : 's'}. Load the file into a server with \`/import_training\`.`,
      files: [file],
    });
  },
});

const importTrainingCommand = defineCommand({
  name: 'import_training',
  description: 'Load trained answers from a JSON export (all or nothing)',
  access: 'staff',
  defer: true,
  options: {
    file: attachment({ description: 'A file made by /export_training', required: true }),
  },
  async execute(interaction, ctx, { file }) {
    requireTrainingEnabled(ctx);
    const json = await downloadTextAttachment(file, { maxBytes: DEFAULT_MAX_IMPORT_BYTES });
    const result = importTraining(ctx.core.db, interaction.guildId, json, { authorId: interaction.user.id });
    await respond(
      interaction,
      `Imported: ${result.added} added, ${result.updated} updated, ${result.skipped} skipped (already the same). ` +
        `This server now has ${ctx.core.training.count(interaction.guildId)} trained answers.`,
    );
  },
});

export const trainingCommands: SlashCommand[] = [train, trainingList, trainingDelete, trainingStats, exportTrainingCommand, importTrainingCommand];
export const trainingComponents: ComponentHandler[] = [trainingListButtons];
