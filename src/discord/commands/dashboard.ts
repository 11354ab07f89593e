import { time, TimestampStyles } from 'discord.js';
import { dashboardPublicUrl } from '../../config.js';
import { UserError } from '../../core/errors.js';
import { respond } from '../reply.js';
import type { SlashCommand } from './command.js';
import { defineCommand } from './define-command.js';

/** /dashboard: a one-time sign-in link for the web dashboard, shown only to the staff member who asked. */
const dashboard = defineCommand({
  name: 'dashboard',
  description: 'Get a private one-time link to the web dashboard for this server',
  access: 'staff',
  ephemeral: true,
  async execute(interaction, ctx) {
    const base = dashboardPublicUrl(ctx.core.config);
    if (!base) throw new UserError('The web dashboard is turned off. The bot’s owner can turn it on with DASHBOARD_PORT (see SETUP.md).');
    const { token, expiresAt } = ctx.core.dashboardAccess.createLoginLink(interaction.guildId, interaction.user.id);
    await respond(
      interaction,
      `Your sign-in link for this server’s dashboard (works once, expires ${time(Math.floor(expiresAt / 1000), TimestampStyles.RelativeTime)}; do not share it):\n` +
        `<${base}/login/${token}>`,
    );
  },
});

export const dashboardCommands: SlashCommand[] = [dashboard];
