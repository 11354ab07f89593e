import { ApplicationFlags, GatewayIntentBits } from 'discord-api-types/v10';
import { apiGuildCreate } from './api-objects.js';
import { shardOf, type GatewaySession, type PrivilegedIntent } from './gateway.js';
import { toAPIUser } from './model.js';
import type { World } from './world.js';

/** What a newly identified gateway session is told (READY, then its guilds), and the shard count GET /gateway/bot recommends. */

/** As Discord recommends in GET /gateway/bot: enough shards for every guild the bot is in. */
export function recommendedShards(world: World, guildsPerShard: number): number {
  const guilds = [...world.guilds.values()].filter((g) => g.members.has(world.botUserId)).length;
  return Math.max(1, Math.ceil(guilds / guildsPerShard));
}

/** The application's flags as READY and GET /applications/@me carry them: which privileged intents the Developer Portal allows. */
export function applicationFlags(privileged: Record<PrivilegedIntent, boolean>): number {
  let flags = 0;
  if (privileged.messageContent) flags |= ApplicationFlags.GatewayMessageContentLimited;
  if (privileged.guildMembers) flags |= ApplicationFlags.GatewayGuildMembersLimited;
  if (privileged.presences) flags |= ApplicationFlags.GatewayPresenceLimited;
  return flags;
}

export function sendReady(world: World, session: GatewaySession, app: { gatewayUrl: string; flags: number }): void {
  // A shard is told only of its own guilds.
  const guilds = [...world.guilds.values()].filter((g) => g.members.has(world.botUserId) && shardOf(g.id, session.shard[1]) === session.shard[0]);
  session.dispatch('READY', {
    v: 10,
    user_settings: {},
    user: { ...toAPIUser(world.user(world.botUserId)), verified: true, mfa_enabled: false, email: null },
    guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
    session_id: session.id,
    session_type: 'normal',
    resume_gateway_url: `${app.gatewayUrl}/resume`,
    shard: session.shard,
    application: { id: world.applicationId, flags: app.flags },
    private_channels: [],
    presences: [],
    relationships: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    auth: {},
  });
  if (!session.has(GatewayIntentBits.Guilds)) return;
  for (const g of guilds) session.dispatch('GUILD_CREATE', apiGuildCreate(world, g, session.has(GatewayIntentBits.GuildPresences)));
}
