import { GatewayIntentBits, PermissionFlagsBits } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, missingPermissions } from './errors.js';
import { toAPIChannel, type ChannelRecord } from './model.js';
import type { World } from './world.js';

/**
 * Thread activity and archiving, as Discord applies them.
 *
 * - Threads archive themselves after `auto_archive_duration` minutes without activity; "activity is
 *   sending a message, unarchiving a thread, or changing the auto-archive time"
 *   (discord-api-docs developers/topics/threads.mdx, "Active & Archived Threads" / auto-archive paragraph;
 *   developers/resources/channel.mdx, thread metadata `auto_archive_duration`: 60, 1440, 4320, 10080).
 * - "Users cannot edit messages, add reactions, use application commands, or join archived threads"
 *   (threads.mdx). Discord's web and mobile clients therefore unarchive the thread as the member
 *   (PATCH archived:false) before sending the interaction (discord/discord-api-docs#8474); that
 *   needs only Send Messages when the thread is not locked (channel.mdx, Modify Channel, thread).
 * - In a locked thread, the interaction response is judged by the *member's* permissions: without
 *   Manage Threads the callback gets 403 50083 "Thread is archived" and the member sees "This
 *   interaction failed" (discord/discord-api-docs#5517, #7707).
 */

/** Marks activity: the auto-archive timer starts again. */
export function touchThread(channel: ChannelRecord, now = Date.now()): void {
  if (channel.thread) channel.thread.lastActivityAt = now;
}

function setArchived(world: World, channel: ChannelRecord, archived: boolean): void {
  const t = channel.thread!;
  t.archived = archived;
  t.archiveTimestamp = Date.now();
  if (!archived) touchThread(channel);
  world.dispatch('THREAD_UPDATE', toAPIChannel(channel), { intent: GatewayIntentBits.Guilds });
  world.changed();
}

/**
 * Before a member's interaction in an archived thread reaches the bot, their client unarchives the
 * thread. A locked thread stays archived (only Manage Threads may unarchive it) and the interaction
 * is still sent, as the desktop client does; its response is then checked by checkInteractionResponse.
 */
export function unarchiveForInteraction(world: World, channel: ChannelRecord, userId: string): void {
  const t = channel.thread;
  if (!t?.archived) return;
  if (t.locked) return;
  if (!world.can(channel, userId, PermissionFlagsBits.SendMessagesInThreads)) throw missingPermissions();
  setArchived(world, channel, false);
}

/** An interaction response (a message, or an update of one) in a thread: judged by the member who interacted. */
export function checkInteractionResponse(world: World, channel: ChannelRecord, memberId: string): void {
  const t = channel.thread;
  if (!t?.locked) return;
  if (!world.can(channel, memberId, PermissionFlagsBits.ManageThreads)) {
    throw new DiscordHttpError(403, ErrorCode.ArchivedThread, 'Thread is archived');
  }
}

/**
 * Archives idle threads. `minuteMs` is how long a minute of `auto_archive_duration` lasts (60,000
 * on Discord; tests shrink it). Checked on a timer and on demand (`archiveIdle`).
 */
export class ThreadArchiver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly world: World,
    readonly minuteMs: number,
  ) {}

  start(): void {
    const every = Math.max(5, Math.min(1000, Math.floor(this.minuteMs * 10)));
    this.timer = setInterval(() => this.archiveIdle(), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Archives every active thread idle for its `auto_archive_duration`; returns their ids. */
  archiveIdle(now = Date.now()): string[] {
    const archived: string[] = [];
    for (const c of this.world.channels.values()) {
      const t = c.thread;
      if (!t || c.deleted || t.archived) continue;
      if (now - t.lastActivityAt >= t.autoArchiveDuration * this.minuteMs) {
        setArchived(this.world, c, true);
        archived.push(c.id);
      }
    }
    return archived;
  }
}
