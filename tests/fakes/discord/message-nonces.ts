import { DiscordHttpError, ErrorCode } from './errors.js';

/**
 * Create Message's `enforce_nonce`, as discord-api-docs `developers/resources/message.mdx` (Create Message, JSON/Form
 * Params) states it: "If true and nonce is present, it will be checked for uniqueness in the past few minutes. If another
 * message was created by the same author with the same nonce, that message will be returned and no new message will be
 * created." The changelog (`developers/change-log.mdx`, "Enforced Nonces on Create Message Endpoint", 2024-02-12) says the
 * same: "deduped for the same sender within a few minutes".
 *
 * - The key is the author and the nonce, not the channel: the docs name no channel, so the fake does not scope by one
 *   (a bot must make a nonce unique to one logical message anyway).
 * - "A few minutes" is not given more exactly anywhere; `windowMs` (3 minutes by default) is the fake's reading, and
 *   tests may shrink it.
 * - A message created with the nonce and deleted since is not created again: the retry gets 404 10008 Unknown Message
 *   (the author of `enforce_nonce` in discord/discord-api-docs#6647: "That we don't try to recreate the message if it was
 *   created then subsequently deleted is intentional. The intent of this flow is to allow for a safe retry").
 * - Only Create Message takes it: "webhooks and interaction webhooks are a bit more intricate, so nothing imminently
 *   coming for those" (same thread), so interaction follow-ups are never deduped here.
 * - A returned message is not created, so no MESSAGE_CREATE goes out for it again.
 * - Nonces are compared as text (the docs allow an integer or a string and say nothing of 1 against "1").
 */
/** "The past few minutes": the fake's reading (see above). */
export const DEFAULT_NONCE_WINDOW_MS = 3 * 60_000;

export class MessageNonces {
  private readonly recent = new Map<string, { messageId: string; at: number }>();

  constructor(private readonly windowMs: number) {}

  /**
   * Create Message's dedupe: with `enforce_nonce` and a nonce this author used within the window, the message created
   * then (`find` looks it up by id: a channel's messages, or a DM's); otherwise `create`'s, remembered for its nonce.
   */
  createOnce<M extends { id: string }>(authorId: string, input: { nonce?: string | number; enforceNonce?: boolean }, find: (id: string) => M | undefined, create: () => M): M {
    const nonce = input.enforceNonce ? input.nonce : undefined;
    if (nonce === undefined) return create();
    const existing = this.existing(authorId, nonce, find);
    if (existing) return existing;
    const created = create();
    this.remember(authorId, nonce, created.id);
    return created;
  }

  /**
   * The message this author created with this nonce within the window, if any (`find` looks it up by id: a channel's
   * messages, or a DM's); throws 10008 when it was deleted since.
   */
  private existing<M extends object>(authorId: string, nonce: string | number, find: (id: string) => M | undefined, now = Date.now()): M | undefined {
    this.forgetOlderThan(now - this.windowMs);
    const seen = this.recent.get(key(authorId, nonce));
    if (!seen) return undefined;
    const message = find(seen.messageId);
    if (!message || ('deleted' in message && message.deleted === true)) throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    return message;
  }

  private remember(authorId: string, nonce: string | number, messageId: string, now = Date.now()): void {
    this.recent.set(key(authorId, nonce), { messageId, at: now });
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [k, v] of this.recent) if (v.at < cutoff) this.recent.delete(k);
  }
}

const key = (authorId: string, nonce: string | number) => `${authorId}\u0000${String(nonce)}`;
