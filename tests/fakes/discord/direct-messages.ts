/**
 * Direct messages: the bot opens a DM channel with a user and sends to it; a user may have DMs closed.
 *
 * Every rule here is from discord/discord-api-docs:
 * - developers/resources/user.mdx, "Create DM" (POST /users/@me/channels): "Create a new DM channel with a user.
 *   Returns a DM channel object", JSON param `recipient_id` (snowflake). Discord keeps one DM channel per pair of
 *   users, so asking again returns the same channel (discord.js relies on this: it caches it as the user's dmChannel).
 * - developers/resources/channel.mdx, "Channel Types": DM = 1, "a direct message between users"; a DM channel object
 *   has `recipients` (array of user objects) and `last_message_id`, and no `guild_id`.
 * - developers/topics/opcodes-and-status-codes.mdx, "JSON Error Codes": 50007 "Cannot send messages to this user".
 *   Opening the channel succeeds; it is the message that Discord refuses (HTTP 403) when the member has turned off
 *   "Allow direct messages from server members" or blocked the bot, which `closeDms(userId)` models, and, the same
 *   way, when the user shares no server with the bot any more (left or was kicked): *undocumented*, as library
 *   maintainers report it (discordjs/discord.js#5499: "bot does not share a guild with the recipient";
 *   discord-jda/JDA#1202: "the user … left the server before it sent the request").
 * A DM is not a guild channel, so it lives here and not in the world's guild channels: guild permissions do not apply.
 */
import { ChannelType, MessageType } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, invalidFormBody } from './errors.js';
import { MAX_FILE_BYTES, type MessageInput } from './message-input.js';
import { snowflakeTime } from './snowflake.js';
import { iso, toAPIUser } from './model.js';
import type { RestReply, Router } from './rest-server.js';
import type { World } from './world.js';

export interface DirectMessageView {
  id: string;
  channelId: string;
  content: string;
  components: unknown[];
  attachments: { filename: string; contentType: string; data: Buffer }[];
}

export interface DmChannel {
  id: string;
  recipientId: string;
  messages: DirectMessageView[];
}

export class DirectMessages {
  private readonly byId = new Map<string, DmChannel>();
  private readonly byRecipient = new Map<string, DmChannel>();
  private readonly closed = new Set<string>();

  constructor(private readonly world: World) {}

  has(channelId: string): boolean {
    return this.byId.has(channelId);
  }

  /** As if the member turned off DMs from server members (or blocked the bot): sends answer 403 50007. */
  setDmsOpen(userId: string, open: boolean): void {
    if (open) this.closed.delete(userId);
    else this.closed.add(userId);
  }

  /** What the user received by DM from the bot, oldest first. */
  messagesTo(userId: string): DirectMessageView[] {
    return [...(this.byRecipient.get(userId)?.messages ?? [])];
  }

  open(recipientId: unknown): DmChannel {
    if (typeof recipientId !== 'string' || !/^\d+$/.test(recipientId)) {
      throw invalidFormBody([{ path: ['recipient_id'], code: 'NUMBER_TYPE_COERCE', message: `Value "${String(recipientId)}" is not snowflake.` }]);
    }
    this.world.user(recipientId); // 404 10013 Unknown User
    const existing = this.byRecipient.get(recipientId);
    if (existing) return existing;
    const channel = { id: this.world.ids.next(), recipientId, messages: [] };
    this.byId.set(channel.id, channel);
    this.byRecipient.set(recipientId, channel);
    return channel;
  }

  apiChannel(c: DmChannel) {
    const last = c.messages.at(-1);
    return { id: c.id, type: ChannelType.DM, last_message_id: last?.id ?? null, flags: 0, recipients: [toAPIUser(this.world.user(c.recipientId))] };
  }

  /** POST /channels/{dm}/messages by the bot; `enforce_nonce` applies as in any channel (message-nonces.ts). */
  send(channelId: string, input: MessageInput): Record<string, unknown> {
    const channel = this.byId.get(channelId)!;
    if (this.closed.has(channel.recipientId) || !this.sharesServerWithBot(channel.recipientId)) {
      throw new DiscordHttpError(403, ErrorCode.CannotSendToUser, 'Cannot send messages to this user');
    }
    const message = this.world.nonces.createOnce(this.world.botUserId, input, (id) => this.find(id)?.message, () => this.post(channel, input));
    return this.apiMessage(message);
  }

  private sharesServerWithBot(userId: string): boolean {
    return [...this.world.guilds.values()].some((g) => g.members.has(userId) && g.members.has(this.world.botUserId));
  }

  /**
   * An interaction response in a DM (a reply, or an update of the message the button sits on). It answers the
   * member's own click, so DM privacy settings do not stop it (interactions/receiving-and-responding.mdx: the
   * response goes to the channel the interaction came from).
   */
  respond(channelId: string, input: MessageInput, updateMessageId?: string): DirectMessageView {
    const channel = this.byId.get(channelId)!;
    if (!updateMessageId) return this.post(channel, input);
    const m = channel.messages.find((x) => x.id === updateMessageId)!;
    if (input.content !== undefined) m.content = input.content;
    if (input.components !== undefined) m.components = input.components;
    return m;
  }

  /** The DM message `messageId` and its channel, for a click on it. */
  find(messageId: string): { channel: DmChannel; message: DirectMessageView } | undefined {
    for (const channel of this.byId.values()) {
      const message = channel.messages.find((m) => m.id === messageId);
      if (message) return { channel, message };
    }
    return undefined;
  }

  private post(channel: DmChannel, input: MessageInput): DirectMessageView {
    const empty = !input.content?.trim() && !input.embeds?.length && !input.components?.length && input.newAttachments.length === 0;
    if (empty) throw new DiscordHttpError(400, ErrorCode.EmptyMessage, 'Cannot send an empty message');
    const message: DirectMessageView = {
      id: this.world.ids.next(),
      channelId: channel.id,
      content: input.content ?? '',
      components: input.components ?? [],
      attachments: input.newAttachments.map((a) => ({ filename: a.filename, contentType: a.contentType, data: a.data })),
    };
    channel.messages.push(message);
    return message;
  }

  apiMessage(message: DirectMessageView): Record<string, unknown> {
    return {
      id: message.id,
      type: MessageType.Default,
      channel_id: message.channelId,
      author: toAPIUser(this.world.user(this.world.botUserId)),
      content: message.content,
      timestamp: iso(snowflakeTime(message.id)),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: message.attachments.map((a, i) => ({ id: `${message.id}${i}`, filename: a.filename, content_type: a.contentType, size: a.data.length, url: `${this.world.baseUrl()}/dm-attachments/${message.id}/${i}`, proxy_url: '' })),
      embeds: [],
      components: message.components,
      pinned: false,
      flags: 0,
    };
  }

  /**
   * The INTERACTION_CREATE fields of a click in a DM: no `guild_id` and no `member`, the clicking `user` instead,
   * `context` 1 = BOT_DM (interactions/receiving-and-responding.mdx, Interaction Object: "member … sent when the
   * interaction is invoked in a guild, and user when invoked in a DM"; Interaction Context Types).
   */
  interactionFields(channel: DmChannel, userId: string): Record<string, unknown> {
    return {
      application_id: this.world.applicationId,
      version: 1,
      channel: this.apiChannel(channel),
      channel_id: channel.id,
      user: toAPIUser(this.world.user(userId)),
      app_permissions: '0',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': '0' },
      context: 1,
      attachment_size_limit: MAX_FILE_BYTES,
    };
  }
}

/** POST /users/@me/channels (Create DM). Sends go through the channel messages route, which asks `has()` first. */
export function registerDirectMessageRoutes(router: Router, dms: DirectMessages): void {
  router.add('POST', '/users/@me/channels', (r): RestReply => {
    const body = (r.body ?? {}) as Record<string, unknown>;
    return { status: 200, body: dms.apiChannel(dms.open(body.recipient_id)) };
  });
}
