import { ChannelType } from 'discord.js';
import type { ThreadChannel } from 'discord.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { BotContext } from '../context.js';
import { offerSurvey } from '../support/survey.js';
import { postTranscriptToLog } from '../support/transcripts.js';
import { finishClosingInDiscord } from './close-in-discord.js';

/**
 * Closes a ticket: the database first (so nothing new is answered), the answers still being
 * written stopped, the closing message, then the post in Discord (buttons off, Closed tag,
 * locked and archived) and the transcript. When Discord refuses a step the ticket stays closed
 * for the bot and is listed for the retry at start-up and in the sweep; the returned problems say
 * exactly what is missing, for the caller to tell whoever closed it.
 */
export async function closeTicketThread(
  thread: ThreadChannel,
  input: { closedBy: string; reason: string | null },
  settings: GuildSettings,
  ctx: BotContext,
  announce: (text: string) => Promise<void>,
): Promise<string[]> {
  const ticket = ctx.core.closing.close(thread.guildId, thread.id, input);
  await ctx.liveAnswers.stopAll(thread.id, 'closing');
  // The ticket is closed in the database now: a closing message that cannot be sent must not leave the post open.
  const notAnnounced = await announce(`🔒 Ticket closed by <@${input.closedBy}>.${input.reason ? `\n**Reason:** ${input.reason}` : ''}${transcriptOffer(thread)}`).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  const problems = await finishClosingInDiscord(thread, ticket.id, settings, ctx);
  await postTranscriptToLog(thread, settings, ctx);
  await offerSurvey(thread, ticket, ctx);
  if (notAnnounced) throw notAnnounced.error;
  return problems;
}

/** A private ticket's transcript goes to no channel; its member may ask for it by DM (a closed thread takes no commands). */
function transcriptOffer(thread: ThreadChannel): string {
  if (thread.type !== ChannelType.PrivateThread) return '';
  return `\n📄 Want a copy? Run \`/ticket_transcript\` with \`ticket:\` <#${thread.id}> in any channel: it comes to you by direct message.`;
}

/** The words for whoever closed the ticket when Discord did not follow. */
export function closeProblemsText(problems: readonly string[]): string {
  return `⚠️ The ticket is closed for the bot, but its post is not closed in Discord yet. ${problems.join(' ')}`;
}
