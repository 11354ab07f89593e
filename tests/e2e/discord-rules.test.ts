import { afterEach, describe, expect, it } from 'vitest';
import { startBotWorld, type BotWorld } from './harness.js';
import { botMessages } from './support-helpers.js';

/**
 * Issue 13: what the bot does against Discord's real rules (enforced by the fake, with their
 * sources cited there). Each test failed before the fix it is named after.
 */
let w: BotWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

async function world(env: Record<string, string> = {}): Promise<BotWorld> {
  w = await startBotWorld(env);
  await w.setup();
  return w;
}

/** Panel → button → modal → forum post, as a member does it; returns the new thread's id. */
export async function openFromPanel(bw: BotWorld, subject: string, description: string): Promise<string> {
  const panelCmd = await bw.command('ticket_panel', {}, { channelId: bw.generalId });
  await panelCmd.waitForResponse();
  const panel = bw.fake.messages(bw.generalId).find((m) => m.embeds.length > 0 && m.author.bot)!;
  const button = (panel.components as { components: { custom_id: string }[] }[])[0]!.components[0]!;
  const click = await bw.fake.clickButton({ messageId: panel.id, customId: button.custom_id, userId: bw.memberId });
  const modal = await click.waitForResponse();
  const submit = await bw.fake.submitModal({ customId: String(modal.modal!.custom_id), fields: { subject, description }, userId: bw.memberId, channelId: bw.generalId });
  const confirmation = await submit.waitForResponse();
  const thread = bw.fake.threads(bw.forumId).find((t) => t.name === subject);
  if (!thread) throw new Error(`no ticket was opened; the member saw: ${confirmation.content}`);
  return thread.id;
}

describe('panel tickets with long descriptions', () => {
  it('a 90-line pasted log opens the ticket: first message ≤ 2000 characters, every line of the description in the thread', async () => {
    const bw = await world();
    const lines = Array.from({ length: 90 }, (_, i) => `[${String(i).padStart(2, '0')}] ERROR in ab.ts`);
    const description = lines.join('\n');
    expect(description.length).toBeLessThanOrEqual(1800); // what the modal allows
    expect(lines.map((l) => `> ${l}`).join('\n').length).toBeGreaterThan(1960); // quoted, it no longer fits with the mention line
    const threadId = await openFromPanel(bw, 'Crash log', description);
    const starter = bw.fake.messages(threadId)[0]!;
    expect(starter.id).toBe(threadId);
    expect(starter.content.length).toBeLessThanOrEqual(2000);
    expect(starter.content).toContain(`<@${bw.memberId}>`);
    expect(starter.mentionsPinged.users).toEqual([bw.memberId]);
    // The rest follows in the thread, before the bot's answer, quoted, pinging nobody.
    await bw.fake.waitFor(() => botMessages(bw, threadId).some((m) => m.content.includes('[89] ERROR in ab.ts')), 5000, 'the last line');
    const shown = bw.fake.messages(threadId).map((m) => m.content).join('\n');
    for (const line of lines) expect(shown).toContain(`> ${line}`);
    for (const m of bw.fake.messages(threadId).slice(1)) expect(m.mentionsPinged).toEqual({ everyone: false, users: [], roles: [] });
  });
});
