/**
 * The order of a thread's unarchive and the message that caused it, as a bot may receive them.
 *
 * Posting in an archived thread that is not locked unarchives it (discord-api-docs developers/topics/threads.mdx,
 * Active & Archived Threads: "Sending a message will automatically unarchive the thread, unless the thread has been
 * locked by a moderator"), and Discord sends THREAD_UPDATE for that unarchive (discord/discord-api-docs#7476: "When
 * doing the auto-unarchive, I'm seeing the THREAD_UPDATE event"). In which order it and the message's MESSAGE_CREATE
 * arrive is **not documented**: threads.mdx ("Unarchiving a Thread") orders only THREAD_UPDATE before THREAD_MEMBER_UPDATE,
 * and Discord's gateway is known to deliver related events out of order ("Discord will often send events out of
 * order due to their distributed systems", discord-jda/JDA#58; a THREAD_MEMBERS_UPDATE before its thread,
 * DSharpPlus/DSharpPlus#1507; "the gateway is not guaranteed to always emit these events in order", #8281).
 *
 * The fake sends THREAD_UPDATE first by default (the unarchive happens before the message is stored). A test orders
 * the adverse case with `fake.faults.unarchiveAfterMessage()`: the next such THREAD_UPDATE is sent after the
 * MESSAGE_CREATE, and only when the test calls `release()` (as late as it likes), so the bot handles the member's
 * message while its copy of the thread still says archived. The state itself changes at once, as on Discord.
 */
export interface LateUnarchive {
  /** Resolves when a message unarchived a thread and its THREAD_UPDATE is being held. */
  readonly arrived: Promise<{ threadId: string }>;
  /** Sends the held THREAD_UPDATE now (or as soon as it is held). */
  release(): void;
}

class Held implements LateUnarchive {
  readonly arrived: Promise<{ threadId: string }>;
  private arrive!: (v: { threadId: string }) => void;
  private send: (() => void) | undefined;
  private released = false;

  constructor() {
    this.arrived = new Promise((resolve) => (this.arrive = resolve));
  }

  take(threadId: string, send: () => void): void {
    this.send = send;
    this.arrive({ threadId });
    if (this.released) this.flush();
  }

  release(): void {
    this.released = true;
    this.flush();
  }

  private flush(): void {
    const send = this.send;
    this.send = undefined;
    send?.();
  }
}

export class LateUnarchives {
  private readonly armed: Held[] = [];

  /** The next unarchive by a message is held (see above). */
  next(): LateUnarchive {
    const held = new Held();
    this.armed.push(held);
    return held;
  }

  /** Sends `send` (the THREAD_UPDATE of an unarchive by a message) now, or holds it when a test asked for that. */
  dispatch(threadId: string, send: () => void): void {
    const held = this.armed.shift();
    if (!held) return send();
    held.take(threadId, send);
  }
}
