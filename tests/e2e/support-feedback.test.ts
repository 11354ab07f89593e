import { describe, expect, it } from 'vitest';
import { SOLVED_REASON } from '../../src/core/support/answer-feedback.js';
import { useBotWorld } from './harness.js';
import { buttonIds, openTicket, press, TRAINED_ENV } from './support-helpers.js';

const w = useBotWorld(TRAINED_ENV);

const staffCommand = (name: string, options: Record<string, string> = {}, channelId = w.generalId) => w.command(name, options, { userId: w.staffId, channelId });

/** Opens a ticket answered by the AI and marks it solved; returns its thread. */
async function solvedByAi(title: string, question: string): Promise<string> {
  const { threadId, answer } = await openTicket(w, title, question);
  const closing = await press(w, answer, 'ok');
  expect(closing.ephemeral).toBe(false);
  expect(closing.content).toContain(`Ticket closed by <@${w.memberId}>`);
  expect(closing.content).toContain(SOLVED_REASON);
  return threadId;
}

describe('feedback and learning', () => {
  it('Solved closes the ticket like /close_ticket, as "solved by member", and offers the AI answer to staff, not to training', async () => {
    const before = w.core.training.count(w.guildId);
    const threadId = await solvedByAi('Dark mode', 'How do I turn on dark mode?');
    await w.fake.waitFor(() => w.fake.channel(threadId).archived && w.fake.channel(threadId).locked, 3000);
    expect(w.fake.channel(threadId).appliedTagNames).toContain('Closed');
    expect(w.core.tickets.getByThread(w.guildId, threadId)).toMatchObject({ status: 'closed', closedBy: w.memberId, closeReason: SOLVED_REASON });
    expect(w.core.training.count(w.guildId)).toBe(before);

    // Staff approve it: it becomes a trained entry, and the list moves on.
    const list = await (await staffCommand('training_suggestions')).waitForResponse();
    expect(list.ephemeral).toBe(true);
    const embed = list.embeds[0]!;
    expect(embed.description).toBe('You asked: Dark mode\n\nHow do I turn on dark mode?');
    expect(embed.fields!.find((f) => f.name === 'Question')!.value).toBe('Dark mode\n\nHow do I turn on dark mode?');
    const approve = await w.fake.clickButton({ messageId: list.messageId!, customId: buttonIds(w.fake.message(list.messageId!)!).find((id) => id.startsWith('sug:ok:'))!, userId: w.staffId });
    const after = await approve.waitForResponse();
    expect(after.content).toMatch(/is now trained entry #\d+/);
    expect(after.content).toContain('No training suggestions are waiting');
    const entry = w.core.training.all(w.guildId).at(-1)!;
    expect(entry).toMatchObject({ question: 'Dark mode\n\nHow do I turn on dark mode?', answer: 'You asked: Dark mode\n\nHow do I turn on dark mode?', authorId: w.staffId });
  });

  it('staff can edit a suggestion in a modal before it is added, or dismiss it for good', async () => {
    await solvedByAi('Fonts', 'Can I change the font size?');
    await solvedByAi('Sounds', 'How do I mute sounds?');
    const before = w.core.training.count(w.guildId);

    const list = await (await staffCommand('training_suggestions')).waitForResponse();
    const ids = buttonIds(w.fake.message(list.messageId!)!);
    const edit = await w.fake.clickButton({ messageId: list.messageId!, customId: ids.find((id) => id.startsWith('sug:edit:'))!, userId: w.staffId });
    const modal = (await edit.waitForResponse()).modal!;
    const inputs = (modal.components as { components: { custom_id: string; value?: string }[] }[]).map((row) => row.components[0]!);
    expect(inputs.find((i) => i.custom_id === 'question')!.value).toBe('Fonts\n\nCan I change the font size?');
    expect(inputs.find((i) => i.custom_id === 'answer')!.value).toBe('You asked: Fonts\n\nCan I change the font size?');
    const submitted = await w.fake.submitModal({
      customId: String(modal.custom_id),
      fields: { question: 'How do I change the font size?', answer: 'Settings → Appearance → Font size.', category: 'display' },
      userId: w.staffId,
    });
    const next = await submitted.waitForResponse();
    expect(next.content).toContain('as edited, is now trained entry');
    expect(w.core.training.all(w.guildId).at(-1)).toMatchObject({ question: 'How do I change the font size?', answer: 'Settings → Appearance → Font size.', category: 'display' });

    // The list now shows the next one: dismiss it; nothing is trained, and it is not offered again.
    expect(next.embeds[0]!.fields!.find((f) => f.name === 'Question')!.value).toContain('How do I mute sounds?');
    const dismiss = await w.fake.clickButton({ messageId: list.messageId!, customId: buttonIds(w.fake.message(list.messageId!)!).find((id) => id.startsWith('sug:no:'))!, userId: w.staffId });
    expect((await dismiss.waitForResponse()).content).toContain('dismissed');
    expect(w.core.training.count(w.guildId)).toBe(before + 1);
    expect((await (await staffCommand('training_suggestions')).waitForResponse()).content).toContain('No training suggestions are waiting');
  });

  it('a trained answer voted "Not helpful" in two tickets is listed in /training_stats to review', async () => {
    await (await staffCommand('train', { question: 'How do I reset my password?', answer: 'Use /reset in #account.' })).waitForResponse();
    const entry = w.core.training.all(w.guildId).at(-1)!;
    for (const title of ['Password', 'Password again']) {
      const { answer } = await openTicket(w, title, 'How do I reset my password?');
      expect(answer.content).toBe('Use /reset in #account.');
      await press(w, answer, 'no');
    }
    const stats = await (await staffCommand('training_stats')).waitForResponse();
    const review = stats.embeds[0]!.fields!.find((f) => f.name.includes('To review'))!;
    expect(review.value).toContain(`**#${entry.id}** 👎 2 · 👍 0`);
    expect(review.value).toContain('How do I reset my password?');
  });

  it('"Train from this" on a staff answer opens a modal with the member’s question and that answer; submitting trains it', async () => {
    const { threadId, answer } = await openTicket(w, 'Export', 'How can I export my data as CSV?');
    const staffAnswer = w.fake.postAsUser({ channelId: threadId, userId: w.staffId, content: 'Account → Privacy → Export, then pick CSV.' });
    await w.fake.waitFor(() => w.core.tickets.info(w.guildId, threadId)!.counts.staff === 1, 3000);

    const handle = await w.fake.invokeMessageCommand({ guildId: w.guildId, channelId: threadId, userId: w.staffId, name: 'Train from this', targetMessageId: staffAnswer.id });
    const modal = (await handle.waitForResponse()).modal!;
    const value = (id: string) => (modal.components as { components: { custom_id: string; value?: string }[] }[]).map((r) => r.components[0]!).find((c) => c.custom_id === id)?.value;
    expect(value('question')).toBe('Export\n\nHow can I export my data as CSV?');
    expect(value('answer')).toBe('Account → Privacy → Export, then pick CSV.');
    const done = await (
      await w.fake.submitModal({ customId: String(modal.custom_id), fields: { question: 'How can I export my data as CSV?', answer: value('answer')!, category: '' }, userId: w.staffId })
    ).waitForResponse();
    expect(done.content).toMatch(/Trained entry #\d+ added/);
    expect(w.core.training.all(w.guildId).at(-1)).toMatchObject({ question: 'How can I export my data as CSV?', answer: 'Account → Privacy → Export, then pick CSV.', authorId: w.staffId });

    // On the bot's answer it works too; on the member's own message it explains.
    const onBot = await w.fake.invokeMessageCommand({ guildId: w.guildId, channelId: threadId, userId: w.staffId, name: 'Train from this', targetMessageId: answer.id });
    expect((await onBot.waitForResponse()).modal).toBeDefined();
    const onMember = await w.fake.invokeMessageCommand({ guildId: w.guildId, channelId: threadId, userId: w.staffId, name: 'Train from this', targetMessageId: threadId });
    expect((await onMember.waitForResponse()).content).toContain('works on an answer from the bot or from staff');
  });
});
