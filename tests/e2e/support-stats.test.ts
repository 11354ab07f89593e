import { describe, expect, it } from 'vitest';
import { useBotWorld } from './harness.js';
import { openTicket, press, TRAINED_ENV } from './support-helpers.js';

const w = useBotWorld(TRAINED_ENV);

describe('/ticket_stats end to end', () => {
  it('shows the figures of a played day of tickets, per server, for staff only', async () => {
    await (await w.command('train', { question: 'How do I link my account?', answer: 'Run /link in #bot-commands.' }, { userId: w.staffId })).waitForResponse();
    // 1: answered from training and marked solved by the member.
    const one = await openTicket(w, 'Linking', 'How do I link my account?');
    expect(one.answer.content).toBe('Run /link in #bot-commands.');
    await press(w, one.answer, 'ok');
    // 2: answered by the AI, voted not helpful, answered and closed by staff.
    const two = await openTicket(w, 'Bug report', 'Where do I report a bug?');
    await press(w, two.answer, 'no');
    w.fake.postAsUser({ channelId: two.threadId, userId: w.staffId, content: 'Post it in #bugs, thanks!' });
    await w.fake.waitFor(() => w.core.tickets.info(w.guildId, two.threadId)!.counts.staff === 1, 3000);
    await (await w.command('close_ticket', { reason: 'answered' }, { userId: w.staffId, channelId: two.threadId })).waitForResponse();
    // 3: the same unanswered question again, still open.
    await openTicket(w, 'Bug report', 'Where do I report a bug?');

    const reply = await (await w.command('ticket_stats', { period: 'day' }, { userId: w.staffId })).waitForResponse();
    expect(reply.ephemeral).toBe(true);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Ticket statistics: the last 24 hours');
    const field = (name: string) => embed.fields!.find((f) => f.name.startsWith(name))!.value;
    expect(field('Opened')).toBe('3');
    expect(field('Closed')).toBe('2');
    expect(field('Deflection rate')).toBe('50% (1 of 2 closed)');
    expect(field('Votes')).toBe('👍 1 helpful · 👎 1 not helpful');
    expect(embed.fields!.find((f) => f.name.startsWith('Answers'))!.name).toBe('Answers (4)');
    expect(field('Answers')).toBe(
      ['From training: 25% (1)', 'From a knowledge base (AI down): 0% (0)', 'By the AI: 50% (2)', 'By staff: 25% (1)', 'No answer, handed to staff: 0'].join('\n'),
    );
    expect(field('Knowledge gaps')).toBe('1. Bug report Where do I report a bug? — 2×');
    expect(field('Median time to first answer')).toMatch(/^\d+s$/);
    expect(field('Median time to close')).toMatch(/^\d+s$/);

    // The default period is the last 7 days; a member cannot see the command at all.
    const week = await (await w.command('ticket_stats', {}, { userId: w.staffId })).waitForResponse();
    expect(week.embeds[0]!.title).toBe('Ticket statistics: the last 7 days');
    await expect(w.command('ticket_stats', {}, { userId: w.memberId })).rejects.toThrow(/default_member_permissions/);
  });
});
