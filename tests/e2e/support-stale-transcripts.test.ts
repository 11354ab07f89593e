import { ChannelType } from 'discord-api-types/v10';
import { beforeAll, describe, expect, it } from 'vitest';
import { INACTIVE_REASON } from '../../src/core/support/stale-tickets.js';
import type { BotContext } from '../../src/discord/context.js';
import { sweepStaleTickets } from '../../src/discord/support/stale-sweeper.js';
import { LiveAnswers } from '../../src/discord/tickets/live-answers.js';
import { AnswerOrder } from '../../src/discord/tickets/answer-order.js';
import { useBotWorld } from './harness.js';
import { openTicket, TRAINED_ENV } from './support-helpers.js';

const HOUR = 60 * 60 * 1000;

const w = useBotWorld({ ...TRAINED_ENV, STALE_TICKET_HOURS: '48' }, { setup: false });
let logChannelId: string;
let ctx: BotContext;
beforeAll(async () => {
  logChannelId = w.fake.createChannel(w.guildId, { type: ChannelType.GuildText, name: 'ticket-logs' }).id;
  await w.fake.waitFor(() => w.bot.client.channels.cache.has(logChannelId), 3000);
  const setup = await w.command('setup', { forum: w.forumId, staff_role: w.staffRoleId, log_channel: logChannelId });
  expect((await setup.waitForResponse()).embeds[0]!.description).toContain(`<#${logChannelId}>`);
  ctx = { core: w.core, client: w.bot.client, answerOrder: new AnswerOrder(), liveAnswers: new LiveAnswers() };
});

const fileText = (data: Buffer) => data.toString('utf8');

describe('stale tickets and transcripts', () => {
  it('reminds a quiet member once after STALE_TICKET_HOURS, closes as "inactive" after as long again, and posts the transcript to the log channel', async () => {
    const { threadId } = await openTicket(w, 'Lag', 'The game lags in the evening');
    const answeredAt = w.core.tickets.info(w.guildId, threadId)!.lastAnswer!.createdAt;

    expect(await sweepStaleTickets(ctx, answeredAt + 47 * HOUR)).toEqual({ reminded: 0, closed: 0 });
    expect(await sweepStaleTickets(ctx, answeredAt + 49 * HOUR)).toEqual({ reminded: 1, closed: 0 });
    const reminder = await w.fake.waitForMessage(threadId, (m) => m.content.startsWith('👋'));
    expect(reminder.content).toContain('closes automatically in 48 hours');
    expect(reminder.mentionsPinged).toEqual({ everyone: false, users: [w.memberId], roles: [] });
    // One reminder only, however often the sweep runs.
    expect(await sweepStaleTickets(ctx, answeredAt + 60 * HOUR)).toEqual({ reminded: 0, closed: 0 });

    expect(await sweepStaleTickets(ctx, answeredAt + 98 * HOUR)).toEqual({ reminded: 0, closed: 1 });
    expect(w.core.tickets.getByThread(w.guildId, threadId)).toMatchObject({ status: 'closed', closeReason: INACTIVE_REASON, closedBy: w.fake.botUser.id });
    await w.fake.waitFor(() => w.fake.channel(threadId).archived && w.fake.channel(threadId).locked, 3000);
    expect(w.fake.messages(threadId).at(-1)!.content).toContain(`**Reason:** ${INACTIVE_REASON}`);

    const logged = await w.fake.waitForMessage(logChannelId, (m) => m.content.includes(`<#${threadId}>`));
    expect(logged.content).toContain('**Lag**');
    expect(logged.mentionsPinged).toEqual({ everyone: false, users: [], roles: [] });
    const file = logged.attachments[0]!;
    expect(file.filename).toMatch(/^ticket-\d+-lag\.md$/);
    const markdown = fileText(file.data);
    expect(markdown).toContain('# Ticket #');
    expect(markdown).toContain('The game lags in the evening');
    expect(markdown).toContain('*Source: the AI (llama3), no trained or knowledge-base entry was close enough to give it*');
    expect(markdown).toContain('reason: inactive');
  });

  it('a member reply after the reminder starts over: the next due step is a new reminder, not the close', async () => {
    const { threadId } = await openTicket(w, 'Audio', 'No sound in voice chat');
    const answeredAt = w.core.tickets.info(w.guildId, threadId)!.lastAnswer!.createdAt;
    expect(await sweepStaleTickets(ctx, answeredAt + 49 * HOUR)).toEqual({ reminded: 1, closed: 0 });
    w.fake.postAsUser({ channelId: threadId, userId: w.memberId, content: 'Still broken' });
    await w.fake.waitFor(() => w.core.tickets.info(w.guildId, threadId)!.counts.bot === 2, 3000);
    // When the first reminder's close would have come, the member's new silence is only due a reminder.
    expect(await sweepStaleTickets(ctx, answeredAt + 98 * HOUR)).toEqual({ reminded: 1, closed: 0 });
    expect(w.core.tickets.getByThread(w.guildId, threadId)!.status).toBe('open');
    expect(w.fake.messages(threadId).filter((m) => m.content.startsWith('👋'))).toHaveLength(2);
  });

  it('/ticket_transcript gives staff the Markdown transcript, naming where each answer came from', async () => {
    await (await w.command('train', { question: 'How do I join the beta?', answer: 'Type /beta in #bots.' }, { userId: w.staffId })).waitForResponse();
    const entry = w.core.training.all(w.guildId).at(-1)!;
    const { threadId } = await openTicket(w, 'Beta', 'How do I join the beta?');
    w.fake.postAsUser({ channelId: threadId, userId: w.staffId, content: 'You are in!' });
    await w.fake.waitFor(() => w.core.tickets.info(w.guildId, threadId)!.counts.staff === 1, 3000);

    const reply = await (await w.command('ticket_transcript', {}, { userId: w.staffId, channelId: threadId })).waitForResponse();
    expect(reply.ephemeral).toBe(true);
    const markdown = fileText(reply.files[0]!.data);
    expect(markdown).toContain('# Ticket #');
    expect(markdown).toMatch(/### member \(\d+\) \(member\) · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(markdown).toContain(`*Source: trained answer #${entry.id} “How do I join the beta?” (match score`);
    expect(markdown).toMatch(/### helper \(\d+\) \(staff\)/);
    expect(markdown).toContain('You are in!');
    expect(markdown).toContain('- Still open');

    // From elsewhere, with the ticket option; a channel that is not a ticket is explained.
    const fromGeneral = await (await w.command('ticket_transcript', { ticket: threadId }, { userId: w.staffId })).waitForResponse();
    expect(fromGeneral.files).toHaveLength(1);
    const notTicket = await (await w.command('ticket_transcript', {}, { userId: w.staffId })).waitForResponse();
    expect(notTicket.content).toContain('That is not a ticket');
  });
});
