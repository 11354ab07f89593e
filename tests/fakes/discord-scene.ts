import { ChannelType, Client, DiscordAPIError, Events, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions, type GuildView } from './discord/index.js';

/** What the fake Discord's own tests share: a server with a member, a text channel and a forum, and the real discord.js client logged in. */

export const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

export async function loggedInClient(fake: FakeDiscord, intents = INTENTS): Promise<Client> {
  const client = new Client({ intents, rest: { api: fake.apiUrl } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
  return client;
}

/** Resolves with the first `event` whose arguments satisfy `predicate`. */
export function nextEvent<T extends unknown[]>(client: Client, event: string, predicate: (...args: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (...args: unknown[]) => {
      if (!predicate(...(args as T))) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args as T);
    };
    client.on(event, listener);
  });
}

export async function apiErrorOf(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DiscordAPIError)) throw new Error(`expected a DiscordAPIError, got ${String(err)}`);
  return err;
}

export interface Scene {
  fake: FakeDiscord;
  client: Client;
  guild: GuildView;
  /** A text channel's id. */
  general: string;
  /** A forum's id, with the tags Open and Answered. */
  forum: string;
  member: { id: string; username: string };
  staffRole: { id: string };
}

/** "Support Server" (owner alice) with bob, a Staff role, #general and the forum "tickets"; the bot "Helper" logged in. */
export async function startScene(): Promise<Scene> {
  const fake = await FakeDiscord.start({ botUser: { username: 'Helper' } });
  const guild = fake.createGuild({ name: 'Support Server', ownerName: 'alice' });
  const staffRole = fake.createRole(guild.id, { name: 'Staff', permissions: PermissionFlagsBits.ManageMessages });
  const member = fake.addMember(guild.id, { username: 'bob' });
  const general = fake.createChannel(guild.id, { name: 'general' }).id;
  const forum = fake.createChannel(guild.id, {
    type: ChannelType.GuildForum,
    name: 'tickets',
    available_tags: [{ name: 'Open' }, { name: 'Answered' }],
  }).id;
  const client = await loggedInClient(fake);
  return { fake, client, guild, general, forum, member, staffRole };
}

/** The suite's scene: started before its tests (`onStart` gets it, to fill the suite's variables), stopped after them. */
export function withScene(onStart: (scene: Scene) => void): void {
  let scene: Scene | undefined;
  beforeAll(async () => {
    scene = await startScene();
    onStart(scene);
  });
  afterAll(async () => {
    await scene?.client.destroy();
    await scene?.fake.stop();
  });
}

/** A bare fake for the suite, for raw WebSocket and HTTP clients: started before its tests, stopped after them. */
export function withFake(opts: FakeDiscordOptions, onStart: (fake: FakeDiscord) => void): void {
  let fake: FakeDiscord | undefined;
  beforeAll(async () => {
    fake = await FakeDiscord.start(opts);
    onStart(fake);
  });
  afterAll(async () => {
    await fake?.stop();
  });
}
