import { MessageFlags, RESTJSONErrorCodes } from 'discord.js';
import { isWorthRetrying, retryWhileOutcomeUnknown, type RetryPolicy } from './unknown-outcome.js';
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

/** An interaction token works for 15 minutes (discord-api-docs `interactions/receiving-and-responding.mdx`); stop short of that. */
const TOKEN_LIFETIME_MS = 15 * 60_000 - 10_000;

/**
 * Sends one reply call (`send`), again after a short wait while its outcome is unknown (a dropped connection or a lasting
 * 5xx: `retryWhileOutcomeUnknown`), only while the interaction's token lives. Either may have lost only Discord's
 * answer, so a retry must not show the member anything twice:
 * - The first answer (callback) can be taken once per interaction: a retry that Discord refuses with 40060 "Interaction
 *   has already been acknowledged" (`topics/opcodes-and-status-codes.mdx`, JSON Error Codes;
 *   `interactions/receiving-and-responding.mdx`, Responding to an Interaction) means the earlier attempt arrived:
 *   `arrived()` records that, and the call counts as delivered, not failed.
 * - An edit (of `@original` or the clicked message) sets the same content again: repeating it changes nothing.
 * - A follow-up takes no nonce: see `followUpOnce`.
 */
async function sendWithRetry<T>(interaction: Pick<BaseInteraction, 'id' | 'createdTimestamp' | 'client'>, send: () => Promise<T>, arrived?: () => void): Promise<T | undefined> {
  const policy: RetryPolicy = {
    kind: 'interaction reply',
    client: interaction.client,
    mayWait: (delay) => Date.now() + delay < interaction.createdTimestamp + TOKEN_LIFETIME_MS,
    earlierAttemptArrived: (error) => {
      if (!arrived || (error as { code?: unknown }).code !== RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged) return false;
      arrived();
      return true;
    },
  };
  return retryWhileOutcomeUnknown(send, policy);
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
    await followUpOnce(interaction, { ...withMentions, flags } as InteractionReplyOptions, ephemeral);
  } else {
    await sendWithRetry(
      interaction,
      () => interaction.reply({ ...withMentions, flags } as InteractionReplyOptions),
      () => (interaction.replied = true),
    );
  }
}

/** The follow-ups this run has seen Discord create, per interaction: a retry's search must not mistake one for its own. */
const followUpsSeen = new WeakMap<RepliableInteraction, Set<string>>();

/**
 * A follow-up (Execute Webhook), retried like any reply. Discord gives it no way to be made safe: only Create Message
 * takes `enforce_nonce` ("webhooks and interaction webhooks are a bit more intricate", discord/discord-api-docs#6647),
 * and a follow-up's id comes only in the answer that was lost. So before a retry of a public follow-up the bot looks
 * for it in the channel: a message of this interaction carrying `interaction_metadata.original_response_message_id`
 * ("present only on follow-up messages", discord-api-docs `resources/message.mdx`, Message Interaction Metadata), with
 * the same text, that this run has not seen yet. Found, the follow-up had arrived. An ephemeral follow-up cannot be
 * looked up, and is sent again: the usual drop (a stale keep-alive connection) loses the request before Discord sees
 * it, so the rare lost answer costs that member the same private note twice, where not retrying would cost the note.
 */
async function followUpOnce(interaction: RepliableInteraction, options: InteractionReplyOptions, ephemeral: boolean): Promise<void> {
  const seen = followUpsSeen.get(interaction) ?? new Set<string>();
  followUpsSeen.set(interaction, seen);
  let attempts = 0;
  await sendWithRetry(interaction, async () => {
    if (attempts++ > 0 && !ephemeral && (await followUpArrived(interaction, options.content ?? '', seen))) return;
    seen.add((await interaction.followUp(options)).id);
  });
}

async function followUpArrived(interaction: RepliableInteraction, content: string, seen: ReadonlySet<string>): Promise<boolean> {
  // A channel the bot cannot read (empty without Read Message History, refused without View Channel) finds nothing,
  // and the follow-up is sent again; a dropped connection or a 5xx here is retried like the follow-up itself.
  const recent = await interaction.channel?.messages.fetch({ limit: 20 }).catch((error: unknown) => {
    if (isWorthRetrying(error)) throw error;
    return undefined;
  });
  return [...(recent?.values() ?? [])].some(
    (m) => m.interactionMetadata?.id === interaction.id && m.interactionMetadata.originalResponseMessageId !== null && m.content === content && !seen.has(m.id),
  );
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
