import type { Message, ThreadChannel } from 'discord.js';
import { NO_MENTIONS } from '../reply.js';
import type { ShownStatus } from './shown-status.js';
import { editOnce, sendOnce } from '../channel-send.js';

/**
 * A private ticket shows its status in a pinned message at the top of its thread, where a forum ticket
 * has tags (a private thread lives in a text channel, which has no tags). Not the thread's name: Discord
 * allows 2 name changes per 10 minutes per thread, and a ticket can go Open → Answered → Needs staff →
 * Answered in a minute. A message edit is an ordinary message request (ARCHITECTURE.md, "Private tickets").
 */
export const STATUS_LINE_PREFIX = '📌 **Ticket status:**';

const STATUS_TEXT: Record<ShownStatus, string> = {
  open: '🟢 Open: the bot is answering',
  answered: '💬 Answered',
  needsStaff: '🙋 Waiting for staff',
  closed: '🔒 Closed',
};

export const statusLineText = (status: ShownStatus): string => `${STATUS_LINE_PREFIX} ${STATUS_TEXT[status]}`;

/** Posts the status line and pins it; a failed pin (no Pin Messages permission) leaves it unpinned, never the ticket unopened. */
export async function postStatusLine(thread: ThreadChannel, onPinFailed: (error: unknown) => void): Promise<Message> {
  const line = await sendOnce(thread, { content: statusLineText('open'), allowedMentions: NO_MENTIONS });
  await line.pin().catch(onPinFailed);
  return line;
}

/** The thread's status line: from discord.js's cache when the bot sent it in this run, else from the pins. */
async function findStatusLine(thread: ThreadChannel): Promise<Message | undefined> {
  const mine = (m: Message) => m.author.id === thread.client.user.id && m.content.startsWith(STATUS_LINE_PREFIX);
  const cached = thread.messages.cache.find(mine);
  if (cached) return cached;
  const pins = await thread.messages.fetchPins();
  return pins.items.map((p) => p.message).find(mine);
}

/** Shows `status` on a private ticket (the edit retried like every message request); a no-op when it already shows it or the line is gone. */
export async function setStatusLine(thread: ThreadChannel, status: ShownStatus): Promise<void> {
  const line = await findStatusLine(thread);
  const text = statusLineText(status);
  if (line && line.content !== text) await editOnce(line, { content: text, allowedMentions: NO_MENTIONS });
}
