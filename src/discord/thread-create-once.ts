import { SnowflakeUtil } from 'discord.js';
import type { AnyThreadChannel, Client, FetchedThreads } from 'discord.js';
import { isWorthRetrying, retryWhileOutcomeUnknown } from './unknown-outcome.js';

/**
 * Starting a thread (a forum post, a private thread) cannot be made safe to repeat the way a message is: Start Thread
 * in Forum or Media Channel and Start Thread without Message take no `nonce` (discord-api-docs
 * `developers/resources/channel.mdx`: neither their JSON params nor the forum thread message params list one; only
 * Create Message dedupes). Yet a dropped connection may have lost only Discord's answer (unknown-outcome.ts).
 * So before each retry the bot looks for the thread the lost attempt made, and adopts it instead of starting another:
 * - List Active Guild Threads "returns all active threads in a guild that the current user can access, includes
 *   public & private threads" (`topics/threads.mdx`, Enumerating threads; `resources/guild.mdx`), and a thread just
 *   started is active (it archives only after at least an hour without activity).
 * - Its `owner_id` is "the id of the user that started the thread" and `parent_id` the channel it was created in
 *   (`threads.mdx`, Thread Fields); its id is a snowflake, so it carries its creation time (`reference.mdx`, Snowflakes).
 * A thread started by this bot, in that channel, with that name, since this call began (less a margin for the two
 * clocks), that the caller does not know (`isKnown`: not already a ticket), that no other call in this run has
 * created or adopted, and that `isOurs` accepts (a forum post: its starter message, which shares the post's id, is the
 * one this call sent), is the lost one. Creations of the same name still in flight in this run are awaited first, so
 * a thread whose answer is merely slow is never taken for a lost one.
 */

/** How far Discord's clock (the snowflake's time) may be behind ours when we decide what "since this call began" is. */
const CLOCK_MARGIN_MS = 30_000;
/** A claimed thread is remembered this long: long past any retry's lookup window. */
const CLAIM_MEMORY_MS = 10 * 60_000;

interface ThreadParent {
  readonly id: string;
  readonly client: Client;
  readonly threads: { fetchActive(cache?: boolean): Promise<FetchedThreads> };
}

export interface ThreadLookup {
  /** What is created, for the retry log ("forum post", "private thread"). */
  kind: string;
  /** The thread's name: the lost one has this name. */
  name: string;
  /** True for a thread already known elsewhere (a ticket): never adopted. */
  isKnown?: (threadId: string) => boolean;
  /** A last check of a candidate (a forum post's starter message); a thread it refuses is left alone. */
  isOurs?: (thread: AnyThreadChannel) => Promise<boolean>;
}

/** Per client: the threads this run created or adopted, and the creations still waiting for Discord's answer. */
interface Creations {
  claimed: Map<string, number>;
  inFlight: Map<string, Set<Promise<unknown>>>;
}
const creationsOf = new WeakMap<Client, Creations>();

function creations(client: Client): Creations {
  let state = creationsOf.get(client);
  if (!state) creationsOf.set(client, (state = { claimed: new Map(), inFlight: new Map() }));
  return state;
}

function claim(state: Creations, threadId: string): void {
  const now = Date.now();
  for (const [id, at] of state.claimed) if (at < now - CLAIM_MEMORY_MS) state.claimed.delete(id);
  state.claimed.set(threadId, now);
}

/**
 * Starts a thread with `create`, again after a dropped connection or a 5xx (unknown-outcome.ts), and before each
 * retry adopts the thread the lost attempt had started, if Discord had (see above). Resolves with the one thread.
 */
export async function createThreadOnce<T extends AnyThreadChannel>(parent: ThreadParent, lookup: ThreadLookup, create: () => Promise<T>): Promise<T | AnyThreadChannel> {
  const state = creations(parent.client);
  const key = `${parent.id}\u0000${lookup.name}`;
  const since = Date.now() - CLOCK_MARGIN_MS;
  let attempts = 0;
  return retryWhileOutcomeUnknown(
    async () => {
      if (attempts++ > 0) {
        const lost = await findLostThread(parent, lookup, state, key, since);
        if (lost) return lost;
      }
      const thread = await inFlight(state, key, create());
      claim(state, thread.id);
      return thread;
    },
    { kind: lookup.kind, client: parent.client },
  );
}

async function inFlight<T>(state: Creations, key: string, creation: Promise<T>): Promise<T> {
  const pending = state.inFlight.get(key) ?? new Set();
  state.inFlight.set(key, pending);
  pending.add(creation);
  try {
    return await creation;
  } finally {
    pending.delete(creation);
    if (pending.size === 0) state.inFlight.delete(key);
  }
}

async function findLostThread(parent: ThreadParent, lookup: ThreadLookup, state: Creations, key: string, since: number): Promise<AnyThreadChannel | undefined> {
  // Another call's creation of the same name may still be waiting for its answer: once it has it, its thread is claimed.
  await Promise.allSettled([...(state.inFlight.get(key) ?? [])]);
  const botId = parent.client.user?.id;
  const active = await parent.threads.fetchActive().catch((error: unknown) => {
    if (isWorthRetrying(error)) throw error; // retried like the creation itself
    return undefined; // a lookup Discord refuses finds nothing: the thread is started again rather than lost
  });
  const candidates = [...(active?.threads.values() ?? [])]
    .filter((t) => t.ownerId === botId && t.parentId === parent.id && t.name === lookup.name && SnowflakeUtil.timestampFrom(t.id) >= since)
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)); // the oldest first: the first lost attempt
  for (const thread of candidates) {
    if (state.claimed.has(thread.id) || lookup.isKnown?.(thread.id)) continue;
    const ours = await (lookup.isOurs?.(thread) ?? Promise.resolve(true)).catch((error: unknown) => {
      if (isWorthRetrying(error)) throw error;
      return false; // cannot be checked: left alone, never adopted on a guess
    });
    // Checked again after the wait: another retry may have adopted it meanwhile.
    if (ours && !state.claimed.has(thread.id)) {
      claim(state, thread.id);
      return thread;
    }
  }
  return undefined;
}
