import { MessageFlags, RESTJSONErrorCodes } from 'discord.js';
import type {
  BaseInteraction,
  InteractionEditReplyOptions,
  InteractionReplyOptions,
  InteractionUpdateOptions,
  MessageComponentInteraction,
  ModalMessageModalSubmitInteraction,
  RepliableInteraction,
} from 'discord.js';

/** No message of ours pings anyone unless a caller says so explicitly. */
export const NO_MENTIONS = { parse: [] as [] };

export type ReplyPayload = string | (Omit<InteractionReplyOptions, 'flags'> & InteractionEditReplyOptions);

/**
 * Errors that mean the connection under a request failed, not that Discord refused it. The usual one: Discord closed
 * an idle keep-alive connection while the bot was busy (a long synchronous import), and the next request written onto
 * it fails with undici's `SocketError: other side closed`, code `UND_ERR_SOCKET` (nodejs/undici lib/core/errors.js;
 * lib/dispatcher/client-h1.js, the socket's 'end' listener; nodejs/undici#2320, #3492). discord.js retries a failed
 * request by itself only for `AbortError` (its own 15 s timeout) and `ECONNRESET`, up to `rest.retries` (3)
 * (discordjs/discord.js packages/rest/src/lib/utils/utils.ts `shouldRetry`, handlers/Shared.ts `makeNetworkRequest`),
 * so UND_ERR_SOCKET reaches us, and so does an ECONNRESET once its retries are spent. The others here fail before the
 * request was sent (refused, connect timeout, broken pipe).
 */
const DROPPED_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

export function isDroppedConnection(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DROPPED_CONNECTION_CODES.has(code)) return true;
    if (e instanceof Error && e.message === 'other side closed') return true;
  }
  return false;
}

/** Waits before each retry of a reply whose connection dropped: short, as a fresh connection is usually fine at once. */
export const REPLY_RETRY_DELAYS_MS = [200, 800, 2000] as const;
/** An interaction token works for 15 minutes (discord-api-docs `interactions/receiving-and-responding.mdx`); stop short of that. */
const TOKEN_LIFETIME_MS = 15 * 60_000 - 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends one reply call (`send`), again after a short wait when its connection dropped, at most
 * `REPLY_RETRY_DELAYS_MS.length` more times and only while the interaction's token lives. A retried first answer
 * (callback) that Discord refuses with 40060 "already acknowledged" had in fact arrived: `arrived()` records that, and
 * the call counts as delivered. Edits are safe to repeat; a follow-up repeated after a connection that dropped *after*
 * Discord took it could show twice, which beats the staff member never seeing the result.
 */
export async function sendWithRetry<T>(interaction: Pick<BaseInteraction, 'id' | 'createdTimestamp' | 'client'>, send: () => Promise<T>, arrived?: () => void): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt > 0 && arrived && (error as { code?: unknown }).code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged) {
        arrived();
        return undefined;
      }
      const delay = REPLY_RETRY_DELAYS_MS[attempt];
      const withinLifetime = delay !== undefined && Date.now() + delay < interaction.createdTimestamp + TOKEN_LIFETIME_MS;
      if (!isDroppedConnection(error) || !withinLifetime) throw error;
      interaction.client.emit('debug', `Reply to interaction ${interaction.id}: connection dropped (${String(error)}); retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
}

/**
 * Answers an interaction whatever state it is in: first reply, after a defer (edit the
 * deferred reply), or after a reply (follow-up). Discord rejects a second initial reply, so
 * every handler answers through here. A dropped connection is retried (`sendWithRetry`).
 */
export async function respond(interaction: RepliableInteraction, payload: ReplyPayload, ephemeral = true): Promise<void> {
  const options = typeof payload === 'string' ? { content: payload } : payload;
  const withMentions = { allowedMentions: NO_MENTIONS, ...options };
  const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
  if (interaction.deferred) {
    await sendWithRetry(interaction, () => interaction.editReply(withMentions));
  } else if (interaction.replied) {
    await sendWithRetry(interaction, () => interaction.followUp({ ...withMentions, flags } as InteractionReplyOptions));
  } else {
    await sendWithRetry(
      interaction,
      () => interaction.reply({ ...withMentions, flags } as InteractionReplyOptions),
      () => (interaction.replied = true),
    );
  }
}

/** Defers the first answer ("thinking…"), retried like any reply. */
export async function deferReply(interaction: RepliableInteraction, ephemeral: boolean): Promise<void> {
  await sendWithRetry(
    interaction,
    () => interaction.deferReply({ flags: ephemeral ? MessageFlags.Ephemeral : undefined }),
    () => (interaction.deferred = true),
  );
}

/** Replaces the message a button or modal came from (callback type 7), retried like any reply. */
export async function updateMessage(
  interaction: MessageComponentInteraction | ModalMessageModalSubmitInteraction,
  payload: InteractionUpdateOptions,
): Promise<void> {
  await sendWithRetry(
    interaction,
    () => interaction.update({ allowedMentions: NO_MENTIONS, ...payload }),
    () => (interaction.replied = true),
  );
}
