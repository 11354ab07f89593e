import type { APIAllowedMentions, APIApplicationCommandOptionChoice, APIEmbed } from 'discord-api-types/v10';
import type { MentionSet, MessageRecord } from './model.js';

/** A reply as the member sees it: the message an interaction produced (or the modal / choices it showed). */
export interface InteractionReply {
  /** The callback type that produced it: 4 message, 5 deferred, 6 deferred update, 7 update, 8 choices, 9 modal. */
  type: number;
  messageId?: string;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  flags: number;
  ephemeral: boolean;
  files: { name: string; data: Buffer; contentType: string; url: string }[];
  allowedMentions?: APIAllowedMentions;
  mentionsPinged: MentionSet;
  modal?: Record<string, unknown>;
  choices?: APIApplicationCommandOptionChoice[];
}

export interface CallbackRecord {
  type: number;
  data: unknown;
  at: number;
}

export interface RejectedRequest {
  method: string;
  path: string;
  status: number;
  code: number;
  message: string;
}

type Waiter = () => boolean;

/**
 * What a test holds after sending an interaction: every callback, edit and follow-up the bot made,
 * and ways to await them. Reading `response` gives the current visible state of the original reply.
 */
export class InteractionHandle {
  readonly callbacks: CallbackRecord[] = [];
  readonly rejected: RejectedRequest[] = [];
  readonly followUpIds: string[] = [];
  originalMessageId: string | undefined;
  modal: Record<string, unknown> | undefined;
  choices: APIApplicationCommandOptionChoice[] | undefined;
  private waiters = new Set<Waiter>();

  constructor(
    readonly id: string,
    readonly token: string,
    readonly type: number,
    private readonly lookup: (messageId: string) => MessageRecord | undefined,
    private readonly view: (m: MessageRecord, callbackType: number) => InteractionReply,
    private readonly onExpire: () => void,
  ) {}

  get acknowledged(): boolean {
    return this.callbacks.length > 0;
  }

  get callbackType(): number | undefined {
    return this.callbacks[0]?.type;
  }

  /** The original reply's current state (message, modal or choices); undefined until acknowledged. */
  get response(): InteractionReply | undefined {
    const type = this.callbackType;
    if (type === undefined) return undefined;
    if (type === 9) return { ...emptyReply(type), ...(this.modal ? { modal: this.modal } : {}) };
    if (type === 8) return { ...emptyReply(type), ...(this.choices ? { choices: this.choices } : {}) };
    const m = this.originalMessageId ? this.lookup(this.originalMessageId) : undefined;
    return m ? this.view(m, type) : emptyReply(type);
  }

  get followUps(): InteractionReply[] {
    return this.followUpIds.flatMap((id) => {
      const m = this.lookup(id);
      return m && !m.deleted ? [this.view(m, 4)] : [];
    });
  }

  /** Makes the token expire now, as it does 15 minutes after the interaction. */
  expire(): void {
    this.onExpire();
  }

  /** Called by the fake after every change to this interaction. */
  notify(): void {
    for (const w of [...this.waiters]) if (w()) this.waiters.delete(w);
  }

  private waitUntil<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.callbacks.map((c) => c.type).join(',') || 'none';
        const errors = this.rejected.map((r) => `${r.method} ${r.path} → ${r.status} ${r.code} ${r.message}`).join('; ');
        reject(new Error(`Interaction ${this.id}: timed out after ${timeoutMs} ms waiting for ${what} (callbacks: ${seen}${errors ? `; rejected: ${errors}` : ''})`));
      }, timeoutMs);
      const waiter: Waiter = () => {
        const value = probe();
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves on the first accepted callback, whatever its type. */
  waitForAck(timeoutMs = 5000): Promise<CallbackRecord> {
    return this.waitUntil('an acknowledgement', timeoutMs, () => this.callbacks[0]);
  }

  /**
   * Resolves with the reply the member finally sees: at once for a message, update, modal or choices;
   * after a deferral, once the bot edits the reply (or sends its first follow-up, which fills it).
   * With `predicate`, waits until the reply satisfies it (e.g. streaming edits reaching their end).
   */
  waitForResponse(opts: { timeoutMs?: number; predicate?: (r: InteractionReply) => boolean } = {}): Promise<InteractionReply> {
    return this.waitUntil('a visible response', opts.timeoutMs ?? 5000, () => {
      const type = this.callbackType;
      if (type === undefined) return undefined;
      const r = this.response;
      if (!r) return undefined;
      if (type === 5 && (r.flags & 128) !== 0) return undefined;
      if (type === 6) {
        const m = this.originalMessageId ? this.lookup(this.originalMessageId) : undefined;
        if (!m || m.editedAt === null || m.editedAt < this.callbacks[0]!.at) return undefined;
      }
      if (opts.predicate && !opts.predicate(r)) return undefined;
      return r;
    });
  }

  waitForFollowUp(index = 0, timeoutMs = 5000): Promise<InteractionReply> {
    return this.waitUntil(`follow-up #${index}`, timeoutMs, () => this.followUps[index]);
  }

  waitForModal(timeoutMs = 5000): Promise<Record<string, unknown>> {
    return this.waitUntil('a modal', timeoutMs, () => this.modal);
  }

  waitForChoices(timeoutMs = 5000): Promise<APIApplicationCommandOptionChoice[]> {
    return this.waitUntil('autocomplete choices', timeoutMs, () => this.choices);
  }

  /** Resolves when the bot's next request for this interaction is refused (e.g. 40060, 10062). */
  waitForRejection(timeoutMs = 5000, after = this.rejected.length): Promise<RejectedRequest> {
    return this.waitUntil('a rejected request', timeoutMs, () => this.rejected[after]);
  }
}

function emptyReply(type: number): InteractionReply {
  return { type, content: '', embeds: [], components: [], flags: 0, ephemeral: false, files: [], mentionsPinged: { everyone: false, users: [], roles: [] } };
}
