import { GatewayDispatchEvents, type APIThreadChannel, type Client, type GatewayMessageCreateDispatchData, type ThreadChannel } from 'discord.js';

/**
 * Thread edits whose answer cannot put back an older state of the thread in discord.js's cache.
 *
 * discord.js applies the REST answer of every thread edit to its cached thread: ThreadChannel#edit ends with
 * `this.client.actions.ChannelUpdate.handle(newData)` (discord.js 14.28.1, src/structures/ThreadChannel.js:366), which
 * runs `channel._update(data)` (src/client/actions/ChannelUpdate.js:12) → `_patch` (src/structures/Base.js:28-32), and
 * `_patch` overwrites `archived`, `locked` and `archiveTimestamp` from `thread_metadata` (ThreadChannel.js:82-115) and
 * `appliedTags` (ThreadChannel.js:199-204) unconditionally. The answer describes the thread as Discord left it when it
 * handled the edit, and Discord does not order it against the gateway's events ("client actions can never be
 * serialized and may be executed in any order", discord-api-docs reference.mdx, Consistency; "the websocket event may
 * arrive before or after the REST call resolves", abalabahaha/eris#262). So the answer of the Answered tag, arriving
 * after the THREAD_UPDATE of a moderator's archive made just then, had the bot take the archived post for an open one
 * and post its next answer into it, which reopened it (tests/e2e/stale-thread-answer.test.ts).
 *
 * The gateway's events come in order; a REST answer is a preview, newest only when no THREAD_UPDATE of that thread
 * arrived while it was on its way. When one did and says otherwise, the answer may be the older: the cache is set back
 * to that THREAD_UPDATE's state at once, then read again from Discord (one GET, only in this race), since the
 * THREAD_UPDATE may as well be the older one (a change Discord made just before the bot's, whose own THREAD_UPDATE is
 * still to come, or never comes: events "may never be sent", reference.mdx). The answer's `last_message_id` is patched
 * in too (ThreadChannel.js:131-139), so a message that arrived while the edit was on its way is put back as the newest.
 */

type ThreadEdit = Parameters<ThreadChannel['edit']>[0];

/** What the bot judges a post by: archived and by when, locked, its tags. */
interface PostState {
  archived: boolean;
  locked: boolean;
  archiveTimestamp: number;
  appliedTags: string[] | undefined;
}

/** The THREAD_UPDATEs and messages seen for one thread while the bot's edits of it are in flight. */
interface Watch {
  editors: number;
  updates: number;
  latest?: PostState;
  /** The newest message posted there meanwhile (MESSAGE_CREATE sets the cached `lastMessageId`). */
  newestMessageId?: string;
}

/** Per client, the threads being edited; its THREAD_UPDATE listener is added with its first edit. */
const watchesByClient = new WeakMap<Client, Map<string, Watch>>();

function watchesOf(client: Client): Map<string, Watch> {
  const watches = watchesByClient.get(client);
  if (watches) return watches;
  const created = new Map<string, Watch>();
  watchesByClient.set(client, created);
  // The raw dispatch, emitted just before discord.js applies it (src/client/websocket/WebSocketManager.js:233-235).
  client.ws.on(GatewayDispatchEvents.ThreadUpdate, (data: APIThreadChannel) => {
    const watch = created.get(data.id);
    if (!watch || !data.thread_metadata) return;
    watch.updates += 1;
    watch.latest = stateOf(data);
  });
  client.ws.on(GatewayDispatchEvents.MessageCreate, (data: GatewayMessageCreateDispatchData) => {
    const watch = created.get(data.channel_id);
    if (watch && isNewer(data.id, watch.newestMessageId)) watch.newestMessageId = data.id;
  });
  return created;
}

function stateOf(data: APIThreadChannel): PostState {
  const meta = data.thread_metadata!;
  return { archived: meta.archived, locked: meta.locked ?? false, archiveTimestamp: Date.parse(meta.archive_timestamp), appliedTags: data.applied_tags };
}

function cachedState(thread: ThreadChannel): PostState {
  return { archived: thread.archived === true, locked: thread.locked === true, archiveTimestamp: thread.archiveTimestamp ?? 0, appliedTags: thread.appliedTags };
}

/** Snowflakes grow with time: compared as numbers. */
const isNewer = (id: string, than: string | null | undefined) => !than || BigInt(id) > BigInt(than);

const sameTags = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  a === undefined || b === undefined || (a.length === b.length && a.every((id) => b.includes(id)));

function sameState(a: PostState, b: PostState): boolean {
  return a.archived === b.archived && a.locked === b.locked && a.archiveTimestamp === b.archiveTimestamp && sameTags(a.appliedTags, b.appliedTags);
}

function restore(thread: ThreadChannel, state: PostState): void {
  thread.archived = state.archived;
  thread.locked = state.locked;
  thread.archiveTimestamp = state.archiveTimestamp;
  if (state.appliedTags) thread.appliedTags = [...state.appliedTags];
}

/** Runs `request` (which applies its answer to the cached thread); returns a THREAD_UPDATE's state that disagrees with it. */
async function withWatch(thread: ThreadChannel, request: () => Promise<unknown>): Promise<PostState | undefined> {
  const watches = watchesOf(thread.client);
  const watch = watches.get(thread.id) ?? { editors: 0, updates: 0 };
  watches.set(thread.id, watch);
  watch.editors += 1;
  const before = watch.updates;
  try {
    await request();
    // The answer's `last_message_id` may predate a message that arrived meanwhile: archived-post.ts judges an archive
    // against the newest message, so a message the answer left out would make the member's own unarchive look undone.
    if (watch.newestMessageId && isNewer(watch.newestMessageId, thread.lastMessageId)) thread.lastMessageId = watch.newestMessageId;
    const newer = watch.updates !== before ? watch.latest : undefined;
    return newer && !sameState(newer, cachedState(thread)) ? newer : undefined;
  } finally {
    watch.editors -= 1;
    if (watch.editors === 0) watches.delete(thread.id);
  }
}

/** Reads the thread again (its answer is checked the same way), a few times at most; the cache keeps the gateway's state otherwise. */
async function settle(thread: ThreadChannel, gateway: PostState): Promise<void> {
  restore(thread, gateway);
  for (let attempt = 0; attempt < 3; attempt++) {
    let newer: PostState | undefined;
    try {
      newer = await withWatch(thread, () => thread.fetch(true));
    } catch {
      return; // the edit itself went through; the cache shows the gateway's newest state
    }
    if (!newer) return;
    restore(thread, newer);
  }
}

/** Edits a thread (a forum post) like `thread.edit`, without letting its answer undo a newer THREAD_UPDATE in the cache. */
export async function editThread(thread: ThreadChannel, edit: ThreadEdit): Promise<ThreadChannel> {
  const newer = await withWatch(thread, () => thread.edit(edit));
  if (newer) await settle(thread, newer);
  return thread;
}
