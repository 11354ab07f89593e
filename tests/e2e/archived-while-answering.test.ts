import { describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { ThreadChannel } from 'discord.js';
import { CLOSE_REQUEST_REASON } from '../../src/core/desk/close-requests.js';
import { sweepStaleTickets } from '../../src/discord/support/stale-sweeper.js';
import { DEFAULT_BOT_PERMISSIONS } from '../fakes/discord/index.js';
import { capturingLogger } from '../reliability/helpers.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';
import { answerWithButtons, botMessages, buttonIds, postTicket, quietFor, tagNames } from './support-helpers.js';

/**
 * A moderator closes (archives) or locks a ticket's post while the AI is still writing its answer there. Discord
 * refuses edits of messages in an archived thread (400 50083, modelled in tests/fakes/discord/messages.ts), so the
 * bot used to leave the member "This … ▌" for ever, the full answer stored but never shown.
 */
const startWorld = useBotWorldStarter();

async function world(opts: Parameters<typeof startWorld>[1] = {}): Promise<BotWorld> {
  const w = await startWorld({}, opts);
  await w.setup();
  return w;
}

const LONG_REPLY = 'Open Settings, then Privacy, then turn the sync switch off and on again before you sign in. '.repeat(6).trim();

/** A member's post whose answer streams slowly; resolves once its first part is shown with the writing mark. */
async function postWhileAnswerStreams(bw: BotWorld): Promise<string> {
  bw.ollama.reply = LONG_REPLY;
  bw.ollama.chunkSize = 20;
  bw.ollama.tokenDelayMs = 150;
  const threadId = postTicket(bw, 'Sync', 'My sync stopped working, what do I do?');
  await bw.fake.waitFor(() => botMessages(bw, threadId).some((m) => m.content.endsWith('▌')), 5000, 'the answer being written');
  return threadId;
}

async function aiDone(bw: BotWorld): Promise<void> {
  await bw.fake.waitFor(() => bw.ollama.openChats() === 0, 15_000, 'the AI done');
  await quietFor(500);
}

/** Requests about the thread that Discord refused since `since`. */
const refusedSince = (bw: BotWorld, threadId: string, since: number) =>
  bw.fake.requests.filter((r) => r.at >= since && r.path.includes(threadId) && r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status} ${r.code}`);

/**
 * A post archived mid-answer: the answer's end reopens it for the last edit, which Discord holds while a moderator
 * makes `change`. Resolves with the post's id and that edit, still held.
 */
async function changedDuringLastEdit(bw: BotWorld, change: { archived: true; locked?: true }) {
  const threadId = await postWhileAnswerStreams(bw);
  bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
  await quietFor(300); // an edit already on its way is refused; from here the bot waits for the answer's end
  const lastEdit = bw.fake.faults.holdNext({ method: 'PATCH', route: new RegExp(`^/channels/${threadId}/messages/\\d+$`) });
  await lastEdit.arrived;
  expect(bw.fake.channel(threadId).archived).toBe(false);
  bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, ...change });
  return { threadId, lastEdit };
}

/** The AI done, and no writing mark left in the post. */
async function markGone(bw: BotWorld, threadId: string): Promise<void> {
  await aiDone(bw);
  await bw.fake.waitFor(() => !bw.fake.messages(threadId).some((m) => m.content.includes('▌')), 3000, 'the writing mark taken off');
  await quietFor(300);
}

describe('a post archived by a moderator while the AI writes its answer', () => {
  it('shows the whole answer, with its buttons and no ▌, and leaves the post archived as the moderator left it', async () => {
    const bw = await world();
    const threadId = await postWhileAnswerStreams(bw);
    const archivedAt = Date.now();
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    await aiDone(bw);

    const shown = botMessages(bw, threadId);
    expect(shown.filter((m) => m.content.includes('▌'))).toEqual([]);
    expect(shown.map((m) => m.content).join('')).toBe(LONG_REPLY);
    expect(shown.at(-1)!.content).toBe(LONG_REPLY); // one message, edited in place: nothing posted twice
    expect(buttonIds(shown.at(-1)!).some((id) => id.startsWith('ans:'))).toBe(true);
    expect(tagNames(bw, threadId)).toContain('Answered');
    // Archiving alone does not close a ticket (core/tickets/post-state.ts): it stays open, and the post stays closed.
    expect(bw.fake.channel(threadId).archived).toBe(true);
    expect(bw.fake.channel(threadId).locked).toBe(false);
    expect(bw.core.tickets.getByThread(bw.guildId, threadId)?.status).toBe('open');
    // While the post is archived the bot does not keep knocking: at most the one edit that found out.
    expect(refusedSince(bw, threadId, archivedAt).length).toBeLessThanOrEqual(1);
  });

  it('a part the writing mark pushed past 2000 characters, whose delete Discord refused (archived at that moment), is gone once the answer is shown', async () => {
    const bw = await world();
    // 2000 characters: the text before the last character, with " ▌", needs two messages; the finished answer, one.
    const reply = 'Open Settings, then Privacy, and turn the sync switch off and on again. '.repeat(28).slice(0, 1999) + '.';
    expect(reply.length).toBe(2000);
    bw.ollama.reply = reply;
    bw.ollama.chunkSize = 1999;
    bw.ollama.tokenDelayMs = 1500; // the last character comes 1.5 s later: the two-part text is shown meanwhile
    const threadId = postTicket(bw, 'Sync', 'My sync stopped working, what do I do?');
    await bw.fake.waitFor(() => botMessages(bw, threadId).length === 2, 5000, 'the answer in two parts, the second with the writing mark');
    expect(botMessages(bw, threadId).at(-1)!.content.endsWith('▌')).toBe(true);
    const trailingDelete = bw.fake.faults.holdNext({ method: 'DELETE', route: new RegExp(`^/channels/${threadId}/messages/\\d+$`) });
    await trailingDelete.arrived;
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    trailingDelete.release();
    await aiDone(bw);

    const shown = botMessages(bw, threadId);
    expect(shown.map((m) => m.content)).toEqual([reply]);
    expect(buttonIds(shown[0]!).some((id) => id.startsWith('ans:'))).toBe(true);
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: true, locked: false });
  });

  it('without Manage Threads the bot may still reopen the post to finish the answer, but not close it again: it says so once', async () => {
    let log: ReturnType<typeof capturingLogger> | undefined;
    const bw = await world({ logger: (token) => (log = capturingLogger([token])).logger });
    const threadId = await postWhileAnswerStreams(bw);
    bw.fake.setRolePermissions(bw.guildId, bw.botRoleId, DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.ManageThreads);
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    await aiDone(bw);

    const shown = botMessages(bw, threadId);
    expect(shown.filter((m) => m.content.includes('▌'))).toEqual([]);
    expect(shown.at(-1)!.content).toBe(LONG_REPLY);
    expect(bw.fake.channel(threadId).archived).toBe(false);
    expect(log!.text().match(/could not archive the ticket’s post again/g)).toHaveLength(1);
  });

  it('a member’s next message reopens the post and is answered as usual', async () => {
    const bw = await world();
    const threadId = await postWhileAnswerStreams(bw);
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    await aiDone(bw);
    bw.ollama.tokenDelayMs = 0;
    bw.ollama.reply = 'Glad it works now.';
    bw.fake.postAsUser({ channelId: threadId, userId: bw.memberId, content: 'Thanks, and one more thing' });
    await bw.fake.waitFor(() => botMessages(bw, threadId).some((m) => m.content === 'Glad it works now.'), 5000, 'the next answer');
    expect(bw.fake.channel(threadId).archived).toBe(false);
  });
});

describe('a post locked by a moderator while the AI writes its answer', () => {
  it('closes the ticket; the part shown loses its ▌, nothing more is posted, the post stays locked and archived', async () => {
    const bw = await world();
    const threadId = await postWhileAnswerStreams(bw);
    const before = botMessages(bw, threadId).length;
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, locked: true, archived: true });
    await aiDone(bw);

    const shown = botMessages(bw, threadId);
    expect(shown).toHaveLength(before);
    expect(shown.filter((m) => m.content.includes('▌'))).toEqual([]);
    expect(LONG_REPLY.startsWith(shown.at(-1)!.content)).toBe(true);
    expect(tagNames(bw, threadId)).not.toContain('Answered');
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: true, locked: true });
    expect(bw.core.tickets.getByThread(bw.guildId, threadId)?.status).toBe('closed');
  });

  it('locked alone, with the bot holding Manage Threads (Discord still lets it write there): the ▌ comes off at once and the answer writes no further', async () => {
    const bw = await world();
    const threadId = await postWhileAnswerStreams(bw);
    const before = botMessages(bw, threadId).length;
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, locked: true });
    // Well before the AI is done (LONG_REPLY takes ~4 s at this pace), the answer stops where the lock found it.
    await bw.fake.waitFor(() => !botMessages(bw, threadId).some((m) => m.content.includes('▌')), 2000, 'the writing mark taken off');
    // Counted by place in the request log, not by clock: the log takes a request as it arrives, before Discord
    // applies it, so the mark's own removal is already in it here, even when both fall within one millisecond.
    const requestsAtStop = bw.fake.requests.length;
    const atStop = botMessages(bw, threadId).map((m) => m.content);
    await aiDone(bw);

    const shown = botMessages(bw, threadId);
    expect(shown.map((m) => m.content)).toEqual(atStop); // nothing more written into the locked post
    expect(shown).toHaveLength(before);
    expect(LONG_REPLY.startsWith(shown.at(-1)!.content)).toBe(true);
    expect(shown.at(-1)!.content.length).toBeLessThan(LONG_REPLY.length);
    expect(shown.flatMap(buttonIds)).toEqual([]); // a closed ticket's answer offers no buttons
    expect(tagNames(bw, threadId)).not.toContain('Answered');
    expect(bw.core.tickets.getByThread(bw.guildId, threadId)?.status).toBe('closed');
    // The post stays as the moderator left it: locked, not archived.
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: false, locked: true });
    const writes = bw.fake.requests.slice(requestsAtStop).filter((r) => r.path.includes(threadId) && r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('without Manage Threads the bot cannot touch the locked post: one warning, no retry storm, no crash', async () => {
    let log: ReturnType<typeof capturingLogger> | undefined;
    const bw = await world({ logger: (token) => (log = capturingLogger([token])).logger });
    const threadId = await postWhileAnswerStreams(bw);
    const lockedAt = Date.now();
    bw.fake.setRolePermissions(bw.guildId, bw.botRoleId, DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.ManageThreads);
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, locked: true, archived: true });
    await aiDone(bw);

    expect(bw.fake.channel(threadId)).toMatchObject({ archived: true, locked: true });
    expect(refusedSince(bw, threadId, lockedAt).length).toBeLessThanOrEqual(1);
    expect(log!.text().match(/the answer is stored but not shown/g)).toHaveLength(1);
    expect(log!.text()).not.toContain('event handler failed');
    // The bot is still answering elsewhere.
    bw.ollama.tokenDelayMs = 0;
    bw.ollama.reply = 'Here is the other answer.';
    const other = postTicket(bw, 'Other', 'Another question');
    await bw.fake.waitFor(() => botMessages(bw, other).some((m) => m.content === 'Here is the other answer.'), 5000, 'the other answer');
  });
});

describe('a post locked while the answer’s last edit is on its way, the bot lacking Manage Threads', () => {
  it('the edit is refused and the answer’s end and the lock’s stop both find the post closed to the bot: one warning, not two', async () => {
    let log: ReturnType<typeof capturingLogger> | undefined;
    const bw = await world({ logger: (token) => (log = capturingLogger([token])).logger });
    bw.fake.setRolePermissions(bw.guildId, bw.botRoleId, DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.ManageThreads);
    const threadId = await postWhileAnswerStreams(bw);
    // The answer's end: its last edit carries the answer buttons.
    const lastEdit = bw.fake.faults.holdNext({ method: 'PATCH', route: new RegExp(`^/channels/${threadId}/messages/\\d+$`), body: (b) => Array.isArray((b as { components?: unknown[] }).components) && (b as { components: unknown[] }).components.length > 0 });
    await lastEdit.arrived;
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, locked: true });
    await bw.fake.waitFor(() => bw.core.tickets.getByThread(bw.guildId, threadId)?.status === 'closed', 3000, 'the bot hears of the lock');
    lastEdit.release();
    await bw.fake.waitFor(() => /lacks Manage Threads/.test(log!.text()), 3000, 'the warning');
    await aiDone(bw);
    expect(log!.text().match(/lacks Manage Threads/g)).toHaveLength(1);
    expect(log!.text()).not.toContain('event handler failed');
  });
});

describe('a post archived again by a moderator while the bot has it reopened for the answer’s last edit', () => {
  it('the ▌ still comes off, the answer is whole with its buttons, and the post ends archived (not locked) as the moderator left it', async () => {
    let log: ReturnType<typeof capturingLogger> | undefined;
    const bw = await world({ logger: (token) => (log = capturingLogger([token])).logger });
    // The answer ends: the bot reopens the post for its last edit, and a moderator archives it again meanwhile.
    const { threadId, lastEdit } = await changedDuringLastEdit(bw, { archived: true });
    await bw.fake.waitFor(() => (bw.bot.client.channels.cache.get(threadId) as ThreadChannel | undefined)?.archived === true, 3000, 'the bot hears of it');
    lastEdit.release();
    await markGone(bw, threadId);

    const shown = botMessages(bw, threadId);
    expect(shown.map((m) => m.content)).toEqual([LONG_REPLY]);
    expect(buttonIds(shown[0]!).some((id) => id.startsWith('ans:'))).toBe(true);
    expect(tagNames(bw, threadId)).toContain('Answered');
    expect(bw.core.tickets.getByThread(bw.guildId, threadId)?.status).toBe('open');
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: true, locked: false });
    expect(log!.text()).not.toContain('event handler failed');
  });
});

describe('a post locked by a moderator while the bot is taking the writing mark off', () => {
  it('archived mid-answer, then locked while the bot reopened it for the last edit (refused): the ▌ still comes off, no buttons, the post ends locked and archived', async () => {
    let log: ReturnType<typeof capturingLogger> | undefined;
    const bw = await world({ logger: (token) => (log = capturingLogger([token])).logger });
    // The answer ends: the bot reopens the post for its last edit, and a moderator locks it meanwhile.
    const { threadId, lastEdit } = await changedDuringLastEdit(bw, { locked: true, archived: true });
    lastEdit.release();
    await markGone(bw, threadId);

    const shown = botMessages(bw, threadId);
    expect(shown.filter((m) => m.content.includes('▌'))).toEqual([]);
    expect(LONG_REPLY.startsWith(shown.at(-1)!.content)).toBe(true);
    expect(shown.flatMap(buttonIds)).toEqual([]); // the ticket closed: its answer offers no buttons
    expect(tagNames(bw, threadId)).not.toContain('Answered');
    expect(bw.core.tickets.getByThread(bw.guildId, threadId)?.status).toBe('closed');
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: true, locked: true });
    expect(log!.text()).not.toContain('event handler failed');
  });

  it('locked while the bot’s own close takes the mark off (that edit refused): the stop is redone in the reopened post, and the close locks and archives it', async () => {
    const bw = await world();
    const threadId = await postWhileAnswerStreams(bw);
    bw.ollama.tokenDelayMs = 5000; // the AI pauses: no edit of the answer is on its way when the close comes
    await quietFor(1500);
    await (await bw.command('ticket_close_request', {}, { userId: bw.staffId, channelId: threadId })).waitForResponse();
    const stopEdit = bw.fake.faults.holdNext({ method: 'PATCH', route: new RegExp(`^/channels/${threadId}/messages/\\d+$`) });
    const sweep = sweepStaleTickets(bw.bot.context, Date.now() + 49 * 3_600_000);
    await stopEdit.arrived;
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, locked: true, archived: true });
    stopEdit.release();
    await sweep;
    const refusedEdits = bw.fake.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith(`/channels/${threadId}/messages/`) && r.code === 50083);
    expect(refusedEdits).toHaveLength(1); // the close's edit, held while the moderator locked the post

    expect(bw.core.tickets.getByThread(bw.guildId, threadId)).toMatchObject({ status: 'closed', closeReason: CLOSE_REQUEST_REASON });
    await bw.fake.waitFor(() => bw.fake.channel(threadId).archived && bw.fake.channel(threadId).locked, 3000, 'locked and archived');
    const shown = botMessages(bw, threadId);
    expect(shown.filter((m) => m.content.includes('▌'))).toEqual([]);
    expect(LONG_REPLY.startsWith(shown[0]!.content)).toBe(true);
    expect(shown.flatMap(buttonIds).filter((id) => id.startsWith('ans:'))).toEqual([]);
  });
});

describe('a post archived by a moderator while the AI writes its answer, then closed by the bot itself', () => {
  it('a close request left unanswered closes it in the sweep: the answer so far stays without ▌, and the post ends locked and archived', async () => {
    const bw = await world();
    const threadId = await postWhileAnswerStreams(bw);
    const answerId = botMessages(bw, threadId).find((m) => m.content.endsWith('▌'))!.id;
    await (await bw.command('ticket_close_request', {}, { userId: bw.staffId, channelId: threadId })).waitForResponse();
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    await bw.fake.waitFor(() => (bw.bot.client.channels.cache.get(threadId) as ThreadChannel | undefined)?.archived, 3000, 'the bot sees the post archived');

    // No member command is involved (a member's client unarchives the post before any interaction): the bot's own
    // sweep closes the ticket, through the bot's context, so that it stops the answer being written as any close does.
    const sweptAt = Date.now();
    await sweepStaleTickets(bw.bot.context, sweptAt + 49 * 3_600_000);
    expect(bw.core.tickets.getByThread(bw.guildId, threadId)).toMatchObject({ status: 'closed', closeReason: CLOSE_REQUEST_REASON });
    await aiDone(bw);

    const answer = bw.fake.message(answerId)!;
    expect(answer.content).not.toContain('▌');
    expect(LONG_REPLY.startsWith(answer.content)).toBe(true);
    expect(bw.fake.messages(threadId).filter((m) => m.content.includes('▌'))).toEqual([]);
    expect(botMessages(bw, threadId).some((m) => m.content.startsWith('🔒 Ticket closed'))).toBe(true);
    expect(tagNames(bw, threadId)).toContain('Closed');
    expect(tagNames(bw, threadId)).not.toContain('Answered');
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: true, locked: true });
    // Reopened once for the last edit and left to the close, which locks and archives it: not archived in between.
    const archives = bw.fake.requests.filter((r) => r.at >= sweptAt && r.method === 'PATCH' && r.path === `/channels/${threadId}` && (r.body as { archived?: boolean })?.archived === true);
    expect(archives.map((r) => (r.body as { locked?: boolean }).locked)).toEqual([true]);
    expect(refusedSince(bw, threadId, sweptAt)).toEqual([]);
  });
});

/** A member's ticket, answered, then archived by Discord after a week without activity (as the bot sees it). */
async function answeredThenIdleArchived(bw: BotWorld): Promise<string> {
  bw.ollama.reply = 'Restart the printer spooler.';
  const threadId = postTicket(bw, 'Printer', 'My printer shows as offline');
  await answerWithButtons(bw, threadId);
  await bw.fake.waitFor(() => tagNames(bw, threadId).includes('Answered'), 3000, 'the Answered tag');
  await aiDone(bw); // the tag's PATCH answered too: its reply would put back the bot's copy of the post as it was then
  expect(bw.fake.archiveIdleThreads(Date.now() + 8 * 24 * 3_600_000)).toContain(threadId);
  await bw.fake.waitFor(() => (bw.bot.client.channels.cache.get(threadId) as ThreadChannel | undefined)?.archived, 3000, 'the bot sees the post archived');
  return threadId;
}

const cachedPost = (bw: BotWorld, threadId: string) => bw.bot.client.channels.cache.get(threadId) as ThreadChannel | undefined;

describe('a member writing in a post Discord archived after a week without activity', () => {
  it('the AI’s answer streams into the post at once, and a moderator archiving it afterwards is still honoured', async () => {
    const bw = await world();
    const threadId = await answeredThenIdleArchived(bw);
    const lateUnarchive = bw.fake.faults.unarchiveAfterMessage();
    bw.ollama.reply = LONG_REPLY;
    bw.ollama.chunkSize = 20;
    bw.ollama.tokenDelayMs = 150;
    bw.fake.postAsUser({ channelId: threadId, userId: bw.memberId, content: 'It is offline again, even after that' });
    await lateUnarchive.arrived;
    // The bot still has the post as archived: the answer is written there all the same, as the member's message reopened it.
    await bw.fake.waitFor(() => botMessages(bw, threadId).some((m) => m.content.endsWith('▌')), 5000, 'the answer being written');
    expect(cachedPost(bw, threadId)?.archived).toBe(true);
    lateUnarchive.release();
    await bw.fake.waitFor(() => cachedPost(bw, threadId)?.archived === false, 3000, 'the bot sees the post open');
    bw.fake.editThreadAsUser({ threadId, userId: bw.adminId, archived: true });
    await aiDone(bw);

    const shown = botMessages(bw, threadId);
    expect(shown.filter((m) => m.content.includes('▌'))).toEqual([]);
    expect(shown.at(-1)!.content).toBe(LONG_REPLY);
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: true, locked: false });
  });

  it('is answered there and the post stays open, even when the bot hears of the unarchive only after the message', async () => {
    const bw = await world();
    const threadId = await answeredThenIdleArchived(bw);
    // The member's message unarchives the post; Discord's THREAD_UPDATE saying so reaches the bot only after the message.
    const lateUnarchive = bw.fake.faults.unarchiveAfterMessage();
    bw.ollama.reply = 'Then reinstall the driver from the vendor’s site.';
    bw.fake.postAsUser({ channelId: threadId, userId: bw.memberId, content: 'It is offline again, even after that' });
    await lateUnarchive.arrived;
    const answer = await bw.fake.waitForMessage(threadId, (m) => m.author.bot && m.content === 'Then reinstall the driver from the vendor’s site.' && buttonIds(m).length > 0);
    await aiDone(bw);
    lateUnarchive.release();
    await quietFor(300);

    // The member reopened their ticket by writing in it: it stays open, with the answer shown once.
    expect(bw.fake.channel(threadId)).toMatchObject({ archived: false, locked: false });
    expect(botMessages(bw, threadId).filter((m) => m.content === answer.content)).toHaveLength(1);
    expect(tagNames(bw, threadId)).toEqual(['Answered']);
    expect(bw.core.tickets.getByThread(bw.guildId, threadId)?.status).toBe('open');
  });
});
