import { randomBytes } from 'node:crypto';
import { RESTJSONErrorCodes, type Client, type Message, type MessageCreateOptions, type MessageEditOptions } from 'discord.js';
import { retryWhileOutcomeUnknown } from './unknown-outcome.js';

/**
 * A fresh nonce for one logical message. Create Message's `nonce` is "integer or string … (up to 25 characters)" and,
 * with `enforce_nonce`, "If another message was created by the same author with the same nonce, that message will be
 * returned and no new message will be created" within "the past few minutes" (discord-api-docs
 * `developers/resources/message.mdx`, Create Message). The key is the author, not the channel, so the nonce must be
 * unique across the bot's messages everywhere, and across restarts: 15 random bytes (20 base64url characters) are.
 */
export function newMessageNonce(): string {
  return randomBytes(15).toString('base64url');
}

/** The options that make a repeated Create Message return the first message instead of posting it again. */
function onceOptions(nonce: string): Pick<MessageCreateOptions, 'nonce' | 'enforceNonce'> {
  return { nonce, enforceNonce: true };
}

/** Anything the bot posts in: a ticket's thread, a text channel, a DM. */
export interface SendableChannel {
  readonly id: string;
  readonly client: Client;
  send(options: MessageCreateOptions): Promise<Message>;
}

/**
 * Posts one message, again after a short wait when the connection dropped or Discord answered 5xx
 * (unknown-outcome.ts), every attempt with the same nonce: when Discord had created the message and only its answer
 * was lost, the retry gets that message back and the channel shows it once. A caller that may post the same logical
 * message again later (a streamed answer's part, after its retries were spent) passes the nonce it keeps for it.
 */
export async function sendOnce(channel: SendableChannel, options: MessageCreateOptions, nonce = newMessageNonce()): Promise<Message> {
  return retryWhileOutcomeUnknown(() => channel.send({ ...options, ...onceOptions(nonce) }), { kind: 'channel message', client: channel.client });
}

/**
 * Edits one of the bot's messages, retried like `sendOnce`. An edit sets the message's content outright, so sending it
 * again after an attempt that did arrive changes nothing.
 */
export async function editOnce(message: Pick<Message, 'client' | 'edit'>, options: MessageEditOptions): Promise<void> {
  await retryWhileOutcomeUnknown(() => message.edit(options), { kind: 'message edit', client: message.client });
}

/**
 * Deletes one of the bot's messages, retried like `sendOnce`. When a lost attempt did delete it, the retry gets 404
 * 10008 Unknown Message (discord-api-docs `topics/opcodes-and-status-codes.mdx`, JSON Error Codes): the message is
 * gone as asked, so that counts as done, not as an error.
 */
export async function deleteOnce(message: Pick<Message, 'client' | 'delete'>): Promise<void> {
  await retryWhileOutcomeUnknown(() => message.delete(), {
    kind: 'message delete',
    client: message.client,
    earlierAttemptArrived: (error: unknown) => (error as { code?: unknown }).code === RESTJSONErrorCodes.UnknownMessage,
  });
}
