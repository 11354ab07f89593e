import { describe, expect, it } from 'vitest';
import type { InteractionReply } from '../fakes/discord/index.js';
import { useBotWorld } from '../e2e/harness.js';
import { postTicket, quietFor } from '../e2e/support-helpers.js';
import { jsonUpload, seen, trainingExport } from './helpers.js';

/**
 * A reply whose connection Discord closed (`dropNext`: undici's "other side closed", which discord.js does not retry)
 * after the command's change was committed: the member must get the result, or at least the truth that it was saved.
 */
const w = useBotWorld();

// discord.js sends `@original` percent-encoded.
const DEFERRED_EDIT = /^\/webhooks\/\d+\/[^/]+\/messages\/(@|%40)original$/;
const CALLBACK = /^\/interactions\/\d+\/[^/]+\/callback$/;
const qa = (tag: string, i: number) => ({ question: `${tag} question number ${i}?`, answer: `${tag} answer ${i}.` });

async function importFile(tag: string, count: number): Promise<InteractionReply> {
  const file = jsonUpload(trainingExport(Array.from({ length: count }, (_, i) => qa(tag, i))));
  const handle = await w.command('import_training', {}, { userId: w.staffId, attachments: { file } });
  return handle.waitForResponse({ timeoutMs: 15_000 });
}

const dropped = (route: RegExp) => w.fake.requests.filter((r) => r.dropped && route.test(r.path)).length;
const trainedWith = (tag: string) => w.core.training.all(w.guildId).filter((e) => e.question.startsWith(tag)).length;

describe('a reply whose connection dropped is sent again', () => {
  it('/import_training: the edit of the deferred reply is dropped once; the staff member still sees what was imported', async () => {
    const before = dropped(DEFERRED_EDIT);
    w.fake.faults.dropNext({ method: 'PATCH', route: DEFERRED_EDIT });
    const reply = await importFile('Dropped once', 3);
    expect(dropped(DEFERRED_EDIT)).toBe(before + 1);
    expect(seen(reply)).toMatch(/^Imported: 3 added, 0 updated, 0 skipped/);
    expect(seen(reply)).not.toMatch(/went wrong/);
    expect(trainedWith('Dropped once')).toBe(3);
  });

  it('/train: the first answer (the callback) is dropped once; it is sent again within Discord’s 3 seconds', async () => {
    const before = dropped(CALLBACK);
    w.fake.faults.dropNext({ method: 'POST', route: CALLBACK });
    const handle = await w.command('train', { question: 'Where are the dropped replies kept?', answer: 'Nowhere, they are sent again.' }, { userId: w.staffId });
    const reply = await handle.waitForResponse({ timeoutMs: 5000 });
    expect(dropped(CALLBACK)).toBe(before + 1);
    expect(handle.rejected).toEqual([]);
    expect(reply.embeds[0]?.title).toMatch(/^Trained entry #\d+$/);
    expect(w.core.training.all(w.guildId).filter((e) => e.question === 'Where are the dropped replies kept?')).toHaveLength(1);
  });

  it('a button’s update (/kb_delete → Delete) is dropped once; the confirmation still replaces the question', async () => {
    await (await w.command('kb_create', { name: 'Doomed' }, { userId: w.staffId })).waitForResponse();
    const ask = await (await w.command('kb_delete', { kb: 'Doomed' }, { userId: w.staffId })).waitForResponse();
    const yes = ask.components.flatMap((row) => (row as { components: { custom_id: string }[] }).components).find((c) => c.custom_id.startsWith('kbd:yes'))!;
    const before = dropped(CALLBACK);
    w.fake.faults.dropNext({ method: 'POST', route: CALLBACK });
    const click = await w.fake.clickButton({ messageId: ask.messageId!, customId: yes.custom_id, userId: w.staffId });
    const done = await click.waitForResponse({ timeoutMs: 5000 });
    expect(dropped(CALLBACK)).toBe(before + 1);
    expect(done.embeds[0]?.description).toBe('Deleted the knowledge base **Doomed** and its 0 entries.');
    expect(w.core.knowledge.list(w.guildId).map((kb) => kb.name)).not.toContain('Doomed');
  });
});

/**
 * The same drops, but after Discord took the call and only its answer was lost (`lose: 'response'`): the bot cannot
 * tell, sends again, and the member must still see one reply and no error. A repeated first answer gets 40060 (it had
 * arrived); a repeated edit changes nothing.
 */
describe('a reply whose answer was lost after Discord took it: one reply, no error', () => {
  it('/train: the callback was taken, its answer lost; the retry gets 40060 and counts as delivered', async () => {
    w.fake.faults.dropNext({ method: 'POST', route: CALLBACK, lose: 'response' });
    const handle = await w.command('train', { question: 'Who keeps lost answers?', answer: 'Discord, for a retry.' }, { userId: w.staffId });
    const reply = await handle.waitForResponse({ timeoutMs: 5000 });
    await w.fake.waitFor(() => handle.rejected.length > 0, 5000, 'the retry');
    await quietFor(300);
    expect(reply.embeds[0]?.title).toMatch(/^Trained entry #\d+$/);
    expect(handle.rejected.map((r) => r.code)).toEqual([40060]);
    expect(handle.followUps).toEqual([]); // no "something went wrong" after it
    expect(w.core.training.all(w.guildId).filter((e) => e.question === 'Who keeps lost answers?')).toHaveLength(1);
  });

  it('/import_training: the deferral and then the result edit were taken, both answers lost; the result is shown once', async () => {
    w.fake.faults.dropNext({ method: 'POST', route: CALLBACK, lose: 'response' });
    w.fake.faults.dropNext({ method: 'PATCH', route: DEFERRED_EDIT, lose: 'response' });
    const reply = await importFile('Lost answers', 2);
    await quietFor(300);
    expect(seen(reply)).toMatch(/^Imported: 2 added, 0 updated, 0 skipped/);
    expect(trainedWith('Lost answers')).toBe(2);
  });
});

describe('a failure after the change was saved never says "nothing was changed"', () => {
  it('/import_training: every edit of the result dropped; the staff member is told the import was saved and where to check', async () => {
    // The first edit and its three retries are dropped; the report of the failure gets through.
    w.fake.faults.dropNext({ method: 'PATCH', route: DEFERRED_EDIT, count: 4 });
    const reply = await importFile('Saved anyway', 5);
    expect(trainedWith('Saved anyway')).toBe(5);
    expect(seen(reply)).not.toMatch(/nothing was changed/);
    expect(seen(reply)).toContain('The import was saved: 5 added, 0 updated, 0 skipped.');
    expect(seen(reply)).toContain('`/training_stats`');
    expect(seen(reply)).toContain('Do not import the same file again.');
  });

  it('/close_ticket: the closing message cannot be sent at all; the post is still closed in Discord', async () => {
    const threadId = postTicket(w, 'Close me', 'my keyboard is broken');
    await w.fake.waitFor(() => w.fake.messages(threadId).some((m) => m.author.bot), 5000, 'the first answer');
    // The callback and its retries: past Discord's 3 s the interaction is gone (10062), as a real outage would leave it.
    w.fake.faults.dropNext({ method: 'POST', route: CALLBACK, count: 4 });
    await w.command('close_ticket', {}, { userId: w.memberId, channelId: threadId });
    await w.fake.waitFor(() => w.fake.channel(threadId).locked && w.fake.channel(threadId).archived, 10_000, 'the post locked and archived');
    expect(w.fake.channel(threadId).appliedTagNames).toContain('Closed');
    expect(w.core.tickets.getByThread(w.guildId, threadId)?.status).toBe('closed');
  });
});
