import { randomBytes } from 'node:crypto';
import type { Client, Message, MessageCreateOptions } from 'discord.js';
import { retryDropped } from './dropped-connection.js';

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
export function onceOptions(nonce: string): Pick<MessageCreateOptions, 'nonce' | 'enforceNonce'> {
  return { nonce, enforceNonce: true };
}

/** Anything the bot posts in: a ticket's thread, a text channel, a DM. */
export interface SendableChannel {
  readonly id: string;
  readonly client: Client;
  send(options: MessageCreateOptions): Promise<Message>;
}

/**
 * Posts one message, again after a short wait when the connection dropped (dropped-connection.ts), every attempt with
 * the same nonce: when Discord had created the message and only its answer was lost, the retry gets that message back
 * and the channel shows it once.
 */
export async function sendOnce(channel: SendableChannel, options: MessageCreateOptions, nonce = newMessageNonce()): Promise<Message> {
  return retryDropped(() => channel.send({ ...options, ...onceOptions(nonce) }), { kind: 'channel message', client: channel.client });
}
