import { AttachmentBuilder, ChannelType } from 'discord.js';
import type { Guild, ThreadChannel } from 'discord.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { Transcript } from '../../core/support/transcript.js';
import type { BotContext } from '../context.js';
import { NO_MENTIONS } from '../reply.js';
import { sendOnce } from '../channel-send.js';

/** A ticket's transcript as a Markdown file, with the names Discord knows; undefined if it is not a ticket. */
export function transcriptFile(ctx: BotContext, guild: Guild, threadId: string): { transcript: Transcript; file: AttachmentBuilder } | undefined {
  const transcript = ctx.core.support.transcripts.build(guild.id, threadId, {
    user: (id) => guild.members.cache.get(id)?.displayName ?? ctx.client.users.cache.get(id)?.username,
    bot: ctx.client.user.username,
  });
  if (!transcript) return undefined;
  const file = new AttachmentBuilder(Buffer.from(transcript.markdown, 'utf8'), { name: transcript.fileName, description: `Transcript of ticket #${transcript.ticket.id}` });
  return { transcript, file };
}

/** One line naming the ticket and how it ended, above the file. */
export function transcriptCaption(transcript: Transcript): string {
  const { ticket } = transcript;
  const closed =
    ticket.status === 'closed'
      ? ` — closed${ticket.closedBy ? ` by <@${ticket.closedBy}>` : ''}${ticket.closeReason ? ` (${ticket.closeReason})` : ''}`
      : ' — still open';
  return `📄 Transcript of ticket #${ticket.id} **${ticket.subject}** in <#${ticket.threadId}>, opened by <@${ticket.ownerId}>${closed}.`;
}

/** On close: the transcript goes to the log channel chosen in /setup, if any. Failures are logged, never thrown. */
export async function postTranscriptToLog(thread: ThreadChannel, settings: GuildSettings, ctx: BotContext): Promise<void> {
  if (!settings.logChannelId) return;
  const log = ctx.core.logger.child({ module: 'transcripts', threadId: thread.id });
  try {
    const channel = await thread.guild.channels.fetch(settings.logChannelId);
    if (!channel || channel.type !== ChannelType.GuildText) {
      log.warn({ logChannelId: settings.logChannelId }, 'the log channel from /setup is gone or not a text channel; transcript not posted');
      return;
    }
    const built = transcriptFile(ctx, thread.guild, thread.id);
    if (!built) return;
    await sendOnce(channel, { content: transcriptCaption(built.transcript), files: [built.file], allowedMentions: NO_MENTIONS });
  } catch (error) {
    log.warn({ err: error }, 'could not post the transcript to the log channel');
  }
}
