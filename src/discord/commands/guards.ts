import { requireTrainingEnabled as requireTrainingEnabledInCore } from '../../core/training/enabled.js';
/** The checks a handler makes before it acts: each passes, or refuses clearly and changes nothing. */
import type { ChatInputCommandInteraction, ThreadChannel } from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { GuildSettings } from '../../core/guilds/settings.js';
import type { BotContext } from '../context.js';

/** The guild's settings once tickets are set up (/setup ran). */
export function requireSetup(ctx: BotContext, guildId: string): GuildSettings {
  const settings = ctx.core.guildSettings.get(guildId);
  if (!settings?.forumChannelId) throw new UserError('Tickets are not set up yet: an admin needs to run `/setup` first.');
  return settings;
}

/** The ticket thread this command runs in, or a clear refusal. */
export function requireTicketThread(interaction: ChatInputCommandInteraction<'cached'>, ctx: BotContext) {
  const channel = interaction.channel;
  const ticket = channel?.isThread() ? ctx.core.tickets.getByThread(interaction.guildId, channel.id) : undefined;
  if (!channel?.isThread() || !ticket) throw new UserError('Use this command inside a ticket thread.');
  return { thread: channel as ThreadChannel, ticket };
}

/** Training commands are allowed (ENABLE_TRAINING). */
export function requireTrainingEnabled(ctx: BotContext): void {
  requireTrainingEnabledInCore(ctx.core.config);
}
