import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { startDiscordBot } from '../../src/discord/client.js';
import { sweepStaleTickets } from '../../src/discord/support/stale-sweeper.js';
import { DEFAULT_BOT_PERMISSIONS } from '../fakes/discord/index.js';
import { capturingLogger } from '../reliability/helpers.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';
import { botMessages, contextOf, openAnsweredTicket, postTicket, quietFor, TRAINED_ENV } from './support-helpers.js';

/**
 * The bot kicked from a server (or the server deleted): Discord sends GUILD_DELETE without `unavailable`, and every
 * later request about that server is refused (403 50001 / 404 10004). What an admin expects: the bot stops working
 * there quietly (one info line), keeps the server's tickets (they may invite it back), and nothing retries and warns
 * every minute. Invited back, it works there again. An outage (GUILD_DELETE with `unavailable: true`) is not a removal.
 */
const HOUR = 60 * 60 * 1000;
const start = useBotWorldStarter();

type Log = ReturnType<typeof capturingLogger>;
/** Global commands (no DISCORD_GUILD_ID): the bot may be in servers other than the one it was set up in, or in none. */
const ENV = { ...TRAINED_ENV, STALE_TICKET_HOURS: '48', DISCORD_GUILD_ID: '' };

async function world(): Promise<{ w: BotWorld; log: Log }> {
  let log!: Log;
  const w = await start(ENV, { logger: (token) => (log = capturingLogger([token])).logger });
  await w.setup();
  return { w, log };
}


/** The log's entries (pino-pretty: `[time] LEVEL (pid): message`, fields indented below) written after `from`. */
const lines = (log: Log, from = 0) =>
  log
    .text()
    .slice(from)
    .split('\n')
    .map((l) => /^\[[^\]]*\] (\w+) \([^)]*\): (.*)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ level: m[1]!, msg: m[2]! }));
const warnings = (log: Log, from: number) => lines(log, from).filter((l) => ['WARN', 'ERROR', 'FATAL'].includes(l.level));
/** What the bot asked Discord about `guildId`'s channels or the server itself after `since`, and was refused. */
const refusedSince = (w: BotWorld, since: number) => w.fake.requests.filter((r) => r.at >= since && (r.status === 403 || r.status === 404));

describe('the bot removed from a server', () => {
  it('stops working there quietly: one info line, no sweep of its tickets, no warnings every minute; the tickets are kept', async () => {
    const { w, log } = await world();
    const { threadId, answeredAt } = await openAnsweredTicket(w, 'Lag', 'The game lags in the evening');
    const ctx = contextOf(w);
    const from = log.text().length;
    const removedAt = Date.now();

    w.fake.removeBotFromGuild(w.guildId);
    await w.fake.waitFor(() => !w.bot.client.guilds.cache.has(w.guildId), 3000, 'discord.js forgot the server');
    // The member's ticket is due a reminder, then a close: neither can happen in a server the bot left.
    for (const after of [49, 50, 98, 99]) expect(await sweepStaleTickets(ctx, answeredAt + after * HOUR)).toEqual({ reminded: 0, closed: 0 });

    const logged = lines(log, from);
    expect(warnings(log, from)).toEqual([]);
    const removed = logged.filter((l) => /removed from/i.test(l.msg));
    expect(removed).toHaveLength(1);
    expect(removed[0]!.level).toBe('INFO');
    expect(removed[0]!.msg).toContain('Test Server');
    expect(refusedSince(w, removedAt)).toEqual([]);
    expect(w.core.tickets.getByThread(w.guildId, threadId)!.status).toBe('open');
    expect(w.core.guildSettings.get(w.guildId)).toBeDefined();
  });

  it('what the matcher keeps in memory of the server goes with it; invited back, its training answers again', async () => {
    const { w } = await world();
    w.core.training.add(w.guildId, { question: 'The game lags in the evening', answer: 'Lower the graphics settings in the evening.' });
    await openAnsweredTicket(w, 'Lag', 'The game lags in the evening');
    expect(w.core.matcher.held()).toMatchObject({ frequencyGuilds: [w.guildId], preparedGuilds: 1, documents: 1, parsedDocuments: 1 });

    w.fake.removeBotFromGuild(w.guildId);
    await w.fake.waitFor(() => !w.bot.client.guilds.cache.has(w.guildId), 3000, 'discord.js forgot the server');
    expect(w.core.matcher.held()).toEqual({ frequencyGuilds: [], frequencies: 0, preparedGuilds: 0, documents: 0, parsedDocuments: 0 });
    expect(w.core.training.count(w.guildId)).toBe(1); // the training itself is kept

    w.fake.addBotToGuild(w.guildId);
    await w.fake.waitFor(() => w.bot.client.guilds.cache.get(w.guildId)?.available, 3000, 'the server back in the cache');
    const { threadId } = await openAnsweredTicket(w, 'Lag again', 'The game lags in the evening');
    expect(botMessages(w, threadId).some((m) => m.content.includes('Lower the graphics settings in the evening.'))).toBe(true);
  });

  it('invited back (GUILD_CREATE), it works there again: the due reminder is posted', async () => {
    const { w } = await world();
    const { threadId, answeredAt } = await openAnsweredTicket(w, 'Audio', 'No sound in voice chat');
    const ctx = contextOf(w);
    w.fake.removeBotFromGuild(w.guildId);
    await w.fake.waitFor(() => !w.bot.client.guilds.cache.has(w.guildId), 3000);
    expect(await sweepStaleTickets(ctx, answeredAt + 49 * HOUR)).toEqual({ reminded: 0, closed: 0 });

    w.fake.addBotToGuild(w.guildId);
    await w.fake.waitFor(() => w.bot.client.guilds.cache.get(w.guildId)?.available, 3000, 'the server back in the cache');
    expect(await sweepStaleTickets(ctx, answeredAt + 49 * HOUR)).toEqual({ reminded: 1, closed: 0 });
    const reminder = await w.fake.waitForMessage(threadId, (m) => m.content.startsWith('👋'));
    expect(reminder.mentionsPinged.users).toEqual([w.memberId]);
  });

  it('removed while the bot was offline: at start-up (the server not in READY) nothing is swept or asked there, and the tickets are kept', async () => {
    const { w, log } = await world();
    const { threadId, answeredAt } = await openAnsweredTicket(w, 'Crash', 'It crashes on start');
    await w.bot.stop();
    w.fake.removeBotFromGuild(w.guildId); // no session hears it
    const from = log.text().length;
    const restartedAt = Date.now();
    w.bot = await startDiscordBot(w.core, w.fake.token);
    expect(w.bot.client.guilds.cache.has(w.guildId)).toBe(false);

    const ctx = contextOf(w);
    for (const after of [49, 98]) expect(await sweepStaleTickets(ctx, answeredAt + after * HOUR)).toEqual({ reminded: 0, closed: 0 });
    expect(refusedSince(w, restartedAt)).toEqual([]);
    expect(warnings(log, from)).toEqual([]);
    expect(w.core.tickets.getByThread(w.guildId, threadId)!.status).toBe('open');
  });

  it('an outage (GUILD_DELETE with `unavailable: true`) is not a removal: no "removed" line, and the server is swept again once it is back', async () => {
    const { w, log } = await world();
    const { threadId, answeredAt } = await openAnsweredTicket(w, 'Login', 'I cannot log in');
    const ctx = contextOf(w);
    const from = log.text().length;
    w.fake.setGuildUnavailable(w.guildId, true);
    await w.fake.waitFor(() => w.bot.client.guilds.cache.get(w.guildId)?.available === false, 3000);
    // Discord cannot serve the server meanwhile: the reminder waits for it.
    expect(await sweepStaleTickets(ctx, answeredAt + 49 * HOUR)).toEqual({ reminded: 0, closed: 0 });

    w.fake.setGuildUnavailable(w.guildId, false);
    await w.fake.waitFor(() => w.bot.client.guilds.cache.get(w.guildId)?.available, 3000);
    expect(await sweepStaleTickets(ctx, answeredAt + 49 * HOUR)).toEqual({ reminded: 1, closed: 0 });
    expect(lines(log, from).filter((l) => /removed from/i.test(l.msg))).toEqual([]);
  });

  it('a close Discord had refused (listed for retry) in a server the bot then left is not retried there, and stays listed for a re-invite', async () => {
    const { w, log } = await world();
    const { threadId } = await openAnsweredTicket(w, 'Refund', 'I want my money back');
    const withoutManageThreads = DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.ManageThreads;
    w.fake.setRolePermissions(w.guildId, w.botRoleId, withoutManageThreads);
    await w.fake.waitFor(() => w.bot.client.guilds.cache.get(w.guildId)?.roles.cache.get(w.botRoleId)?.permissions.bitfield === withoutManageThreads, 3000);
    await (await w.command('close_ticket', {}, { userId: w.staffId, channelId: threadId })).waitForResponse();
    await w.fake.waitFor(() => w.core.closing.pending().length === 1, 3000, 'the close listed for retry');
    // The close's last step, the member's rating DM, is sent: nothing of it is still in flight.
    await w.fake.waitFor(() => w.fake.directMessagesTo(w.memberId).length === 1, 3000, 'the rating DM');

    const from = log.text().length;
    const removedAt = Date.now();
    w.fake.removeBotFromGuild(w.guildId);
    await w.fake.waitFor(() => !w.bot.client.guilds.cache.has(w.guildId), 3000);
    await sweepStaleTickets(contextOf(w));
    await sweepStaleTickets(contextOf(w));
    expect(warnings(log, from)).toEqual([]);
    expect(refusedSince(w, removedAt)).toEqual([]);
    expect(w.core.closing.pending().map((p) => p.threadId)).toEqual([threadId]);
  });
});

describe('the bot removed from the server its commands are registered in (DISCORD_GUILD_ID), then invited back', () => {
  /** Discord deletes the app's commands in a server it is removed from (tests/fakes/discord/commands.ts, `dropGuild`). */
  async function guildWorld(): Promise<{ w: BotWorld; log: Log }> {
    let log!: Log;
    const w = await start({ ...TRAINED_ENV, STALE_TICKET_HOURS: '48' }, { logger: (token) => (log = capturingLogger([token])).logger });
    await w.setup();
    return { w, log };
  }

  async function removeAndInviteBack(w: BotWorld): Promise<void> {
    w.fake.removeBotFromGuild(w.guildId);
    await w.fake.waitFor(() => !w.bot.client.guilds.cache.has(w.guildId), 3000, 'discord.js forgot the server');
    w.fake.addBotToGuild(w.guildId);
    await w.fake.waitFor(() => w.bot.client.guilds.cache.get(w.guildId)?.available, 3000, 'the server back in the cache');
  }

  it('registers the commands there again on joining: staff use them at once, without a restart', async () => {
    const { w, log } = await guildWorld();
    const before = w.fake.commands(w.guildId).map((c) => c.name).sort();
    const from = log.text().length;
    await removeAndInviteBack(w);

    await w.fake.waitFor(() => w.fake.commands(w.guildId).length === before.length, 3000, 'the commands back in the server');
    expect(w.fake.commands(w.guildId).map((c) => c.name).sort()).toEqual(before);
    const reply = await (await w.command('setup', { forum: w.forumId, staff_role: w.staffRoleId })).waitForResponse();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).not.toMatch(/error|failed/i);
    const { threadId } = await openAnsweredTicket(w, 'Back', 'Are you back?');
    expect(w.core.tickets.getByThread(w.guildId, threadId)!.status).toBe('open');
    expect(warnings(log, from)).toEqual([]);
    expect(lines(log, from).filter((l) => /registered the slash commands again/i.test(l.msg))).toHaveLength(1);
  });

  it('Discord refusing the new registration (no applications.commands scope in the new invite): one warning saying what to do, no crash', async () => {
    const { w, log } = await guildWorld();
    const from = log.text().length;
    w.fake.faults.failNext({ status: 403, code: 50001, route: /\/guilds\/\d+\/commands$/ });
    await removeAndInviteBack(w);

    await w.fake.waitFor(() => warnings(log, from).length > 0, 3000, 'the warning');
    await quietFor(300);
    const warned = warnings(log, from);
    expect(warned).toHaveLength(1);
    expect(warned[0]!.level).toBe('WARN');
    expect(warned[0]!.msg).toContain('applications.commands');
    expect(w.fake.commands(w.guildId)).toEqual([]);
    // The bot itself keeps working there: a member's ticket post is answered.
    const threadId = postTicket(w, 'Still there', 'Do you still answer?');
    await w.fake.waitFor(() => w.fake.messages(threadId).some((m) => m.author.bot), 5000, 'an answer');
  });
});
