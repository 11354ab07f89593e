import type { RestReply } from './rest-server.js';

/** Name or topic edits a channel accepts per window. */
const MAX_EDITS = 2;
const WINDOW_MS = 10 * 60 * 1000;

/**
 * Discord's own limit on renaming channels: at most 2 changes of a channel's name or topic per 10
 * minutes; the third gets a 429 whose wait runs until the oldest edit is 10 minutes old. Discord
 * does not document it ("we do not typically document rate limits", discord/discord-api-docs#2760);
 * it was announced in the developers' server and is confirmed in discord/discord-api-docs#2208,
 * discord.py#9073 ("Channel name and topic edits have a 2/10 minutes") and JDA#1306.
 */
export class ChannelRenameLimit {
  private readonly edits = new Map<string, number[]>();

  /** undefined when the edit may go ahead; a 429 reply when it would be the third in 10 minutes. */
  check(channelId: string, body: unknown, now = Date.now()): RestReply | undefined {
    if (!touchesNameOrTopic(body)) return undefined;
    const recent = (this.edits.get(channelId) ?? []).filter((at) => now - at < WINDOW_MS);
    this.edits.set(channelId, recent);
    if (recent.length < MAX_EDITS) return undefined;
    const retryMs = recent[0]! + WINDOW_MS - now;
    return {
      status: 429,
      headers: { 'retry-after': String(Math.ceil(retryMs / 1000)), 'x-ratelimit-scope': 'shared' },
      body: { message: 'You are being rate limited.', retry_after: Number((retryMs / 1000).toFixed(3)), global: false },
    };
  }

  /** Records a name or topic edit that Discord accepted. */
  record(channelId: string, body: unknown, now = Date.now()): void {
    if (touchesNameOrTopic(body)) this.edits.set(channelId, [...(this.edits.get(channelId) ?? []), now]);
  }
}

function touchesNameOrTopic(body: unknown): boolean {
  const b = body as Record<string, unknown> | null;
  return typeof b === 'object' && b !== null && ('name' in b || 'topic' in b);
}
