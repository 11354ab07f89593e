import { describe, expect, it } from 'vitest';
import { useBotWorld } from './harness.js';
import { answerWithButtons, botMessages, openTicket, quietFor } from './support-helpers.js';

const w = useBotWorld();

async function modeField(threadId: string): Promise<string> {
  const info = await (await w.command('ticket_info', {}, { userId: w.memberId, channelId: threadId })).waitForResponse();
  return info.embeds[0]!.fields!.find((f) => f.name === 'Mode')!.value;
}

/** Posts as the member and waits until the message is stored (answered or not). */
async function memberSays(threadId: string, content: string): Promise<void> {
  const before = w.core.tickets.info(w.guildId, threadId)!.counts.user;
  w.fake.postAsUser({ channelId: threadId, userId: w.memberId, content });
  await w.fake.waitFor(() => w.core.tickets.info(w.guildId, threadId)!.counts.user === before + 1, 3000);
}

describe('staff takeover', () => {
  it('a staff message pauses the bot in that ticket (still stored) until /ai_resume, and /ticket_info says so', async () => {
    const { threadId, answer } = await openTicket(w, 'VPN', 'The VPN drops every hour');
    expect(await modeField(threadId)).toContain('The bot answers here');

    w.fake.postAsUser({ channelId: threadId, userId: w.staffId, content: 'I will look into this with you.' });
    await w.fake.waitFor(() => w.core.tickets.info(w.guildId, threadId)!.counts.staff === 1, 3000);
    await memberSays(threadId, 'Thanks, it dropped again just now');
    await quietFor(300);
    expect(botMessages(w, threadId).map((m) => m.id)).toEqual([answer.id]);
    const mode = await modeField(threadId);
    expect(mode).toContain('Paused: staff took over');
    expect(mode).toContain(`<@${w.staffId}>`);

    const resumed = await (await w.command('ai_resume', {}, { userId: w.staffId, channelId: threadId })).waitForResponse();
    expect(resumed.ephemeral).toBe(false);
    expect(resumed.content).toContain('answers in this ticket again');
    expect(await modeField(threadId)).toContain('The bot answers here');
    await memberSays(threadId, 'Is there a log file?');
    expect((await answerWithButtons(w, threadId, answer)).content).toBe('You asked: Is there a log file?');
  });

  it('/ai_pause stops the bot, and refuses a second pause or a resume where it already answers', async () => {
    const { threadId, answer } = await openTicket(w, 'Email', 'Emails go to spam');
    const notPaused = await (await w.command('ai_resume', {}, { userId: w.staffId, channelId: threadId })).waitForResponse();
    expect(notPaused.content).toBe('The bot is already answering in this ticket.');

    const paused = await (await w.command('ai_pause', {}, { userId: w.staffId, channelId: threadId })).waitForResponse();
    expect(paused.content).toContain('The bot is paused in this ticket');
    expect(await modeField(threadId)).toContain('paused with `/ai_pause`');
    const again = await (await w.command('ai_pause', {}, { userId: w.staffId, channelId: threadId })).waitForResponse();
    expect(again.content).toContain('already paused');

    await memberSays(threadId, 'Any news?');
    await quietFor(300);
    expect(botMessages(w, threadId).filter((m) => m.id !== answer.id && !m.interactionId)).toEqual([]);
  });

  it('is staff-only: a member whom an admin allowed the command is still refused, and outside a ticket it explains', async () => {
    const { threadId } = await openTicket(w, 'Sneaky', 'Can I pause it?');
    const handle = await w.fake.invokeSlashCommand({
      guildId: w.guildId,
      channelId: threadId,
      userId: w.memberId,
      name: 'ai_pause',
      overrideCommandPermissions: true,
    });
    expect((await handle.waitForResponse()).content).toContain('Only staff');
    const outside = await (await w.command('ai_pause', {}, { userId: w.staffId, channelId: w.generalId })).waitForResponse();
    expect(outside.content).toBe('Use this command inside a ticket thread.');
  });
});
