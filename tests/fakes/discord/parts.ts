import type { Server } from 'node:http';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { apiGuildCreate } from './api-objects.js';
import { CommandStore } from './commands.js';
import { DirectMessages } from './direct-messages.js';
import { Gateway, type GatewaySession, type PrivilegedIntent } from './gateway.js';
import { applicationFlags, recommendedShards, sendReady } from './gateway-ready.js';
import { HeldRequests } from './held-requests.js';
import type { InteractionHandle } from './interaction-handle.js';
import { InteractionFactory } from './interaction-payloads.js';
import { MessageNonces } from './message-nonces.js';
import { Interactions } from './interactions.js';
import { RateLimits, type RateLimitMode } from './rate-limits.js';
import { registerRoutes } from './rest-routes.js';
import { checkBotInGuild } from './guild-membership.js';
import { handleRequest, Router, type RequestLogEntry } from './rest-server.js';
import { ThreadArchiver } from './thread-activity.js';
import { World } from './world.js';

/**
 * The fake's parts and the wiring between them: the world's changes go out as gateway events (GUILD_CREATE per
 * session, by intent), the REST routes read and change the world, and interactions reach the bot's session.
 * FakeDiscord (fake-discord.ts) holds the parts and offers tests one object over them.
 */

export interface FakeDiscordOptions {
  token?: string;
  botUser?: { id?: string; username?: string };
  /** Defaults to the bot user's id, as for any application created since 2020. */
  applicationId?: string;
  /** HELLO's heartbeat_interval (Discord: 41250 ms). */
  heartbeatIntervalMs?: number;
  /** Privileged intents enabled in the Developer Portal (all true by default). */
  privilegedIntents?: Partial<Record<PrivilegedIntent, boolean>>;
  /** How long an interaction accepts its callback (Discord: 3000 ms). */
  interactionResponseWindowMs?: number;
  rateLimits?: RateLimitMode;
  /**
   * How many milliseconds one minute of a thread's `auto_archive_duration` lasts (Discord: 60,000).
   * Idle threads archive themselves on this clock; e.g. 1 makes a 60-minute thread archive after 60 ms.
   */
  threadArchiveMinuteMs?: number;
  /** Guilds a shard may hold (Discord: 2,500). Tests shrink it to make a few guilds need several shards. */
  guildsPerShard?: number;
  /** `session_start_limit.max_concurrency`: shards that may IDENTIFY at once (Discord: 1 for most bots). */
  maxConcurrency?: number;
  /** How long Create Message's `enforce_nonce` remembers a nonce (Discord: "the past few minutes"; the fake: 3 minutes). */
  nonceWindowMs?: number;
}

/** The bot as Discord registered it: its application, its user and the token it logs in with. */
export interface BotIdentity {
  token: string;
  applicationId: string;
  botUser: { id: string; username: string };
}

export interface FakeDiscordParts {
  world: World;
  dms: DirectMessages;
  commandStore: CommandStore;
  factory: InteractionFactory;
  gateway: Gateway;
  archiver: ThreadArchiver;
  held: HeldRequests;
  limits: RateLimits;
  /** Every REST call, as `fake.requests` shows them. */
  requests: RequestLogEntry[];
  /** The handles of interactions sent so far: each re-checks its state when the world changes. */
  handles: Set<InteractionHandle>;
  /** The Developer Portal's privileged-intent toggles; `setPrivilegedIntents` changes them in place. */
  privileged: Record<PrivilegedIntent, boolean>;
}

/** Builds the parts on `server` (HTTP and WebSocket share it); `urls` are read late, once the server listens. */
export function assembleParts(
  server: Server,
  bot: BotIdentity,
  opts: FakeDiscordOptions,
  urls: { baseUrl: () => string; gatewayUrl: () => string },
): FakeDiscordParts {
  const privileged = { messageContent: true, guildMembers: true, presences: true, ...opts.privilegedIntents };
  const limits = new RateLimits();
  if (opts.rateLimits) limits.mode = opts.rateLimits;
  const held = new HeldRequests();
  const requests: RequestLogEntry[] = [];
  const handles = new Set<InteractionHandle>();
  const windowMs = opts.interactionResponseWindowMs ?? 3000;
  const guildsPerShard = opts.guildsPerShard ?? 2500;

  const gateway: Gateway = new Gateway(server, {
    token: () => bot.token,
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
    allowed: () => privileged,
    requiredShards: () => recommendedShards(world, guildsPerShard),
    onIdentified: (s) => sendReady(world, s, { gatewayUrl: urls.gatewayUrl(), flags: applicationFlags(privileged) }),
  });
  const world: World = new World(bot.applicationId, bot.botUser.id, urls.baseUrl, (event, data, scope) => {
    const guildId = event === 'GUILD_CREATE' ? (data as { id: string }).id : undefined;
    gateway.broadcast(event, data, {
      ...scope,
      ...(guildId ? { perSession: (s: GatewaySession) => apiGuildCreate(world, world.guild(guildId), s.has(GatewayIntentBits.GuildPresences)) } : {}),
    });
  });
  if (opts.nonceWindowMs !== undefined) world.nonces = new MessageNonces(opts.nonceWindowMs);
  world.addUser({ id: bot.botUser.id, username: bot.botUser.username, bot: true });
  world.on('change', () => {
    for (const h of handles) h.notify();
  });
  const dms = new DirectMessages(world);
  const archiver = new ThreadArchiver(world, opts.threadArchiveMinuteMs ?? 60_000);
  archiver.start();
  const commandStore = new CommandStore(bot.applicationId, world.ids);
  const interactions = new Interactions(world, () => windowMs);
  interactions.dms = dms;
  const factory = new InteractionFactory(world, commandStore, interactions, (payload) => gateway.broadcast('INTERACTION_CREATE', payload, { intent: null }));
  factory.dms = dms;

  const router = new Router();
  registerRoutes(router, {
    world,
    commands: commandStore,
    interactions,
    dms,
    gatewayUrl: urls.gatewayUrl,
    identifyCount: () => gateway.sessions.length,
    recommendedShards: () => recommendedShards(world, guildsPerShard),
    maxConcurrency: () => opts.maxConcurrency ?? 1,
    messageContentAllowed: () => privileged.messageContent,
    guildMembersAllowed: () => privileged.guildMembers,
    applicationFlags: () => applicationFlags(privileged),
  });
  server.on('request', (req, res) => {
    void handleRequest(
      {
        router,
        token: () => bot.token,
        limits,
        log: requests,
        serveFile: (path) => serveAttachment(world, path),
        onRejected: (params, r, err) => interactions.noteRejection(params.interactionId, params.token, r, err),
        onUnexpected: (err) => console.error('[fake discord] route crashed:', err),
        access: (params, method, path) => checkBotInGuild(world, params, method, path),
        held: (method, path, phase, body) => held.wait(method, path, phase, body),
      },
      req,
      res,
    );
  });
  return { world, dms, commandStore, factory, gateway, archiver, held, limits, requests, handles, privileged };
}

/** The files themselves, as the CDN serves them (no auth): `/attachments/…` and `/ephemeral-attachments/…`. */
function serveAttachment(world: World, path: string): { data: Buffer; contentType: string } | undefined {
  const m = /^\/(?:ephemeral-)?attachments\/\d+\/(\d+)\/[^/]+$/.exec(path);
  const a = m ? world.attachments.get(m[1]!) : undefined;
  return a ? { data: a.data, contentType: a.contentType } : undefined;
}
