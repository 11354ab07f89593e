import { newMessageNonce } from '../channel-send.js';
import { splitMessage } from '../render/split-message.js';

/**
 * A posted message we may edit later. `Extras` is what the finished answer's last message carries
 * besides its text (its buttons): sent with the final text, not as a request of its own.
 */
export interface PostedMessage<Extras = never> {
  /** The message's id, where the sink knows it. */
  readonly id?: string;
  /** The text the message shows, as Discord returned it (where the sink knows it). */
  readonly content?: string;
  edit(content: string, extras?: Extras): Promise<unknown>;
  delete(): Promise<unknown>;
}

/**
 * Where the answer is shown. Each request retries itself where that is safe (the bot's one retry path:
 * channel-send.ts over unknown-outcome.ts), so an error from the sink is final for that request; the reply then
 * renders everything again at its next flush or at finish(), and does not retry on its own.
 */
export interface MessageSink<Extras = never> {
  /**
   * Posts one part of the answer. `nonce` is the same on every attempt to post that part (Create Message's `nonce`
   * with `enforceNonce`): when an attempt's connection dropped after Discord had created the message, the next
   * attempt gets that message back instead of a second one.
   */
  send(content: string, extras: Extras | undefined, nonce: string): Promise<PostedMessage<Extras>>;
}

/** Shown at the end of a message while the AI is still writing it. */
export const WRITING_MARK = ' ▌';

/**
 * Shows a growing answer in Discord: posts early, then edits as text arrives, at most once per
 * `intervalMs`, and continues in further messages past 2000 characters. One Discord request is
 * in flight at a time, so a slow or rate-limited Discord (discord.js waits out 429s) makes us
 * edit less often, never more.
 */
export class StreamingReply<Extras = never> {
  private readonly posted: { message: PostedMessage<Extras>; content: string; withExtras: boolean }[] = [];
  /** One nonce per part of the answer, kept until that part is gone, so every attempt to post it uses the same. */
  private readonly nonces: string[] = [];
  private latest = '';
  private final = false;
  /** Stopped by the ticket closing: no more posts, edits or deletes after the last text is shown. */
  private stopped = false;
  /** The stopped text is shown: stop()'s last edits all went through. */
  private stopShown = false;
  /** finish() went through: the whole answer is shown, there is no writing mark left to take off. */
  private finished = false;
  /** The latest text is a placeholder (a queue notice), not the answer. */
  private showingPlaceholder = false;
  private finalExtras: Extras | undefined;
  private flushing: Promise<void> | undefined;
  private lastFlushAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: MessageSink<Extras>,
    private readonly intervalMs = 1000,
  ) {}

  /** The answer's last message still shown (the one that carries its extras once finished). */
  get lastPosted(): PostedMessage<Extras> | undefined {
    return this.posted.at(-1)?.message;
  }

  /** Posts a placeholder (e.g. "working on it") that the answer will replace. */
  async placeholder(text: string): Promise<void> {
    if (this.posted.length > 0 || this.final) return;
    this.latest = text;
    this.showingPlaceholder = true;
    await this.flushNow();
  }

  /** The whole answer so far; shown within about `intervalMs`. */
  update(textSoFar: string): void {
    if (this.final) return;
    this.latest = textSoFar;
    this.showingPlaceholder = false;
    this.schedule();
  }

  /**
   * The finished answer: waits until every part of it is posted exactly as given. An earlier
   * update that failed is simply redone here, a part posted again with the nonce of its earlier
   * attempts (so a message Discord had created comes back, not a copy). Each request has had the
   * sink's retries; an error here is final.
   * `lastMessageExtras` go out with the last message's final text, in the same request.
   */
  async finish(text: string, lastMessageExtras?: Extras): Promise<void> {
    if (this.stopped) return;
    this.latest = text;
    this.showingPlaceholder = false;
    this.final = true;
    this.finalExtras = lastMessageExtras;
    clearTimeout(this.timer);
    await this.flushNow();
    // A stop() that came meanwhile ended the flush early: that stop() shows the text, not this.
    if (!this.stopped) this.finished = true;
  }

  /** True once stop() (or halt()) was called: the answer must not be finished, tagged or posted. */
  get wasStopped(): boolean {
    return this.stopped;
  }

  /** Nothing left to show: finish() went through, or stop()'s text is shown. A later stop() makes no request. */
  get settled(): boolean {
    return this.finished || this.stopShown;
  }

  /**
   * Stops the answer where it is, without a request: later updates, flushes and finish() do nothing, and a flush in
   * flight sends no further part. For a post the bot may not write in right now (a moderator locked it): stop(),
   * once the post takes the bot's edit, takes the writing mark off.
   */
  halt(): void {
    this.stopped = true;
    this.final = true;
    clearTimeout(this.timer);
  }

  /**
   * The ticket closed while this answer was being written: what was shown stays, without the
   * writing mark (a queue notice is removed), and later updates and finish() do nothing. Resolves
   * once that last edit is done, so the caller may lock the thread after it. When Discord refused
   * it (a post archived meanwhile), calling stop() again, once the post is reopened, redoes it.
   */
  async stop(): Promise<void> {
    if (this.settled) return;
    this.halt();
    // After a finish() in flight, the stopped text is what it showed: nothing left to edit once it went through.
    await this.flushNow();
    this.stopShown = true;
  }

  private schedule(): void {
    if (this.timer || this.final) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushNow().catch(() => undefined);
    }, wait);
  }

  private async flushNow(): Promise<void> {
    // A failed earlier flush is not ours to report: this one renders everything again.
    while (this.flushing) await this.flushing.catch(() => undefined);
    // Measured start to start, so a slow request does not shorten the pause before the next.
    this.lastFlushAt = Date.now();
    const run = this.render().finally(() => {
      this.flushing = undefined;
    });
    this.flushing = run;
    await run;
  }

  private async render(): Promise<void> {
    if (this.stopped) return this.renderStopped();
    const text = this.final ? this.latest : this.latest + WRITING_MARK;
    const chunks = splitMessage(text);
    for (const [i, content] of chunks.entries()) {
      // Stopped meanwhile (the ticket closed, the post locked): no further part goes out; stop() shows what is there.
      if (this.stopped) return;
      const extras = this.final && i === chunks.length - 1 ? this.finalExtras : undefined;
      const existing = this.posted[i];
      if (!existing) {
        const nonce = (this.nonces[i] ??= newMessageNonce());
        const sent = await this.sink.send(content, extras, nonce);
        // An earlier attempt's message came back (created, its answer lost) showing that attempt's older text.
        if (sent.content !== undefined && sent.content !== content) await sent.edit(content, extras);
        this.posted.push({ message: sent, content, withExtras: extras !== undefined });
      } else if (existing.content !== content || (extras !== undefined && !existing.withExtras)) {
        await existing.message.edit(content, extras);
        existing.content = content;
        existing.withExtras = extras !== undefined;
      }
    }
    if (this.stopped) return;
    // The writing mark can push the text over a split; the final text may need one message fewer.
    await this.deletePartsFrom(chunks.length);
  }

  /**
   * Deletes the parts from `index` on, last first, each forgotten only once Discord deleted it: a delete refused (the
   * post archived at that moment) leaves the part listed, so the next render (finish() or stop() redone once the post
   * is reopened) deletes it, instead of leaving the member a stray copy of the answer's end with its writing mark.
   */
  private async deletePartsFrom(index: number): Promise<void> {
    while (this.posted.length > index) {
      await this.posted.at(-1)!.message.delete();
      this.posted.pop();
      // A part posted again later gets a nonce of its own: this one's message is gone (Create Message dedupes by nonce).
      this.nonces.splice(this.posted.length);
    }
  }

  /** After stop(): the messages already posted show the text so far without the mark; nothing new is posted. */
  private async renderStopped(): Promise<void> {
    if (this.showingPlaceholder) {
      // One at a time, so that a stop redone after a refusal deletes what is left.
      while (this.posted[0]) {
        await this.posted[0].message.delete();
        this.posted.shift();
      }
      return;
    }
    const chunks = splitMessage(this.latest);
    for (const [i, shown] of this.posted.slice(0, chunks.length).entries()) {
      if (shown.content !== chunks[i]) {
        await shown.message.edit(chunks[i]!);
        shown.content = chunks[i]!;
      }
    }
    await this.deletePartsFrom(chunks.length);
  }
}
