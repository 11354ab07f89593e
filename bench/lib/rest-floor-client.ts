/**
 * Child process of the bench: a discord.js client built like the bot's (same library, intents and
 * REST base) that posts bare messages and times each `channel.send()` from call to resolved
 * promise. Prints one JSON line: { "times": [ms, ...] }.
 */
import { performance } from 'node:perf_hooks';
import { Client, Events, GatewayIntentBits, Partials, type TextChannel } from 'discord.js';
import { NO_MENTIONS } from '../../src/discord/reply.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const channelIds = env('FLOOR_CHANNELS').split(',');
const samples = Number(env('FLOOR_SAMPLES'));
const warmUp = Number(env('FLOOR_WARMUP'));
const gapMs = Number(env('FLOOR_GAP_MS'));

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
  partials: [Partials.Message],
  rest: { api: env('DISCORD_API_URL') },
  allowedMentions: NO_MENTIONS,
});
const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
await client.login(env('DISCORD_TOKEN'));
await ready;
const channels = await Promise.all(channelIds.map(async (id) => (await client.channels.fetch(id)) as TextChannel));

const times: number[] = [];
for (let i = 0; i < warmUp + samples; i++) {
  const channel = channels[i % channels.length]!;
  const started = performance.now();
  await channel.send({ content: `Floor message ${i}: how long one post takes.`, allowedMentions: NO_MENTIONS });
  if (i >= warmUp) times.push(performance.now() - started);
  await new Promise((resolve) => setTimeout(resolve, gapMs));
}
await client.destroy();
console.log(JSON.stringify({ times }));
