import { ChannelType, time } from 'discord.js';
import type { ButtonInteraction, GuildMember, ModalSubmitInteraction, ThreadChannel } from 'discord.js';
import { isWithinHours, nextOpening } from '../../core/desk/support-hours.js';
import type { TicketType } from '../../core/desk/ticket-types.js';
import { UserError } from '../../core/errors.js';
import { parseIdArg } from '../components/custom-id.js';
import { requireSetup } from '../commands/guards.js';
import type { BotContext } from '../context.js';
import { deferReply, NO_MENTIONS, respond } from '../reply.js';
import { openPrivateTicket, requirePrivateChannel } from './open-private-ticket.js';
import { openTicketFromPanel } from './open-ticket.js';
import { intakeModal, readIntake } from './panel.js';
import { sendOnce } from '../channel-send.js';

/** The type a panel button or form stands for (no argument: the default "Open ticket"). */
function typeOf(ctx: BotContext, guildId: string, arg: string | undefined): TicketType | undefined {
  if (arg === undefined) return undefined;
  const type = ctx.core.desk.types.get(guildId, parseIdArg(arg) ?? 0);
  if (!type) throw new UserError('This kind of ticket no longer exists. Please tell the staff to post a new panel with `/ticket_panel`.');
  return type;
}

/** Refuses a new ticket when the member is at the open-ticket limit or in the cooldown, naming their open tickets. */
export function checkMayOpen(member: GuildMember, ctx: BotContext, now = Date.now()): void {
  const settings = ctx.core.desk.settings.get(member.guild.id);
  const check = ctx.core.desk.limits.check(member.guild.id, member.id, settings, now);
  if (check.kind === 'too-many') {
    throw new UserError(
      `You already have ${check.openThreadIds.length} open ticket${check.openThreadIds.length === 1 ? '' : 's'} (this server allows ${check.max}): ${check.openThreadIds.map((id) => `<#${id}>`).join(', ')}. Please continue there, or close one with \`/close_ticket\` first.`,
    );
  }
  if (check.kind === 'cooldown') throw new UserError(`You opened a ticket a moment ago. You can open another ${time(Math.ceil(check.retryAt / 1000), 'R')}.`);
}

/** The panel button: the type's intake form, unless the member may not open a ticket now. */
export async function showIntake(interaction: ButtonInteraction<'cached'>, args: string[], ctx: BotContext): Promise<void> {
  requireSetup(ctx, interaction.guildId);
  const type = typeOf(ctx, interaction.guildId, args[0]);
  checkMayOpen(interaction.member, ctx);
  if (type?.private) requirePrivateChannel(interaction.guild, ctx); // before the member fills in the form
  await interaction.showModal(intakeModal(type));
}

/** Outside support hours: when staff are back (the bot answers meanwhile). undefined within hours or with none set. */
export function supportHoursNotice(guildId: string, ctx: BotContext, now = Date.now()): string | undefined {
  const hours = ctx.core.desk.settings.get(guildId).supportHours;
  if (!hours || isWithinHours(hours, now)) return undefined;
  const back = nextOpening(hours, now);
  return `🌙 Our staff are away right now${back ? `; they are back ${time(Math.floor(back / 1000), 'F')} (${time(Math.floor(back / 1000), 'R')})` : ''}. The bot still answers meanwhile, and staff will follow up then.`;
}

/** The intake form sent: opens the ticket (a forum post, or a private thread for a private type) and tells the member where. */
export async function openFromIntake(interaction: ModalSubmitInteraction<'cached'>, args: string[], ctx: BotContext): Promise<void> {
  const settings = requireSetup(ctx, interaction.guildId);
  const type = typeOf(ctx, interaction.guildId, args[0]);
  const intake = readIntake(interaction, type);
  checkMayOpen(interaction.member, ctx);
  let thread: ThreadChannel;
  if (type?.private) {
    await deferReply(interaction, true);
    thread = await openPrivateTicket(interaction.member, type, intake, settings, ctx);
  } else {
    const forum = interaction.guild.channels.cache.get(settings.forumChannelId!);
    if (!forum || forum.type !== ChannelType.GuildForum) throw new UserError('The ticket forum no longer exists. Please tell an admin to run `/setup` again.');
    await deferReply(interaction, true);
    thread = await openTicketFromPanel(forum, interaction.member, { ...intake, typeId: type?.id ?? null }, settings, ctx);
  }
  const notice = supportHoursNotice(interaction.guildId, ctx);
  if (notice) await sendOnce(thread, { content: notice, allowedMentions: NO_MENTIONS }).catch((e: unknown) => ctx.core.logger.warn({ err: e }, 'could not post the support-hours notice'));
  await respond(interaction, `Your ticket is open: ${thread.toString()}`);
}
