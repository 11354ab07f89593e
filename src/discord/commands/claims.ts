import { ActionRowBuilder, ButtonBuilder, ButtonStyle, PermissionFlagsBits } from 'discord.js';
import type { ButtonInteraction, ChatInputCommandInteraction, ThreadChannel } from 'discord.js';
import type { DeskTicket } from '../../core/desk/claims.js';
import { UserError } from '../../core/errors.js';
import type { BotContext } from '../context.js';
import { isStaff } from '../permissions.js';
import { NO_MENTIONS, respond } from '../reply.js';
import { addToPrivateThread, CLAIM_BUTTON, claimNotice } from '../support/claims.js';
import type { ComponentHandler, SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';
import { member, text } from './option-schema.js';
import { requireSetup } from './guards.js';
import { suggestTypes } from './ticket-types.js';

/** The ticket of the thread an interaction runs in (with its claim), or a clear refusal. */
function ticketHere(interaction: ChatInputCommandInteraction<'cached'> | ButtonInteraction<'cached'>, ctx: BotContext): { thread: ThreadChannel; ticket: DeskTicket } {
  const channel = interaction.channel;
  const ticket = channel?.isThread() ? ctx.core.desk.claims.ticket(interaction.guildId, channel.id) : undefined;
  if (!channel?.isThread() || !ticket) throw new UserError('Use this command inside a ticket thread.');
  return { thread: channel, ticket };
}

async function claim(interaction: ChatInputCommandInteraction<'cached'> | ButtonInteraction<'cached'>, ctx: BotContext): Promise<DeskTicket> {
  const { thread } = ticketHere(interaction, ctx);
  const claimed = ctx.core.desk.claims.claim(interaction.guildId, thread.id, interaction.user.id);
  await addToPrivateThread(thread, interaction.user.id, ctx);
  return claimed;
}

const ticketClaim = defineCommand({
  name: 'ticket_claim',
  description: 'Take this ticket: it shows you handle it, and hand-offs ping you',
  access: 'staff',
  ephemeral: false,
  async execute(interaction, ctx) {
    const claimed = await claim(interaction, ctx);
    await respond(interaction, claimNotice(claimed, 'claimed', interaction.user.id), false);
  },
});

const ticketUnclaim = defineCommand({
  name: 'ticket_unclaim',
  description: 'Stop handling this ticket, so any staff member can claim it',
  access: 'staff',
  ephemeral: false,
  async execute(interaction, ctx) {
    const { thread, ticket } = ticketHere(interaction, ctx);
    const isManager = interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild);
    if (ticket.claimedBy && ticket.claimedBy !== interaction.user.id && !isManager) {
      throw new UserError(`<@${ticket.claimedBy}> handles this ticket: only they (or someone with Manage Server) can release it. Use \`/ticket_transfer\` to ask them to hand it over.`);
    }
    const released = ctx.core.desk.claims.unclaim(interaction.guildId, thread.id);
    await respond(interaction, claimNotice(released, 'released', ticket.claimedBy ?? interaction.user.id), false);
  },
});

const ticketTransfer = defineCommand({
  name: 'ticket_transfer',
  description: 'Hand this ticket to another staff member, or move it to another ticket type',
  access: 'staff',
  ephemeral: false,
  options: {
    staff: member({ description: 'The staff member who takes it over' }),
    type: text({ description: 'The ticket type it becomes (same privacy)', maxLength: 40, autocomplete: true }),
  },
  async execute(interaction, ctx, { staff: to, type: typeName }) {
    const { thread } = ticketHere(interaction, ctx);
    const settings = requireSetup(ctx, interaction.guildId);
    if (Boolean(to) === Boolean(typeName)) throw new UserError('Choose exactly one: `staff` to hand the ticket to someone, or `type` to move it to another ticket type.');
    if (to) {
      if (to.user.bot || !isStaff(to, to.permissions, settings)) throw new UserError(`${to.toString()} is not staff: hand tickets only to members of the staff role.`);
      const moved = ctx.core.desk.claims.transfer(interaction.guildId, thread.id, to.id);
      await addToPrivateThread(thread, to.id, ctx);
      await interaction.reply({ content: claimNotice(moved, 'transferred', interaction.user.id), allowedMentions: { parse: [], users: [to.id] } });
      return;
    }
    const type = ctx.core.desk.types.require(interaction.guildId, typeName!);
    ctx.core.desk.claims.changeType(interaction.guildId, thread.id, type);
    await respond(interaction, `🏷️ This ticket is now a **${type.name}** ticket.`, false);
  },
  autocomplete: suggestTypes,
});

/** The Claim button under a staff ping: claims, and the button then says who took it. */
const claimButton: ComponentHandler = {
  prefix: CLAIM_BUTTON,
  access: 'staff',
  async handleButton(interaction, _args, ctx) {
    const claimed = await claim(interaction, ctx);
    const taken = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(CLAIM_BUTTON).setLabel(`Claimed by ${interaction.member.displayName}`.slice(0, 80)).setStyle(ButtonStyle.Secondary).setDisabled(true),
    );
    await interaction.update({ components: [taken], allowedMentions: NO_MENTIONS });
    await interaction.followUp({ content: claimNotice(claimed, 'claimed', interaction.user.id), allowedMentions: NO_MENTIONS });
  },
};

export const claimCommands: SlashCommand[] = [ticketClaim, ticketUnclaim, ticketTransfer];
export const claimComponents: ComponentHandler[] = [claimButton];
