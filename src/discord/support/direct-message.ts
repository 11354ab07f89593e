import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import type { MessageCreateOptions, User } from 'discord.js';
import { NO_MENTIONS } from '../reply.js';
import { sendOnce } from '../channel-send.js';

/** What a DM attempt came to: sent, or refused because the member does not take DMs from this server or bot. */
export type DirectMessageResult = 'sent' | 'dms-closed';

/** The words for a member whose DMs are closed, telling them how to open them. */
export const DMS_CLOSED_TEXT =
  'I could not send you a direct message: your DMs are closed to this server. Turn on **Allow direct messages from server members** (this server’s Privacy Settings), then ask again.';

/**
 * Sends `payload` to the member by DM. Discord opens the DM channel either way and refuses the message with
 * 403 50007 "Cannot send messages to this user" when the member has DMs from server members turned off or has
 * blocked the bot: that is an answer about the member, not a failure, so it is returned; anything else throws.
 */
export async function sendDirectMessage(user: User, payload: MessageCreateOptions): Promise<DirectMessageResult> {
  try {
    await sendOnce(user, { allowedMentions: NO_MENTIONS, ...payload });
    return 'sent';
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser) return 'dms-closed';
    throw error;
  }
}
