import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { FakeDiscord } from '../../tests/fakes/discord/index.js';
import { FakeOllama } from '../../tests/fakes/ollama.js';

/** The server the bot serves in the bench: a ticket forum, a staff role, an admin and many members. */
export interface Scene {
  fake: FakeDiscord;
  ollama: FakeOllama;
  guildId: string;
  forumId: string;
  generalId: string;
  adminId: string;
  staffRoleId: string;
  /** Ordinary members, each opening their own ticket. */
  members: string[];
  stop(): Promise<void>;
}

/**
 * Discord's real rate limits (5 message posts or edits per 5 s per channel, 50 requests per second
 * in all), because a burst of tickets meets them on Discord too.
 */
export async function startScene(memberCount: number): Promise<Scene> {
  const fake = await FakeDiscord.start({ rateLimits: 'realistic' });
  const ollama = await FakeOllama.start();
  const guild = fake.createGuild({ name: 'Bench Server', ownerName: 'admin' });
  const staffRole = fake.createRole(guild.id, { name: 'Support', permissions: PermissionFlagsBits.ManageMessages });
  fake.addMember(guild.id, { username: 'helper', roles: [staffRole.id] });
  const forum = fake.createChannel(guild.id, { type: ChannelType.GuildForum, name: 'tickets' });
  const general = fake.createChannel(guild.id, { type: ChannelType.GuildText, name: 'general' });
  const members = Array.from({ length: memberCount }, (_, i) => fake.addMember(guild.id, { username: `member${i}` }).id);
  return {
    fake,
    ollama,
    guildId: guild.id,
    forumId: forum.id,
    generalId: general.id,
    adminId: guild.ownerId,
    staffRoleId: staffRole.id,
    members,
    async stop() {
      await Promise.all([fake.stop(), ollama.stop()]);
    },
  };
}

/** The admin runs `/setup` (the ticket forum, the staff role) as any server does; throws on an unexpected answer. */
export async function setUpBot(scene: Scene): Promise<void> {
  const setup = await (
    await scene.fake.invokeSlashCommand({ guildId: scene.guildId, channelId: scene.generalId, userId: scene.adminId, name: 'setup', options: { forum: scene.forumId, staff_role: scene.staffRoleId } })
  ).waitForResponse();
  if (!/forum|ticket/i.test(setup.content + JSON.stringify(setup.embeds))) throw new Error(`/setup answered unexpectedly: ${setup.content}`);
}
