import type { AnswerThresholds } from '../../core/answer-thresholds.js';
import fs from 'node:fs';
import { EmbedBuilder } from 'discord.js';
import type { EmbedModelStatus } from '../../core/ai/embeddings.js';
import { canonicalModelName, type HostStatus } from '../../core/ai/host-pool.js';
import type { AiFailureKind, AiHealth } from '../../core/ai/ollama.js';
import type { MatchCandidate } from '../../core/matching/matcher.js';
import type { Answer } from '../../core/responder.js';
import { formatBytes } from '../attachments.js';
import { formatDuration } from '../render/duration.js';
import { clip, EMBED_LIMITS, fieldValue, joinLines, oneLine } from '../render/embed-text.js';
import { respond } from '../reply.js';
import type { ComponentHandler, SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';
import { text } from './option-schema.js';
import { requireText } from './options.js';

/** A ticket message is at most 2000 characters in Discord; a test message is one. */
const TEST_MESSAGE_MAX = 2000;

/** The database file plus its write-ahead log, which holds recent writes until a checkpoint. */
function databaseBytes(path: string): number | undefined {
  const size = (file: string) => {
    try {
      return fs.statSync(file).size;
    } catch {
      return undefined;
    }
  };
  const main = size(path);
  return main === undefined ? undefined : main + (size(`${path}-wal`) ?? 0);
}

function ollamaSummary(health: AiHealth, embedModel: string | undefined): string {
  if (!health.reachable) return `❌ Not reachable — answers come from training and knowledge bases.\n${health.error ?? ''}`.trim();
  const lines = [`✅ Reachable${health.version ? ` (version ${health.version})` : ''}`];
  if (!health.modelPulled) lines.push(`❌ Model \`${health.model}\` is not pulled: run \`ollama pull ${health.model}\``);
  else if (health.modelCannotChat) lines.push(`❌ Model \`${health.model}\` cannot chat (${health.modelCannotChat}): set OLLAMA_MODEL to a chat model, e.g. \`llama3\``);
  else lines.push(`✅ Model \`${health.model}\` is pulled`);
  if ((health.hosts?.length ?? 0) > 1) lines.push(...health.hosts!.map((host) => hostLine(host, [health.model, embedModel])));
  return lines.join('\n');
}

/** One host of OLLAMA_URL: usable or skipped, which of the bot's models it has, its load. */
function hostLine(host: HostStatus, models: (string | undefined)[]): string {
  if (!host.reachable) return `❌ ${host.host}: skipped until its health check passes (${host.error ?? 'not reachable'})`;
  const wanted = models.filter((m): m is string => m !== undefined);
  const missing = wanted.filter((m) => !host.models?.includes(canonicalModelName(m)));
  const has = missing.length === 0 ? `has ${wanted.map((m) => `\`${m}\``).join(', ')}` : `no ${missing.map((m) => `\`${m}\``).join(', ')} (pull there)`;
  const version = host.version ? ` (version ${host.version})` : '';
  return `${missing.length === 0 ? '✅' : '⚠️'} ${host.host}${version}: ${has}, ${host.active} request${host.active === 1 ? '' : 's'} in progress`;
}

/** OLLAMA_EMBED_MODEL: usable or why not, and how far the server's entries are embedded. */
function semanticSummary(check: EmbedModelStatus | undefined, waiting: number, skipped: number): string {
  if (!check) return 'Off (no OLLAMA_EMBED_MODEL): tickets are matched by their words alone.';
  const model = `\`${check.model}\``;
  let state: string;
  if (!check.reachable) state = `❌ ${model}: Ollama is not reachable; matching by words alone until it is.`;
  else if (!check.pulled) state = `❌ Embedding model ${model} is not pulled: run \`ollama pull ${check.model}\``;
  else if (check.embedding === false) state = `❌ ${model} is not an embedding model: set OLLAMA_EMBED_MODEL to one, e.g. \`nomic-embed-text\``;
  else state = `✅ Embedding model ${model} is ready (texts fitted to ${check.contextKnown ? '' : 'an assumed '}${check.contextTokens} tokens; long knowledge entries embedded in parts)`;
  // Entries, not parts: the queue holds entries, and a long entry's parts are embedded together.
  const lines = [state, `Entries of this server waiting to be embedded: ${waiting}`];
  if (skipped > 0) lines.push(`Texts Ollama refused to embed since start (each part of a long entry counts; see the log): ${skipped}`);
  return lines.join('\n');
}

const status = defineCommand({
  name: 'status',
  description: 'Bot health: latency, uptime, Ollama, database',
  access: 'staff',
  defer: true,
  async execute(interaction, ctx) {
    const { core, client } = ctx;
    const guildId = interaction.guildId;
    const [health, embedCheck] = await Promise.all([core.ai.health(), core.ai.embeddings?.check()]);
    const ping = client.ws.ping;
    const bytes = databaseBytes(core.config.DB_PATH);
    const knowledge = core.knowledge.stats(guildId);
    const healthy = health.reachable && health.modelPulled && !health.modelCannotChat;
    const embed = new EmbedBuilder()
      .setTitle('Bot status')
      .setColor(healthy ? 0x57f287 : 0xfee75c)
      .addFields(
        { name: 'Discord latency', value: ping >= 0 ? `${Math.round(ping)} ms` : 'measuring…', inline: true },
        { name: 'Uptime', value: formatDuration(Date.now() - core.startedAt), inline: true },
        { name: 'Answers in progress', value: `${core.responder.inFlight()} (${core.ai.queueLength()} waiting for the AI)`, inline: true },
        { name: 'Ollama', value: fieldValue(ollamaSummary(health, core.ai.embedModel)) },
        { name: 'Semantic search', value: fieldValue(semanticSummary(embedCheck, core.semantic.queued(guildId), core.ai.embeddings?.skipped() ?? 0)) },
        {
          name: 'Database',
          value: [
            `Size: ${bytes === undefined ? 'unknown' : formatBytes(bytes)}`,
            `Trained answers: ${core.training.count(guildId)}`,
            `Knowledge bases: ${knowledge.knowledgeBases} (${knowledge.entries} entries)`,
            `Open tickets: ${core.tickets.countOpen(guildId)}`,
          ].join('\n'),
        },
        {
          name: 'Thresholds',
          value: [
            `Trained answer used as is at confidence ≥ ${core.thresholds.trainedAnswer}`,
            `Trained entries given to the AI as context at confidence ≥ ${core.thresholds.trainingContext}`,
            `Knowledge entries found by meaning given to the AI at similarity ≥ ${core.thresholds.knowledgeSimilarity}`,
          ].join('\n'),
        },
      )
      .setFooter({ text: 'Counts are for this server.' });
    await respond(interaction, { embeds: [embed] });
  },
});

const FAILURE_WORDS: Record<AiFailureKind, string> & Record<string, string | undefined> = {
  down: 'Ollama is not reachable',
  timeout: 'Ollama did not answer in time',
  busy: 'Ollama is busy',
  model_missing: 'the model is not pulled',
  stream_cut: 'the answer was cut off',
  aborted: 'the request was cancelled',
  answer_limit: 'the model reasoned until OLLAMA_MAX_ANSWER_TOKENS and wrote no answer',
  ended_early: 'Ollama ended the answer early (the model kept repeating itself)',
  error: 'Ollama failed',
};

function sourceSummary(answer: Answer): string {
  const source = answer.source;
  switch (source.kind) {
    case 'trained':
      return `**Trained answer** #${source.trainingEntryId}, given as is.`;
    case 'ai':
      return `**AI** (\`${source.model}\`)${source.complete ? '' : ', cut off before it finished'}.`;
    case 'knowledge': {
      const from = source.trainingEntryId !== undefined ? `trained entry #${source.trainingEntryId}` : `knowledge-base entry #${source.kbEntryIds.join(', #')}`;
      return `**Help entry** (the AI is unavailable): ${from}.`;
    }
    case 'fallback':
      return `**Fallback**: a hand-off to staff, because ${FAILURE_WORDS[source.reason] ?? 'the AI failed'} and no entry was close enough.`;
  }
}

/** The /test_ai report: the answer as the description, the reasons as fields, within every embed limit. */
export function testAiEmbed(
  message: string,
  answer: Answer,
  thresholds: Pick<AnswerThresholds, 'trainedAnswer' | 'trainingContext'>,
  /** The closest trained entries whatever their score, shown when none was close enough to use. */
  closest: readonly MatchCandidate[] = [],
): EmbedBuilder {
  const line = (e: MatchCandidate) => `#${e.entryId} · ${e.score.toFixed(2)} · ${oneLine(e.question, 100)}`;
  const trained = answer.trainingEntries.length
    ? answer.trainingEntries.map(line)
    : closest.length
      ? [`none close enough; the closest (not used):`, ...closest.map(line)]
      : [];
  const kb = answer.kbEntries.map((e) => `#${e.entryId} · ${e.score.toFixed(2)} · ${oneLine(e.kbName, 40)}: ${oneLine(e.title, 80)}`);
  const fields = [
    { name: 'Message', value: fieldValue(message) },
    { name: 'Source', value: fieldValue(sourceSummary(answer)) },
    {
      name: 'Best trained score',
      value: `${answer.score.toFixed(2)} (used as is at ≥ ${thresholds.trainedAnswer}; given to the AI as context at ≥ ${thresholds.trainingContext})`,
    },
    { name: 'Trained entries considered', value: fieldValue(trained.length ? joinLines(trained, EMBED_LIMITS.fieldValue) : 'none close enough') },
    { name: 'Knowledge-base entries considered', value: fieldValue(kb.length ? joinLines(kb, EMBED_LIMITS.fieldValue) : 'none close enough') },
  ];
  const title = 'What the bot would answer';
  const footer = 'Preview only: nothing was stored or sent to a ticket.';
  const used = title.length + footer.length + fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const room = Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - used);
  return new EmbedBuilder()
    .setTitle(title)
    .setColor(answer.source.kind === 'fallback' ? 0xfee75c : 0x5865f2)
    .setDescription(clip(answer.text.trim() === '' ? '—' : answer.text, room))
    .addFields(fields)
    .setFooter({ text: footer });
}

const testAi = defineCommand({
  name: 'test_ai',
  description: 'Show what the bot would answer to a message here, and why',
  access: 'staff',
  defer: true,
  options: {
    message: text({ description: 'A message as a member would write it', maxLength: TEST_MESSAGE_MAX, required: true }),
  },
  async execute(interaction, ctx, options) {
    const message = requireText(options.message, 'Message', TEST_MESSAGE_MAX);
    const answer = await ctx.core.responder.preview(interaction.guildId, message);
    const closest = answer.trainingEntries.length ? [] : ctx.core.matcher.match(interaction.guildId, message, 3);
    const embed = testAiEmbed(message, answer, ctx.core.thresholds, closest);
    await respond(interaction, { embeds: [embed] });
  },
});

export const systemCommands: SlashCommand[] = [status, testAi];
export const systemComponents: ComponentHandler[] = [];
