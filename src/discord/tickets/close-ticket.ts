import type { ThreadChannel } from 'discord.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { BotContext } from '../context.js';
import { postTranscriptToLog } from '../support/transcripts.js';
import { setStatusTag } from './forum-tags.js';

/** Closes a ticket: the closing message, the Closed tag, then the thread archived and locked. */
export async function closeTicketThread(
  thread: ThreadChannel,
  input: { closedBy: string; reason: string | null },
  settings: GuildSettings,
  ctx: BotContext,
  announce: (text: string) => Promise<void>,
): Promise<void> {
  ctx.core.tickets.close(thread.guildId, thread.id, input);
  await announce(`🔒 Ticket closed by <@${input.closedBy}>.${input.reason ? `\n**Reason:** ${input.reason}` : ''}`);
  await setStatusTag(thread, settings, 'closed');
  await thread.edit({ locked: true, archived: true });
  await postTranscriptToLog(thread, settings, ctx);
}
