/**
 * Requests the fake keeps waiting before it answers them, to model a Discord call that takes time.
 *
 * Registering commands is an HTTP call like any other (discord-api-docs `interactions/application-commands.mdx`,
 * "Bulk Overwrite Guild Application Commands": `PUT /applications/{app}/guilds/{guild}/commands` "takes a list of
 * application commands, overwriting the existing command list"; Registering a Command: guild commands "update
 * instantly"). Until that call is answered the list it replaces still stands, so the commands of the bot's previous
 * run stay in members' menus and usable; and the guild's new list shows as soon as its PUT is done, while the bot may
 * still be cleaning the other scope (Bulk Overwrite Global Application Commands). A held request models exactly that
 * window: the test decides when Discord answers, so no timer makes the test flaky.
 *
 * `hold: 'response'` holds only the answer: Discord carries the request out at once (its state changes and its gateway
 * events go out) and its HTTP answer reaches the bot later, after anything else that happened meanwhile. Discord does
 * not order a REST answer against gateway events: "client actions can never be serialized and may be executed in any
 * order" (discord-api-docs `developers/reference.mdx`, Consistency), and "the websocket event may arrive before or after
 * the REST call resolves" (abalabahaha/eris#262, its maintainer). So an answer describing the thread as it was when
 * Discord handled the request can arrive after the THREAD_UPDATE of a moderator's later archive or lock.
 */
/** What a test holds: `arrived` resolves when the bot's request reached the fake; `release()` lets Discord answer it. */
export interface HeldRequest {
  readonly arrived: Promise<{ method: string; path: string }>;
  release(): void;
}

class Hold implements HeldRequest {
  readonly arrived: Promise<{ method: string; path: string }>;
  private arrive!: (req: { method: string; path: string }) => void;
  private released = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly route: RegExp,
    readonly method: string | undefined,
    public count: number,
    readonly phase: HoldPhase,
    readonly body: ((body: unknown) => boolean) | undefined,
  ) {
    this.arrived = new Promise((resolve) => (this.arrive = resolve));
  }

  matches(method: string, path: string, phase: HoldPhase, body: unknown): boolean {
    return this.count > 0 && this.phase === phase && (this.body === undefined || this.body(body)) && (this.method === undefined || this.method === method) && this.route.test(path);
  }

  async hold(method: string, path: string): Promise<void> {
    this.count -= 1;
    this.arrive({ method, path });
    if (!this.released) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    this.released = true;
    for (const go of this.waiting.splice(0)) go();
  }
}

/** What waits: the request before Discord handles it (default), or only its answer, the work done. */
export type HoldPhase = 'request' | 'response';

export class HeldRequests {
  private readonly holds: Hold[] = [];

  /** The next `count` matching requests wait until `release()` (or `releaseAll()`, which `FakeDiscord.stop` calls). */
  holdNext(rule: { method?: string; route: RegExp; count?: number; hold?: HoldPhase; body?: (body: unknown) => boolean }): HeldRequest {
    const hold = new Hold(rule.route, rule.method?.toUpperCase(), rule.count ?? 1, rule.hold ?? 'request', rule.body);
    this.holds.push(hold);
    return hold;
  }

  /** Waits while a rule holds this request (or, at `'response'`, its answer); resolves at once for any other. */
  async wait(method: string, path: string, phase: HoldPhase = 'request', body?: unknown): Promise<void> {
    await this.holds.find((h) => h.matches(method, path, phase, body))?.hold(method, path);
  }

  releaseAll(): void {
    for (const hold of this.holds) hold.release();
  }
}
