import { ChannelType, EmbedBuilder, PermissionFlagsBits } from 'discord.js';
import type { AutocompleteInteraction, TextChannel } from 'discord.js';
import { DESK_LIMITS, type DeskSettings, type DeskSettingsPatch } from '../../core/desk/desk-settings.js';
import { UserError } from '../../core/errors.js';
import { respond } from '../reply.js';
import type { SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';
import { boolean, channel, integer, text } from './option-schema.js';

function describe(settings: DeskSettings): string {
  return [
    `Private tickets: ${settings.privateChannelId ? `private threads in <#${settings.privateChannelId}>` : 'not set up (`private_channel`)'}`,
    `Open tickets per member: ${settings.maxOpenPerMember === 0 ? 'no limit' : settings.maxOpenPerMember}`,
    `Cooldown between new tickets: ${settings.cooldownSeconds === 0 ? 'none' : `${Math.round(settings.cooldownSeconds / 60)} min`}`,
    `Support hours: ${settings.supportHours ? `${settings.supportHoursText} (${settings.supportHours.timeZone})` : 'always staffed'}`,
    `Rating by DM after a close: ${settings.ratingDm ? 'on (the member is asked once to rate the help 1–5)' : 'off (members get no DM when their ticket closes)'}`,
  ].join('\n');
}

/** What would keep private tickets from working in this channel: the bot's and the staff role's permissions there. */
function privateChannelWarnings(channel: TextChannel, staffRoleId: string | null | undefined): string[] {
  const warnings: string[] = [];
  const me = channel.guild.members.me;
  const mine = me ? channel.permissionsFor(me) : null;
  const needed: [bigint, string][] = [
    [PermissionFlagsBits.ViewChannel, 'View Channel'],
    [PermissionFlagsBits.CreatePrivateThreads, 'Create Private Threads'],
    [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
    [PermissionFlagsBits.PinMessages, 'Pin Messages'],
    [PermissionFlagsBits.ManageThreads, 'Manage Threads'],
  ];
  const missing = needed.filter(([bit]) => !mine?.has(bit)).map(([, name]) => name);
  if (missing.length) throw new UserError(`I need ${missing.map((m) => `**${m}**`).join(', ')} in ${channel.toString()} to run private tickets there. Nothing was changed.`);
  const staffRole = staffRoleId ? channel.guild.roles.cache.get(staffRoleId) : undefined;
  if (staffRole && !channel.permissionsFor(staffRole).has(PermissionFlagsBits.ManageThreads)) {
    warnings.push(`${staffRole.toString()} lacks **Manage Threads** in ${channel.toString()}: staff then see a private ticket only once they claim it (or are handed it).`);
  }
  return warnings;
}

async function suggestTimeZones(interaction: AutocompleteInteraction<'cached'>) {
  const typed = interaction.options.getFocused().toLowerCase();
  return Intl.supportedValuesOf('timeZone')
    .filter((z) => z.toLowerCase().includes(typed))
    .slice(0, 25)
    .map((z) => ({ name: z, value: z }));
}

const ticketSettings = defineCommand({
  name: 'ticket_settings',
  description: 'Private tickets’ channel, limits against spam, support hours, the rating DM (no options: show them)',
  access: 'manager',
  options: {
    private_channel: channel({ description: 'Text channel whose private threads hold private tickets', types: [ChannelType.GuildText] }),
    max_open: integer({ description: 'Open tickets one member may have (0 = no limit; default 3)', minValue: 0, maxValue: DESK_LIMITS.maxOpenPerMember }),
    cooldown_minutes: integer({ description: 'Minutes between two new tickets of one member (0 = none)', minValue: 0, maxValue: DESK_LIMITS.cooldownSeconds / 60 }),
    support_hours: text({ description: 'When staff are in, e.g. mon-fri 09:00-17:00, sat 10:00-14:00', maxLength: 200 }),
    time_zone: text({ description: 'Time zone of the support hours, e.g. Europe/Berlin', maxLength: 64, autocomplete: true }),
    hours_off: boolean({ description: 'Turn support hours off (always staffed)' }),
    rating_dm: boolean({ description: 'After a close, ask the member by DM to rate the help (default: on)' }),
  },
  async execute(interaction, ctx, options) {
    const guildId = interaction.guildId;
    const patch: DeskSettingsPatch = {};
    const warnings: string[] = [];
    if (options.private_channel) {
      warnings.push(...privateChannelWarnings(options.private_channel, ctx.core.guildSettings.get(guildId)?.staffRoleId));
      patch.privateChannelId = options.private_channel.id;
    }
    if (options.max_open !== undefined) patch.maxOpenPerMember = options.max_open;
    if (options.cooldown_minutes !== undefined) patch.cooldownSeconds = options.cooldown_minutes * 60;
    const { support_hours: hours, time_zone: zone, hours_off: off } = options;
    if (off && (hours || zone)) throw new UserError('Choose either `hours_off` or new support hours, not both. Nothing was changed.');
    if (off) patch.supportHours = null;
    else if (hours || zone) {
      const current = ctx.core.desk.settings.get(guildId);
      const hoursText = hours ?? current.supportHoursText;
      if (!hoursText) throw new UserError('Give the hours too, such as `support_hours: mon-fri 09:00-17:00`. Nothing was changed.');
      patch.supportHours = { text: hoursText, timeZone: zone ?? current.supportHours?.timeZone ?? 'UTC' };
    }
    if (options.rating_dm !== undefined) patch.ratingDm = options.rating_dm;
    const changed = Object.keys(patch).length > 0;
    const settings = changed ? ctx.core.desk.settings.update(guildId, patch) : ctx.core.desk.settings.get(guildId);
    const embed = new EmbedBuilder()
      .setTitle(changed ? 'Ticket settings saved' : 'Ticket settings')
      .setColor(changed ? 0x57f287 : 0x5865f2)
      .setDescription([describe(settings), ...warnings.map((w) => `⚠️ ${w}`)].join('\n'));
    await respond(interaction, { embeds: [embed] });
  },
  async autocomplete(interaction) {
    return suggestTimeZones(interaction);
  },
});

export const ticketSettingsCommands: SlashCommand[] = [ticketSettings];
