import { describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { DEFAULT_BOT_PERMISSIONS } from '../fakes/discord/index.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';
import { botMessages, postTicket, quietFor, tagNames } from './support-helpers.js';

/**
 * An admin changes the ticket forum's tags in Discord after /setup: deletes a status tag, or deletes and
 * re-creates it (a new id). Discord refuses a post or an edit naming a tag the forum no longer has (the fake:
 * 400 50035, `checkAppliedTags`), and a forum with "Require people to select tags when posting" refuses a post
 * without one (40067). Members must still open tickets, and the status tags must still follow the ticket.
 */
const startWorld = useBotWorldStarter();

async function world(): Promise<BotWorld> {
  const w = await startWorld();
  await w.setup();
  return w;
}

/** The admin keeps every forum tag except `name`, and adds `add` (new tags, new ids); waits until the bot sees it. */
async function editForumTags(bw: BotWorld, change: { remove: string; add?: string[] }): Promise<void> {
  const kept = bw.fake.channel(bw.forumId).availableTags.filter((t) => t.name !== change.remove);
  const next = [...kept, ...(change.add ?? []).map((name) => ({ name }))];
  bw.fake.editChannelAsUser({ channelId: bw.forumId, userId: bw.adminId, availableTags: next });
  const ids = bw.fake.channel(bw.forumId).availableTags.map((t) => t.id).join();
  await bw.fake.waitFor(() => {
    const forum = bw.bot.client.channels.cache.get(bw.forumId);
    return forum && 'availableTags' in forum && forum.availableTags.map((t) => t.id).join() === ids;
  }, 3000, 'the bot sees the new tags');
}

/** Posts the ticket panel; returns a function that shows a member its form, and sends it when called. */
async function panelForm(bw: BotWorld): Promise<(userId: string) => Promise<(subject: string, description: string) => Promise<string>>> {
  await (await bw.command('ticket_panel', {}, { channelId: bw.generalId })).waitForResponse();
  const panel = bw.fake.messages(bw.generalId).filter((m) => m.embeds.length > 0 && m.author.bot).at(-1)!;
  const button = (panel.components as { components: { custom_id: string }[] }[])[0]!.components[0]!;
  return async (userId) => {
    const modal = await (await bw.fake.clickButton({ messageId: panel.id, customId: button.custom_id, userId })).waitForResponse();
    return async (subject, description) => {
      const submit = await bw.fake.submitModal({ customId: String(modal.modal!.custom_id), fields: { subject, description }, userId, channelId: bw.generalId });
      return (await submit.waitForResponse({ timeoutMs: 10_000 })).content;
    };
  };
}

/** Panel → button → form, as a member; what they are told at the end. */
async function openFromPanel(bw: BotWorld, subject: string, description: string): Promise<string> {
  const form = await (await panelForm(bw))(bw.memberId);
  return form(subject, description);
}

const threadNamed = (bw: BotWorld, name: string) => bw.fake.threads(bw.forumId).find((t) => t.name === name);

describe('the ticket forum’s tags changed in Discord after /setup', () => {
  it('the Open tag deleted: a member still opens a ticket from the panel, and the post carries a new Open tag', async () => {
    const bw = await world();
    await editForumTags(bw, { remove: 'Open' });
    const told = await openFromPanel(bw, 'Refund', 'I want a refund');
    const thread = threadNamed(bw, 'Refund');
    expect(told).toBe(`Your ticket is open: <#${thread?.id}>`);
    expect(tagNames(bw, thread!.id)).toContain('Open');
    expect(bw.fake.channel(bw.forumId).availableTags.filter((t) => t.name === 'Open')).toHaveLength(1);
  });

  it('the Open tag deleted and two members opening tickets at the same moment: both posts carry Open, and the forum has each status tag once', async () => {
    const bw = await world();
    await editForumTags(bw, { remove: 'Open' });
    const other = bw.fake.addMember(bw.guildId, { username: 'second-member' }).id;
    const show = await panelForm(bw);
    const [first, second] = [await show(bw.memberId), await show(other)];
    // Discord answers the first tag-list rewrite slowly: the second member's form arrives while it is in flight.
    const since = Date.now();
    const slowRewrite = bw.fake.faults.holdNext({ method: 'PATCH', route: new RegExp(`^/channels/${bw.forumId}$`) });
    const firstTold = first('Refund', 'I want a refund');
    await slowRewrite.arrived;
    const secondTold = second('Invoice', 'My invoice is wrong');
    await quietFor(400);
    slowRewrite.release();

    const told = await Promise.all([firstTold, secondTold]);
    const posts = [threadNamed(bw, 'Refund'), threadNamed(bw, 'Invoice')];
    expect(told).toEqual(posts.map((post) => `Your ticket is open: <#${post?.id}>`));
    expect(posts.map((post) => tagNames(bw, post!.id))).toEqual([['Open'], ['Open']]);
    const names = bw.fake.channel(bw.forumId).availableTags.map((t) => t.name).sort();
    expect(names).toEqual(['Answered', 'Closed', 'Needs staff', 'Open']);
    // The second opening waited for the first rewrite and found the tag made: the list was rewritten once.
    expect(bw.fake.requests.filter((r) => r.at >= since && r.method === 'PATCH' && r.path === `/channels/${bw.forumId}`)).toHaveLength(1);
  });

  it('Answered deleted and made again by the admin (a new id): the bot’s answer still tags the post Answered, not Open', async () => {
    const bw = await world();
    await editForumTags(bw, { remove: 'Answered', add: ['Answered'] });
    const threadId = postTicket(bw, 'Login', 'I cannot log in');
    await bw.fake.waitFor(() => botMessages(bw, threadId).length > 0, 5000, 'an answer');
    await bw.fake.waitFor(() => tagNames(bw, threadId).includes('Answered'), 3000, 'the Answered tag').catch(() => undefined);
    expect(tagNames(bw, threadId)).toEqual(['Answered']);
  });

  it('tags required on posts, the Open tag deleted and the bot unable to add it again: the member is told plainly, no stray post', async () => {
    const bw = await world();
    bw.fake.editChannelAsUser({ channelId: bw.forumId, userId: bw.adminId, flags: 16 }); // REQUIRE_TAG
    bw.fake.setRolePermissions(bw.guildId, bw.botRoleId, DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.ManageChannels);
    await editForumTags(bw, { remove: 'Open' });
    await bw.fake.waitFor(() => !bw.bot.client.guilds.cache.get(bw.guildId)?.members.me?.permissions.has(PermissionFlagsBits.ManageChannels), 3000, 'the bot sees its role');
    const told = await openFromPanel(bw, 'Refund', 'I want a refund');
    expect(told).toContain('requires a tag');
    expect(told).toContain('/setup');
    expect(threadNamed(bw, 'Refund')).toBeUndefined();
  });
});
