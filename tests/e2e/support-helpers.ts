import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { MessageView } from '../fakes/discord/index.js';
import type { BotContext } from '../../src/discord/context.js';
import { AnswerOrder } from '../../src/discord/tickets/answer-order.js';
import { LiveAnswers } from '../../src/discord/tickets/live-answers.js';
import type { BotWorld } from './harness.js';

/** Settings that make a trained question's own wording answer from training whatever the matcher's calibration. */
export const TRAINED_ENV = { TRAINED_ANSWER_THRESHOLD: '0.5', TRAINING_CONTEXT_THRESHOLD: '0.3' };

/** The bot's messages in a channel (a world, or any holder of the fake Discord, such as a bot process's scene). */
export const botMessages = (w: Pick<BotWorld, 'fake'>, channelId: string) => w.fake.messages(channelId).filter((m) => m.author.bot);

export function tagNames(w: BotWorld, threadId: string): (string | undefined)[] {
  const forum = w.fake.channel(w.forumId);
  return w.fake.channel(threadId).appliedTags.map((id) => forum.availableTags.find((t) => t.id === id)?.name);
}

/** Every button's custom id on a message. */
export function buttonIds(message: MessageView): string[] {
  return (message.components as { components?: { custom_id?: string }[] }[]).flatMap((row) => (row.components ?? []).map((c) => c.custom_id ?? ''));
}

/**
 * /setup with a staff log channel, and the server made ready for private tickets as SETUP.md advises: staff may
 * see every private thread (Manage Threads), and a text channel will hold them (for /ticket_settings, left to
 * the test). Both channels exist, and the bot knows them, before /setup; returns their ids.
 */
export async function setUpForPrivateTickets(w: BotWorld): Promise<{ privateChannelId: string; logChannelId: string }> {
  w.fake.setRolePermissions(w.guildId, w.staffRoleId, PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageThreads);
  const privateChannelId = w.fake.createChannel(w.guildId, { type: ChannelType.GuildText, name: 'private-tickets' }).id;
  const logChannelId = w.fake.createChannel(w.guildId, { type: ChannelType.GuildText, name: 'ticket-logs' }).id;
  await w.fake.waitFor(() => w.bot.client.channels.cache.has(logChannelId) && w.bot.client.channels.cache.has(privateChannelId), 3000);
  await (await w.command('setup', { forum: w.forumId, staff_role: w.staffRoleId, log_channel: logChannelId })).waitForResponse();
  return { privateChannelId, logChannelId };
}

/** A member's own forum post (a ticket), without waiting for the bot; returns the thread id. */
export function postTicket(w: BotWorld, title: string, content: string, userId = w.memberId): string {
  return w.fake.createForumPostAsUser({ forumId: w.forumId, userId, title, content }).thread.id;
}

/** A member's own forum post (a ticket); resolves once the bot's answer carries its buttons. */
export async function openTicket(w: BotWorld, title: string, content: string, userId = w.memberId): Promise<{ threadId: string; answer: MessageView }> {
  const threadId = postTicket(w, title, content, userId);
  const answer = await answerWithButtons(w, threadId);
  return { threadId, answer };
}

/** A member's ticket, answered, its Answered tag set (an answer's last step): nothing of it is still in flight. */
export async function openAnsweredTicket(w: BotWorld, title: string, content: string): Promise<{ threadId: string; answeredAt: number }> {
  const { threadId } = await openTicket(w, title, content);
  await w.fake.waitFor(() => tagNames(w, threadId).includes('Answered'), 3000, 'the Answered tag');
  return { threadId, answeredAt: w.core.tickets.info(w.guildId, threadId)!.lastAnswer!.createdAt };
}

/** What the bot's handlers receive, for calling the stale sweep directly (at a chosen `now`). */
export const contextOf = (w: BotWorld): BotContext => ({ core: w.core, client: w.bot.client, answerOrder: new AnswerOrder(), liveAnswers: new LiveAnswers() });

/** The first (or next, after `after`) bot message in the thread that carries the answer buttons. */
export function answerWithButtons(w: BotWorld, threadId: string, after?: MessageView): Promise<MessageView> {
  return w.fake.waitFor(
    () => botMessages(w, threadId).find((m) => (!after || BigInt(m.id) > BigInt(after.id)) && buttonIds(m).some((id) => id.startsWith('ans:'))),
    5000,
    'an answer with buttons',
  );
}

/** Presses one of an answer's buttons (Solved = ok, Not helpful = no, Talk to staff = staff). */
export async function press(w: BotWorld, answer: MessageView, action: 'ok' | 'no' | 'staff', userId = w.memberId) {
  const customId = buttonIds(answer).find((id) => id.startsWith(`ans:${action}:`))!;
  const handle = await w.fake.clickButton({ messageId: answer.id, customId, userId });
  return handle.waitForResponse();
}

/** Messages that pinged the staff role. */
export const staffPings = (w: BotWorld, threadId: string) => w.fake.messages(threadId).filter((m) => m.mentionsPinged.roles.includes(w.staffRoleId));

/** Waits a moment, so that "the bot stays quiet" assertions after it would see anything it sent. */
export async function quietFor(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
