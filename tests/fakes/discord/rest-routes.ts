import { MessageFlags, PermissionFlagsBits } from 'discord-api-types/v10';
import { ChannelRenameLimit } from './channel-rename-limit.js';
import { startThread, editChannel, deleteChannel } from './channels.js';
import type { CommandStore } from './commands.js';
import { registerDirectMessageRoutes, type DirectMessages } from './direct-messages.js';
import { DiscordHttpError, ErrorCode, missingAccess } from './errors.js';
import type { Interactions } from './interactions.js';
import { registerPrivateThreadRoutes } from './private-threads.js';
import { parseMessageBody } from './message-input.js';
import { deleteMessage, editMessage, createMessage, isContentGated, triggerTyping, visibleMessages } from './messages.js';
import { isThread, toAPIChannel, toAPIMember, toAPIRole, toAPIUser, type ChannelRecord, type MessageRecord } from './model.js';
import type { RestReply, Router } from './rest-server.js';
import type { World } from './world.js';
import { apiGuildCreate, apiMessage } from './api-objects.js';
import { listActiveThreads } from './active-threads.js';

export interface RouteDeps {
  world: World;
  commands: CommandStore;
  interactions: Interactions;
  dms: DirectMessages;
  gatewayUrl: () => string;
  identifyCount: () => number;
  recommendedShards: () => number;
  maxConcurrency: () => number;
  messageContentAllowed: () => boolean;
  guildMembersAllowed: () => boolean;
  applicationFlags: () => number;
}

const ok = (body: unknown, status = 200): RestReply => ({ status, body });
const noContent = (): RestReply => ({ status: 204 });

/** Registers every REST route the fake answers under /api/v10. */
export function registerRoutes(router: Router, d: RouteDeps): void {
  const { world, commands, interactions } = d;
  const renames = new ChannelRenameLimit();
  const bot = () => world.botUserId;

  /** The bot sees message content if the app has the intent enabled or the message is exempt. */
  const messageForBot = (m: MessageRecord) => {
    const api = apiMessage(world, m);
    if (!d.messageContentAllowed() && isContentGated(world, m)) return { ...api, content: '', embeds: [], attachments: [], components: [] };
    return api;
  };

  const visibleChannel = (id: string): ChannelRecord => {
    const c = world.channel(id);
    if (!world.guild(c.guildId).members.has(bot()) || !world.can(c, bot(), PermissionFlagsBits.ViewChannel)) throw missingAccess();
    return c;
  };

  const guildOfBot = (id: string) => {
    const g = world.guild(id);
    if (!g.members.has(bot())) throw missingAccess();
    return g;
  };

  const application = () => ({
    id: world.applicationId,
    name: world.user(bot()).username,
    icon: null,
    description: '',
    summary: '',
    bot_public: true,
    bot_require_code_grant: false,
    bot: toAPIUser(world.user(bot())),
    verify_key: '0'.repeat(64),
    flags: d.applicationFlags(),
    owner: { id: '0', username: 'owner', discriminator: '0', global_name: null, avatar: null },
    team: null,
    approximate_guild_count: world.guilds.size,
    install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' },
  });

  // ---- gateway, users, application
  router.add('GET', '/gateway', () => ok({ url: d.gatewayUrl() }), { auth: false });
  router.add('GET', '/gateway/bot', () =>
    ok({
      url: d.gatewayUrl(),
      shards: d.recommendedShards(),
      session_start_limit: { total: 1000, remaining: 1000 - d.identifyCount(), reset_after: 14_400_000, max_concurrency: d.maxConcurrency() },
    }),
  );
  registerDirectMessageRoutes(router, d.dms);
  router.add('GET', '/users/@me', () => ok(toAPIUser(world.user(bot()))));
  router.add('GET', '/users/:userId', (r) => ok(toAPIUser(world.user(r.params.userId!))));
  router.add('GET', '/applications/@me', () => ok(application()));
  router.add('GET', '/oauth2/applications/@me', () => ok(application()));

  // ---- application commands (global and per guild)
  const appScope = (params: Record<string, string>) => {
    if (params.applicationId !== world.applicationId) throw missingAccess();
    if (params.guildId) guildOfBot(params.guildId);
    return params.guildId;
  };
  for (const base of ['/applications/:applicationId/commands', '/applications/:applicationId/guilds/:guildId/commands']) {
    router.add('GET', base, (r) => ok(commands.list(appScope(r.params))));
    router.add('PUT', base, (r) => ok(commands.overwrite(r.body, appScope(r.params))));
    router.add('POST', base, (r) => {
      const { command, created } = commands.upsert(r.body, appScope(r.params));
      return ok(command, created ? 201 : 200);
    });
    router.add('GET', `${base}/:commandId`, (r) => ok(commands.get(r.params.commandId!, appScope(r.params))));
    router.add('PATCH', `${base}/:commandId`, (r) => ok(commands.edit(r.params.commandId!, r.body, appScope(r.params))));
    router.add('DELETE', `${base}/:commandId`, (r) => {
      commands.remove(r.params.commandId!, appScope(r.params));
      return noContent();
    });
  }
  router.add('GET', '/applications/:applicationId/guilds/:guildId/commands/permissions', (r) => {
    appScope(r.params);
    return ok([]);
  });

  // ---- guilds
  router.add('GET', '/guilds/:guildId', (r) => {
    const g = guildOfBot(r.params.guildId!);
    const { channels: _c, threads: _t, members: _m, voice_states: _v, presences: _p, ...guild } = apiGuildCreate(world, g, false);
    return ok({ ...guild, approximate_member_count: g.members.size, approximate_presence_count: 0 });
  });
  router.add('GET', '/guilds/:guildId/channels', (r) => {
    const g = guildOfBot(r.params.guildId!);
    return ok([...world.channels.values()].filter((c) => c.guildId === g.id && !c.deleted && !isThread(c)).map(toAPIChannel));
  });
  router.add('GET', '/guilds/:guildId/threads/active', (r) => {
    const g = guildOfBot(r.params.guildId!);
    return ok(listActiveThreads(world, g.id, bot()));
  });
  router.add('GET', '/guilds/:guildId/roles', (r) => ok([...guildOfBot(r.params.guildId!).roles.values()].map(toAPIRole)));
  router.add('GET', '/guilds/:guildId/roles/:roleId', (r) => {
    const role = guildOfBot(r.params.guildId!).roles.get(r.params.roleId!);
    if (!role) throw new DiscordHttpError(404, ErrorCode.UnknownRole, 'Unknown Role');
    return ok(toAPIRole(role));
  });
  router.add('GET', '/guilds/:guildId/members/:userId', (r) => {
    guildOfBot(r.params.guildId!);
    return ok(toAPIMember(world.member(r.params.guildId!, r.params.userId!), world.user(r.params.userId!)));
  });
  router.add('GET', '/guilds/:guildId/members', (r) => {
    const g = guildOfBot(r.params.guildId!);
    if (!d.guildMembersAllowed()) throw missingAccess();
    const limit = Math.min(Number(r.query.get('limit') ?? 1), 1000);
    const after = BigInt(r.query.get('after') ?? '0');
    const members = [...g.members.values()].filter((m) => BigInt(m.userId) > after).sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1));
    return ok(members.slice(0, limit).map((m) => toAPIMember(m, world.user(m.userId))));
  });

  // ---- channels and threads (thread members and pins first: `messages/pins` must not match `messages/:messageId`)
  registerPrivateThreadRoutes(router, world, visibleChannel);
  router.add('GET', '/channels/:channelId', (r) => ok(toAPIChannel(visibleChannel(r.params.channelId!))));
  router.add('PATCH', '/channels/:channelId', (r) => {
    const channel = visibleChannel(r.params.channelId!);
    const limited = renames.check(channel.id, r.body);
    if (limited) return limited;
    const edited = editChannel(world, bot(), channel, r.body);
    renames.record(channel.id, r.body);
    return ok(toAPIChannel(edited));
  });
  router.add('DELETE', '/channels/:channelId', (r) => {
    const c = visibleChannel(r.params.channelId!);
    deleteChannel(world, bot(), c);
    return ok(toAPIChannel(c));
  });
  router.add('POST', '/channels/:channelId/threads', (r) => {
    const { thread, message } = startThread(world, bot(), visibleChannel(r.params.channelId!), r.body, r.files);
    return ok({ ...toAPIChannel(thread), ...(message ? { message: apiMessage(world, message) } : {}) }, 201);
  });
  router.add('GET', '/channels/:channelId/threads/archived/public', (r) => {
    const parent = visibleChannel(r.params.channelId!);
    const archived = [...world.channels.values()].filter((c) => c.parentId === parent.id && !c.deleted && c.thread?.archived);
    return ok({ threads: archived.map(toAPIChannel), members: [], has_more: false });
  });
  router.add('POST', '/channels/:channelId/typing', (r) => {
    triggerTyping(world, bot(), visibleChannel(r.params.channelId!));
    return noContent();
  });

  // ---- messages
  router.add('GET', '/channels/:channelId/messages', (r) => {
    const c = visibleChannel(r.params.channelId!);
    if (!world.can(c, bot(), PermissionFlagsBits.ReadMessageHistory)) return ok([]);
    const limit = Math.max(1, Math.min(Number(r.query.get('limit') ?? 50), 100));
    let list = visibleMessages(world, c.id);
    const before = r.query.get('before');
    const after = r.query.get('after');
    if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
    if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit);
    return ok(list.slice(-limit).reverse().map(messageForBot));
  });
  router.add('GET', '/channels/:channelId/messages/:messageId', (r) => {
    const c = visibleChannel(r.params.channelId!);
    const m = world.message(c.id, r.params.messageId!);
    if (m.ephemeralTo) throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    return ok(messageForBot(m));
  });
  router.add('POST', '/channels/:channelId/messages', (r) => {
    if (d.dms.has(r.params.channelId!)) return ok(d.dms.send(r.params.channelId!, parseMessageBody(r.body, r.files)));
    const c = visibleChannel(r.params.channelId!);
    const input = parseMessageBody(r.body, r.files);
    if (input.flags !== undefined) input.flags &= ~MessageFlags.Ephemeral;
    return ok(apiMessage(world, createMessage(world, bot(), c, input)));
  });
  router.add('PATCH', '/channels/:channelId/messages/:messageId', (r) => {
    const c = visibleChannel(r.params.channelId!);
    const m = world.message(c.id, r.params.messageId!);
    return ok(apiMessage(world, editMessage(world, bot(), m, parseMessageBody(r.body, r.files))));
  });
  router.add('DELETE', '/channels/:channelId/messages/:messageId', (r) => {
    const c = visibleChannel(r.params.channelId!);
    deleteMessage(world, bot(), world.message(c.id, r.params.messageId!));
    return noContent();
  });

  // ---- interactions (no Authorization: the token in the path is the credential)
  router.add(
    'POST',
    '/interactions/:interactionId/:token/callback',
    (r) => {
      const { type, message } = interactions.callback(r.params.interactionId!, r.params.token!, r.body, r.files);
      if (r.query.get('with_response') !== 'true') return noContent();
      return ok({
        interaction: {
          id: r.params.interactionId,
          type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: (message.flags & MessageFlags.Loading) !== 0,
                response_message_ephemeral: message.ephemeralTo !== undefined,
              }
            : {}),
        },
        resource: { type, ...(message ? { message: apiMessage(world, message) } : {}) },
      });
    },
    { auth: false },
  );
  const hook = '/webhooks/:applicationId/:token';
  router.add('GET', `${hook}/messages/:messageId`, (r) => ok(apiMessage(world, interactions.getMessage(r.params.applicationId!, r.params.token!, r.params.messageId!))), {
    auth: false,
  });
  router.add(
    'PATCH',
    `${hook}/messages/:messageId`,
    (r) => ok(apiMessage(world, interactions.editMessage(r.params.applicationId!, r.params.token!, r.params.messageId!, r.body, r.files))),
    { auth: false },
  );
  router.add(
    'DELETE',
    `${hook}/messages/:messageId`,
    (r) => {
      interactions.deleteMessage(r.params.applicationId!, r.params.token!, r.params.messageId!);
      return noContent();
    },
    { auth: false },
  );
  router.add(
    'POST',
    hook,
    (r) => {
      const m = interactions.followUp(r.params.applicationId!, r.params.token!, r.body, r.files);
      return r.query.get('wait') === 'true' ? ok(apiMessage(world, m)) : noContent();
    },
    { auth: false },
  );
}

