import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createCore, type Core } from '../../src/core/core.js';
import { openDatabase } from '../../src/db/database.js';
import { startDiscordBot, type RunningBot } from '../../src/discord/client.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { testConfig } from '../core/helpers.js';
import { FakeDiscord, type FakeDiscordOptions, type SlashCommandInput } from '../fakes/discord/index.js';
import { FakeOllama } from '../fakes/ollama.js';

/**
 * One server as a member sees it — a forum for tickets, a staff role, an admin, a staff member
 * and an ordinary member — with the real bot logged in through the fake Discord and talking to
 * the fake Ollama.
 */
export interface BotWorld {
  fake: FakeDiscord;
  ollama: FakeOllama;
  core: Core;
  bot: RunningBot;
  guildId: string;
  forumId: string;
  generalId: string;
  staffRoleId: string;
  /** The role Discord gives the bot on joining; tests narrow its permissions. */
  botRoleId: string;
  adminId: string;
  staffId: string;
  memberId: string;
  /** Runs a slash command as a user (the admin by default) and returns the interaction handle. */
  command(name: string, options?: SlashCommandInput['options'], as?: { userId?: string; channelId?: string; attachments?: SlashCommandInput['attachments'] }): ReturnType<FakeDiscord['invokeSlashCommand']>;
  /** Runs /setup with the forum and staff role. */
  setup(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartBotWorldOptions {
  /**
   * Where the bot's log goes (silent by default); tests that assert log lines pass their own, or a
   * function that builds it from the bot's token (to redact it, as the bot does).
   */
  logger?: Logger | ((token: string) => Logger);
  fake?: FakeDiscordOptions;
  beforeLogin?: (fake: FakeDiscord, guildId: string) => void;
}

export async function startBotWorld(env: Record<string, string> = {}, opts: StartBotWorldOptions = {}): Promise<BotWorld> {
  const fake = await FakeDiscord.start(opts.fake);
  const ollama = await FakeOllama.start();
  const guild = fake.createGuild({ name: 'Test Server', ownerName: 'admin' });
  // As SETUP.md asks: the bot's invite does not include Mention Everyone, so the staff role is made mentionable.
  const staffRole = fake.createRole(guild.id, { name: 'Support', permissions: PermissionFlagsBits.ManageMessages, mentionable: true });
  const staff = fake.addMember(guild.id, { username: 'helper', roles: [staffRole.id] });
  const member = fake.addMember(guild.id, { username: 'member' });
  const forum = fake.createChannel(guild.id, { type: ChannelType.GuildForum, name: 'tickets' });
  const general = fake.createChannel(guild.id, { type: ChannelType.GuildText, name: 'general' });

  const config = testConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: guild.id,
    OLLAMA_URL: ollama.url,
    OLLAMA_FIRST_TOKEN_TIMEOUT: '3',
    ...env,
  });
  const logger = typeof opts.logger === 'function' ? opts.logger(fake.token) : opts.logger;
  const core = createCore(openDatabase(config.DB_PATH), config, logger ?? silentLogger());
  opts.beforeLogin?.(fake, guild.id);
  const bot = await startDiscordBot(core, fake.token);

  const world: BotWorld = {
    fake,
    ollama,
    core,
    bot,
    guildId: guild.id,
    forumId: forum.id,
    generalId: general.id,
    staffRoleId: staffRole.id,
    botRoleId: guild.botRoleId,
    adminId: guild.ownerId,
    staffId: staff.id,
    memberId: member.id,
    command(name, options = {}, as = {}) {
      return fake.invokeSlashCommand({
        guildId: guild.id,
        channelId: as.channelId ?? general.id,
        userId: as.userId ?? guild.ownerId,
        name,
        options,
        ...(as.attachments ? { attachments: as.attachments } : {}),
      });
    },
    async setup() {
      const handle = await world.command('setup', { forum: forum.id, staff_role: staffRole.id });
      await handle.waitForResponse();
    },
    async stop() {
      // The world's current bot and core: a test may have restarted them.
      await world.bot.stop();
      world.core.db.close();
      await Promise.all([fake.stop(), ollama.stop()]);
    },
  };
  return world;
}

export interface UseBotWorldOptions extends StartBotWorldOptions {
  /** Runs /setup once the bot is up (the default); false where the file sets the server up its own way. */
  setup?: boolean;
  /** A new world for every test (beforeEach/afterEach) instead of one shared by the file's tests. */
  perTest?: boolean;
}

/**
 * Registers the hooks that start a world (and run /setup) before the tests and stop it after them,
 * and returns that world. A file's own beforeAll registered after this call runs once the world is up
 * (vitest runs a suite's hooks in the order they were registered).
 *
 * The world only exists once the hook has run, so what is returned stands in for it: every property
 * read or written goes to the world of the moment (with `perTest`, the current test's), and a test
 * that restarts the bot (`w.bot = …`) changes the world that the after-hook stops.
 */
export function useBotWorld(env: Record<string, string> = {}, opts: UseBotWorldOptions = {}): BotWorld {
  const { setup = true, perTest = false, ...startOptions } = opts;
  let world: BotWorld | undefined;
  (perTest ? beforeEach : beforeAll)(async () => {
    world = await startBotWorld(env, startOptions);
    if (setup) await world.setup();
  });
  (perTest ? afterEach : afterAll)(async () => {
    await world?.stop();
    world = undefined;
  });
  const started = (): BotWorld => {
    if (!world) throw new Error('useBotWorld: the world is used outside a test or hook, before it started or after it stopped');
    return world;
  };
  return new Proxy({} as BotWorld, {
    get: (_, key) => Reflect.get(started(), key),
    set: (_, key, value) => Reflect.set(started(), key, value),
  });
}

/**
 * For files whose tests each start their own world (each with its own settings): returns the function that
 * starts one, and registers the hook that stops every world it started once the test is over, whatever the
 * test did. A file's own afterEach registered before this call runs after the worlds are stopped.
 */
export function useBotWorldStarter(): (env?: Record<string, string>, opts?: StartBotWorldOptions) => Promise<BotWorld> {
  let started: BotWorld[] = [];
  afterEach(async () => {
    const stopping = started;
    started = [];
    await Promise.all(stopping.map((world) => world.stop()));
  });
  return async (env, opts) => {
    const world = await startBotWorld(env, opts);
    started.push(world);
    return world;
  };
}
