import { ChannelType, EmbedBuilder, PermissionFlagsBits, time } from 'discord.js';
import type { ForumChannel, Role } from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { AnswerSource } from '../../core/tickets/store.js';
import { isStaff } from '../permissions.js';
import { NO_MENTIONS, respond } from '../reply.js';
import { noteSaved } from '../saved-change.js';
import { ticketModeText } from '../render/ticket-mode.js';
import { closeProblemsText, closeTicketThread } from '../tickets/close-ticket.js';
import { missingForumPermissions } from '../tickets/forum-permissions.js';
import { ensureTicketTags } from '../tickets/forum-tags.js';
import { openFromIntake, showIntake } from '../tickets/open-from-panel.js';
import { PANEL_BUTTON, PANEL_MODAL, panelRows, panelTypeList } from '../tickets/panel.js';
import type { ComponentHandler, SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';
import { requireSetup, requireTicketThread } from './guards.js';
import { channel, role, text } from './option-schema.js';
import { sendOnce } from '../channel-send.js';

const REASON_MAX = 500;

const setup = defineCommand({
  name: 'setup',
  description: 'Choose the forum where tickets live and the staff role',
  access: 'manager',
  defer: true,
  options: {
    forum: channel({ description: 'Forum channel for tickets', types: [ChannelType.GuildForum], required: true }),
    staff_role: role({ description: 'Role that handles tickets and trains the bot', required: true }),
    log_channel: channel({ description: 'Optional text channel for ticket transcripts', types: [ChannelType.GuildText] }),
  },
  async execute(interaction, ctx, { forum, staff_role: role, log_channel: logChannel }) {
    if (role.id === interaction.guildId) throw new UserError('@everyone cannot be the staff role: pick the role your support team has.');
    const missing = missingForumPermissions(forum);
    if (missing.length > 0) {
      throw new UserError(
        [
          `Nothing was set up: in ${forum.toString()} the bot is missing these permissions:`,
          ...missing.map((m) => `• **${m.name}** (to ${m.why})`),
          'Give them to the bot’s role in the forum’s settings (Edit Channel → Permissions), or remove the override that takes them away, then run `/setup` again.',
        ].join('\n'),
      );
    }
    const tags = await ensureTicketTags(forum);
    ctx.core.guildSettings.save({
      guildId: interaction.guildId,
      forumChannelId: forum.id,
      staffRoleId: role.id,
      logChannelId: logChannel?.id ?? null,
      tags,
    });
    await respond(interaction, {
      embeds: [
        new EmbedBuilder()
          .setTitle('Tickets are set up')
          .setColor(0x57f287)
          .setDescription(
            [
              `Tickets are posts in ${forum.toString()}; staff role: ${role.toString()}.`,
              logChannel ? `Transcripts go to ${logChannel.toString()}.` : undefined,
              'The forum has the tags **Open**, **Answered**, **Needs staff** and **Closed**.',
              'Next: `/ticket_panel` posts the **Open ticket** button, and `/train` teaches the bot answers.',
              canPing(forum, role)
                ? undefined
                : `⚠️ The bot cannot notify ${role.toString()} when a ticket needs staff: turn on **Allow anyone to @mention this role** in Server Settings → Roles, or give the bot **Mention @everyone, @here and All Roles**.`,
            ]
              .filter(Boolean)
              .join('\n'),
          ),
      ],
    });
  },
});

/** Discord delivers a role ping from the bot only if the role is mentionable or the bot may mention every role. */
function canPing(forum: ForumChannel, role: Role): boolean {
  const me = forum.guild.members.me;
  return role.mentionable || (me ? forum.permissionsFor(me).has(PermissionFlagsBits.MentionEveryone) : false);
}

const ticketPanel = defineCommand({
  name: 'ticket_panel',
  description: 'Post the panel with the Open ticket button',
  access: 'manager',
  options: {
    channel: channel({ description: 'Where to post it (default: here)', types: [ChannelType.GuildText] }),
    title: text({ description: 'Panel title', maxLength: 256 }),
    description: text({ description: 'Panel text', maxLength: 2000 }),
  },
  async execute(interaction, ctx, options) {
    requireSetup(ctx, interaction.guildId);
    const target = options.channel ?? interaction.channel;
    if (!target?.isSendable()) throw new UserError('I cannot post in this channel: pick a text channel with the `channel` option.');
    const title = options.title?.trim() || 'Need help?';
    const description =
      options.description?.trim() ||
      'Press **Open ticket** to ask the support team. The bot answers right away, and staff follow up when it cannot.';
    const types = ctx.core.desk.types.list(interaction.guildId);
    const typeList = types.length ? `\n\n${panelTypeList(types)}` : '';
    await sendOnce(target, {
      embeds: [new EmbedBuilder().setTitle(title).setDescription(`${description}${typeList}`.slice(0, 4096)).setColor(0x5865f2)],
      components: panelRows(types),
      allowedMentions: NO_MENTIONS,
    });
    await respond(interaction, `The ticket panel is posted in ${target.toString()}.`);
  },
});

const closeTicket = defineCommand({
  name: 'close_ticket',
  description: 'Close this ticket',
  access: 'everyone',
  ephemeral: false,
  options: {
    reason: text({ description: 'Why it is closed', maxLength: REASON_MAX }),
  },
  async execute(interaction, ctx, options) {
    const { thread, ticket } = requireTicketThread(interaction, ctx);
    const settings = requireSetup(ctx, interaction.guildId);
    const isOwner = ticket.ownerId === interaction.user.id;
    if (!isOwner && !isStaff(interaction.member, interaction.memberPermissions, settings)) {
      throw new UserError('Only the member who opened this ticket, or staff, can close it.');
    }
    const reason = options.reason?.trim() || null;
    const problems = await closeTicketThread(thread, { closedBy: interaction.user.id, reason }, settings, ctx, async (text) => {
      // closeTicketThread announces right after the database commit.
      noteSaved(interaction, { saved: 'The ticket is closed for the bot.', check: 'the post gets its Closed tag and is locked; if it is not, the bot retries at its next start.' });
      await respond(interaction, text, false);
    });
    // Only the closer sees it; a locked post refuses even that, and the log has it either way.
    if (problems.length > 0) await respond(interaction, closeProblemsText(problems)).catch(() => undefined);
  },
});

const SOURCE_LABELS: Record<AnswerSource['kind'], string> = {
  trained: 'a trained answer',
  knowledge: 'a help entry (AI unavailable)',
  ai: 'the AI',
  fallback: 'a hand-off to staff',
};

const ticketInfo = defineCommand({
  name: 'ticket_info',
  description: 'Show this ticket’s owner, status and history',
  access: 'everyone',
  async execute(interaction, ctx) {
    const { thread } = requireTicketThread(interaction, ctx);
    const info = ctx.core.tickets.info(interaction.guildId, thread.id);
    if (!info) throw new UserError('Use this command inside a ticket thread.');
    const { ticket, counts, lastAnswer } = info;
    const source = lastAnswer?.source;
    const embed = new EmbedBuilder()
      .setTitle(`Ticket: ${ticket.subject}`.slice(0, 256))
      .setColor(ticket.status === 'open' ? 0x57f287 : 0x99aab5)
      .addFields(
        { name: 'Owner', value: `<@${ticket.ownerId}>`, inline: true },
        { name: 'Status', value: ticket.status === 'open' ? 'Open' : 'Closed', inline: true },
        { name: 'Opened', value: time(Math.floor(ticket.openedAt / 1000), 'R'), inline: true },
        { name: 'Messages', value: `member ${counts.user} · bot ${counts.bot} · staff ${counts.staff}`, inline: false },
        {
          name: 'Last answer',
          value: source ? `from ${SOURCE_LABELS[source.kind]}${'score' in source ? ` (score ${source.score.toFixed(2)})` : ''}` : 'none yet',
          inline: false,
        },
      );
    // Type and claim (ticket desk); a ticket with neither shows exactly what it did before types existed.
    const desk = ctx.core.desk.claims.ticket(interaction.guildId, thread.id);
    const typeName = desk?.typeId ? ctx.core.desk.types.get(interaction.guildId, desk.typeId)?.name : undefined;
    if (typeName || desk?.private) embed.addFields({ name: 'Type', value: `${typeName ?? 'none'}${desk?.private ? ' 🔒 private' : ''}`, inline: true });
    if (desk?.claimedBy) embed.addFields({ name: 'Handled by', value: `<@${desk.claimedBy}>`, inline: true });
    if (ticket.status === 'open') embed.addFields({ name: 'Mode', value: ticketModeText(ctx.core.support.mode(ticket.id)) });
    if (ticket.closedAt) {
      embed.addFields({
        name: 'Closed',
        value: `${time(Math.floor(ticket.closedAt / 1000), 'R')}${ticket.closedBy ? ` by <@${ticket.closedBy}>` : ''}${ticket.closeReason ? ` — ${ticket.closeReason}` : ''}`,
      });
    }
    await respond(interaction, { embeds: [embed] });
  },
});

/** The panel's buttons (one per ticket type, or the default one): the intake form. */
const panelButton: ComponentHandler = {
  prefix: PANEL_BUTTON,
  access: 'everyone',
  handleButton: showIntake,
};

const panelModal: ComponentHandler = {
  prefix: PANEL_MODAL,
  access: 'everyone',
  handleModal: openFromIntake,
};

export const ticketCommands: SlashCommand[] = [setup, ticketPanel, closeTicket, ticketInfo];
export const ticketComponents: ComponentHandler[] = [panelButton, panelModal];
