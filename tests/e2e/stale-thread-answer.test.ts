import { describe, expect, it, vi } from 'vitest';
import { SnowflakeUtil, type ThreadChannel } from 'discord.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';
import { botMessages, buttonIds, postTicket, quietFor, tagNames } from './support-helpers.js';

/**
 * Discord answers a thread edit (the Answered tag) with the thread as it was when it handled the edit, and does not
 * order that answer against the gateway's events (reference.mdx, Consistency; tests/fakes/discord/held-requests.ts):
 * a moderator's archive made right after can reach the bot first. discord.js then applies the older answer over it
 * (ThreadChannel#edit → ChannelUpdate action → _patch), and the bot took an archived post for an open one; the answer's
 * older `last_message_id` likewise made a member's fresh unarchive look undone (src/discord/thread-edit.ts).
 */
const startWorld = useBotWorldStarter();

const REPLY = 'Open Settings, then Privacy, then turn the sync switch off and on again before you sign in. '.repeat(3).trim();

const cachedPost = (bw: BotWorld, threadId: string) => bw.bot.client.channels.cache.get(threadId) as ThreadChannel | undefined;

/** A member's ticket whose AI answer streams slowly; resolves once it is being written (with the writing mark). */
async function ticketWhileAnswerStreams(): Promise<{ bw: BotWorld; threadId: string }> {
  const bw = await startWorld();
  await bw.setup();
  bw.ollama.reply = REPLY;
  bw.ollama.chunkSize = 20;
  bw.ollama.tokenDelayMs = 100;
  const threadId = postTicket(bw, 'Sync', 'My sync stopped working, what do I do?');
  await bw.fake.waitFor(() => botMessages(bw, threadId).some((m) => m.content.endsWith('▌')), 5000, 'the answer being written');
  return { bw, threadId };
}

describe('a moderator archives a post while the bot’s tag change is on its way back', () => {
  it('the next answer is still shown in full, and the post stays archived as the moderator left it', async () => {
    const { bw, threadId } = await ticketWhileAnswerStreams();
    // The member adds a second message while the first answer is written: it is answered next.
    bw.fake.postAsUser({ channelId: threadId, userId: bw.memberId, content: 'It also says my account is locked' });
    // The first answer ends with the Answered tag: Discord sets it at once, and its answer is slow to come back.
    const tagAnswer = bw.fake.faults.holdNext({ method: 'PATCH', route: new RegExp(`^/channels/${threadId}$`), hold: 'response' });
    await tagAnswer.arrived;
    expect(tagNames(bw, threadId)).toContain('Answered');
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    await bw.fake.waitFor(() => cachedPost(bw, threadId)?.archived === true, 3000, 'the bot hears of the archive');
    tagAnswer.release();
    await bw.fake.waitFor(() => bw.ollama.openChats() === 0 && botMessages(bw, threadId).length >= 2, 15_000, 'the second answer');
    await bw.fake.waitFor(() => !botMessages(bw, threadId).some((m) => m.content.includes('▌')), 5000, 'both answers shown');
    await quietFor(500);

    const shown = botMessages(bw, threadId);
    expect(shown.map((m) => m.content)).toEqual([REPLY, REPLY]);
    expect(buttonIds(shown[1]!).some((id) => id.startsWith('ans:'))).toBe(true);
    // Archived by a moderator after the member's last message: the bot reopened it only for its answer, then archived it again.
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: true, locked: false });
    expect(cachedPost(bw, threadId)?.archived).toBe(true);
    expect(bw.core.tickets.getByThread(bw.guildId, threadId)?.status).toBe('open');
  });
});

describe('a member writes while the answer of the bot’s own archive-again is on its way back', () => {
  it('their message is answered and the post they reopened stays open', async () => {
    const { bw, threadId } = await ticketWhileAnswerStreams();
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    // The answer ends: the bot reopens the post for its last edit, then archives it again; that archive's answer is slow.
    const lastEdit = bw.fake.faults.holdNext({ method: 'PATCH', route: new RegExp(`^/channels/${threadId}/messages/\\d+$`) });
    await lastEdit.arrived;
    const archiveAgain = bw.fake.faults.holdNext({
      method: 'PATCH',
      route: new RegExp(`^/channels/${threadId}$`),
      hold: 'response',
      body: (body) => (body as { archived?: boolean }).archived === true,
    });
    lastEdit.release();
    await archiveAgain.arrived;
    expect(bw.fake.channel(threadId).archived).toBe(true);
    await bw.fake.waitFor(() => cachedPost(bw, threadId)?.archived === true, 3000, 'the bot hears of its archive-again');
    const archivedAt = cachedPost(bw, threadId)!.archiveTimestamp!;
    // The member writes at once, in the same millisecond as that archive (Discord's times go by the millisecond: a
    // snowflake's and `archive_timestamp`), so the bot cannot tell their order by time. Their message reopens the post
    // (Discord's THREAD_UPDATE for it comes late).
    const lateUnarchive = bw.fake.faults.unarchiveAfterMessage();
    bw.ollama.reply = 'Then sign out and in again.';
    bw.ollama.tokenDelayMs = 0;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(archivedAt);
    const message = (() => {
      try {
        return bw.fake.postAsUser({ channelId: threadId, userId: bw.memberId, content: 'It is still not syncing' });
      } finally {
        clock.mockRestore();
      }
    })();
    expect(SnowflakeUtil.timestampFrom(message.id)).toBe(archivedAt);
    await lateUnarchive.arrived;
    await quietFor(200);
    archiveAgain.release();
    await bw.fake.waitFor(() => botMessages(bw, threadId).some((m) => m.content === 'Then sign out and in again.' && buttonIds(m).length > 0), 5000, 'the second answer');
    await quietFor(300);
    lateUnarchive.release();
    await quietFor(300);

    expect(bw.fake.channel(threadId)).toMatchObject({ archived: false, locked: false });
    expect(tagNames(bw, threadId)).toEqual(['Answered']);
  });
});
