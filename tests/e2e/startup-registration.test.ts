import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDiscordBot } from '../../src/discord/client.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { npmStartNodeArgs } from '../npm-start.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';

/** The bulk overwrite of the guild's commands, and the look at the global scope that follows it (register.ts). */
const GUILD_COMMANDS = /^\/applications\/\d+\/guilds\/\d+\/commands$/;
const GLOBAL_COMMANDS = /^\/applications\/\d+\/commands$/;

const startWorld = useBotWorldStarter();

/** Stops the bot (the database stays), then starts it again without waiting for its start-up to finish. */
async function restartInBackground(world: BotWorld) {
  await world.bot.stop();
  const starting = startDiscordBot(world.core, world.fake.token);
  // The world's stop() must stop this bot, whatever the test does with it.
  void starting.then((bot) => (world.bot = bot)).catch(() => undefined);
  return starting;
}

/** /setup as the admin, answered at all: the reply's text, for the assertions. */
async function setupReply(world: BotWorld): Promise<string> {
  const handle = await world.command('setup', { forum: world.forumId, staff_role: world.staffRoleId });
  const reply = await handle.waitForResponse({ timeoutMs: 2500 });
  return `${reply.content ?? ''} ${JSON.stringify(reply.embeds)}`;
}

describe('start-up: commands used while the registration is still in flight', () => {
  it('during a restart, a command from the previous run (still in the menu while the new PUT waits) is answered', async () => {
    const world = await startWorld();
    const slowPut = world.fake.faults.holdNext({ method: 'PUT', route: GUILD_COMMANDS });
    const starting = restartInBackground(world);
    await slowPut.arrived;
    expect(world.fake.commands(world.guildId).map((c) => c.name)).toContain('setup'); // the old registration stands

    expect(await setupReply(world)).toMatch(/tickets/i);
    slowPut.release();
    await starting;
    expect(world.fake.gatewaySessions.filter((s) => s.connected)).toHaveLength(1);
  });

  it('the moment the guild’s commands appear, while the global scope is still being cleaned, a command is answered', async () => {
    const world = await startWorld();
    await world.bot.client.application.commands.set([], world.guildId); // as on a first start: no commands yet
    const slowCleanUp = world.fake.faults.holdNext({ method: 'GET', route: GLOBAL_COMMANDS });
    const starting = restartInBackground(world);
    await slowCleanUp.arrived;
    expect(world.fake.commands(world.guildId).map((c) => c.name)).toContain('setup'); // just registered

    expect(await setupReply(world)).toMatch(/tickets/i);
    slowCleanUp.release();
    await starting;
  });
});

describe('start-up: a registration Discord refuses', () => {
  it('rejects with what to do, and leaves no gateway session behind (the client is destroyed)', async () => {
    const world = await startWorld();
    await world.bot.stop();
    world.fake.faults.failNext({ status: 403, code: 50001, route: GUILD_COMMANDS });
    const failed = await startDiscordBot(world.core, world.fake.token).then(
      () => new Error('start-up succeeded'),
      (error: unknown) => error as Error,
    );
    expect(failed.name).toBe('CommandRegistrationError');
    expect(failed.message).toContain('Missing Access');
    expect(failed.message).toContain('applications.commands');
    // Nobody is listening for members' commands: Discord sees the bot go offline.
    await world.fake.waitFor(() => world.fake.gatewaySessions.every((s) => !s.connected), 3000);
    // stop() must not stop a client that is gone: give the world a bot that is already stopped.
    world.bot = { ...world.bot, stop: async () => undefined };
  });

  it('npm start exits 1 with the reason in its log, not a stack trace', async () => {
    const fake = await FakeDiscord.start();
    try {
      const guild = fake.createGuild({ name: 'Support', ownerName: 'alice' });
      fake.faults.failNext({ status: 403, code: 50001, route: GUILD_COMMANDS });
      const cwd = mkdtempSync(join(tmpdir(), 'bot-start-'));
      const env = {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: guild.id,
        DB_PATH: join(cwd, 'bot.db'),
        OLLAMA_URL: 'http://127.0.0.1:9', // nothing there: the bot only warns about it
      };
      // Asynchronous: the fake Discord answers from this process while the bot runs.
      const child = spawn(process.execPath, npmStartNodeArgs(), { cwd, env });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      clearTimeout(timer);
      expect(code, output).toBe(1);
      expect(output).toContain('Discord did not register the slash commands');
      expect(output).toContain('applications.commands');
      expect(output).not.toMatch(/\n\s+at /);
      expect(output).not.toContain(fake.token);
    } finally {
      await fake.stop();
    }
  }, 30_000);
});
