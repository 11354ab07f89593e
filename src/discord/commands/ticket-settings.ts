import { ChannelType, EmbedBuilder, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { AutocompleteInteraction, TextChannel } from 'discord.js';
import { DESK_LIMITS, type DeskSettings, type DeskSettingsPatch } from '../../core/desk/desk-settings.js';
import { UserError } from '../../core/errors.js';
import type { BotContext } from '../context.js';
import { respond } from '../reply.js';
import type { SlashCommand } from './command.js';

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

const ticketSettings: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('ticket_settings')
    .setDescription('Private tickets’ channel, limits against spam, support hours, the rating DM (no options: show them)')
    .addChannelOption((o) => o.setName('private_channel').setDescription('Text channel whose private threads hold private tickets').addChannelTypes(ChannelType.GuildText))
    .addIntegerOption((o) => o.setName('max_open').setDescription('Open tickets one member may have (0 = no limit; default 3)').setMinValue(0).setMaxValue(DESK_LIMITS.maxOpenPerMember))
    .addIntegerOption((o) => o.setName('cooldown_minutes').setDescription('Minutes between two new tickets of one member (0 = none)').setMinValue(0).setMaxValue(DESK_LIMITS.cooldownSeconds / 60))
    .addStringOption((o) => o.setName('support_hours').setDescription('When staff are in, e.g. mon-fri 09:00-17:00, sat 10:00-14:00').setMaxLength(200))
    .addStringOption((o) => o.setName('time_zone').setDescription('Time zone of the support hours, e.g. Europe/Berlin').setMaxLength(64).setAutocomplete(true))
    .addBooleanOption((o) => o.setName('hours_off').setDescription('Turn support hours off (always staffed)'))
    .addBooleanOption((o) => o.setName('rating_dm').setDescription('After a close, ask the member by DM to rate the help (default: on)')),
  access: 'manager',
  async execute(interaction, ctx) {
    const guildId = interaction.guildId;
    const patch: DeskSettingsPatch = {};
    const warnings: string[] = [];
    const channel = interaction.options.getChannel('private_channel', false, [ChannelType.GuildText]);
    if (channel) {
      warnings.push(...privateChannelWarnings(channel, ctx.core.guildSettings.get(guildId)?.staffRoleId));
      patch.privateChannelId = channel.id;
    }
    const maxOpen = interaction.options.getInteger('max_open');
    if (maxOpen !== null) patch.maxOpenPerMember = maxOpen;
    const cooldown = interaction.options.getInteger('cooldown_minutes');
    if (cooldown !== null) patch.cooldownSeconds = cooldown * 60;
    const hours = interaction.options.getString('support_hours');
    const zone = interaction.options.getString('time_zone');
    const off = interaction.options.getBoolean('hours_off');
    if (off && (hours || zone)) throw new UserError('Choose either `hours_off` or new support hours, not both. Nothing was changed.');
    if (off) patch.supportHours = null;
    else if (hours || zone) {
      const current = ctx.core.desk.settings.get(guildId);
      const text = hours ?? current.supportHoursText;
      if (!text) throw new UserError('Give the hours too, such as `support_hours: mon-fri 09:00-17:00`. Nothing was changed.');
      patch.supportHours = { text, timeZone: zone ?? current.supportHours?.timeZone ?? 'UTC' };
    }
    const ratingDm = interaction.options.getBoolean('rating_dm');
    if (ratingDm !== null) patch.ratingDm = ratingDm;
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
};

export const ticketSettingsCommands: SlashCommand[] = [ticketSettings];
