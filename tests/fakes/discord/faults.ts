import type { Gateway } from './gateway.js';
import type { HeldRequest, HeldRequests } from './held-requests.js';
import type { LateUnarchive } from './late-unarchive.js';
import type { FailRule, RateLimitRule, RateLimits, RouteSelector } from './rate-limits.js';
import type { World } from './world.js';

/**
 * Discord misbehaving, on a test's command (`fake.faults`): REST requests rate-limited, failed, dropped or kept
 * waiting, and gateway connections dropped or sessions lost. What each fault does and where Discord's behaviour is
 * cited: rate-limits.ts, held-requests.ts, gateway.ts.
 */
export class DiscordFaults {
  constructor(
    private readonly limits: RateLimits,
    private readonly held: HeldRequests,
    private readonly gateway: Gateway,
    private readonly world: World,
  ) {}

  /** The next `count` matching requests get 429 (with Retry-After); discord.js waits and retries by itself. */
  rateLimitNext(rule: { route?: RateLimitRule['route']; count?: number; retryAfterMs?: number; global?: boolean }): void {
    this.limits.rateLimitNext({ count: 1, retryAfterMs: 1000, ...rule } as RateLimitRule);
  }

  /**
   * The next `count` matching requests fail with `status`: a 5xx (discord.js retries those up to 3 times), or a 403
   * with a JSON error `code` (50001 Missing Access by default), which discord.js does not retry.
   */
  failNext(rule: { status: FailRule['status']; code?: number; count?: number; route?: FailRule['route'] }): void {
    this.limits.failNext({ count: 1, ...rule } as FailRule);
  }

  /**
   * Closes the connection of the next `count` matching requests without answering them, as when Discord closed an idle
   * keep-alive connection the bot then wrote onto: discord.js rejects the call with undici's `SocketError: other side
   * closed` (`UND_ERR_SOCKET`), which it does not retry. `lose: 'request'` (default): Discord never sees the request.
   * `lose: 'response'`: Discord carries it out (the message exists, the callback is taken) and only its answer is lost;
   * the bot sees the same error. See `DropRule` in rate-limits.ts.
   */
  dropNext(rule: { route?: RouteSelector; method?: string; count?: number; lose?: 'request' | 'response' } = {}): void {
    this.limits.dropNext({ count: 1, ...rule });
  }

  /**
   * Keeps the next `count` matching requests waiting until the test calls `release()` on the result, as a slow
   * Discord would (e.g. `{ method: 'PUT', route: /\/guilds\/\d+\/commands$/ }`: command registration in flight).
   * `await held.arrived` tells when the bot's request got there. See held-requests.ts for what Discord does meanwhile.
   * `hold: 'response'`: Discord carries the request out at once (state changed, gateway events sent) and only its
   * answer waits, so it can reach the bot after gateway events of later changes. `body`: only requests whose JSON body it accepts.
   */
  holdNext(rule: { method?: string; route: RegExp; count?: number; hold?: 'request' | 'response'; body?: (body: unknown) => boolean }): HeldRequest {
    return this.held.holdNext(rule);
  }

  /**
   * The next message that unarchives a thread (a member posting in an archived post) has its THREAD_UPDATE sent after
   * its MESSAGE_CREATE, when the test calls `release()` on the result: Discord does not document their order
   * (late-unarchive.ts). The thread is unarchived at once; only the bot's view of it lags.
   */
  unarchiveAfterMessage(): LateUnarchive {
    return this.world.lateUnarchives.next();
  }

  /** Kills every gateway connection (client sees 1006 and resumes), or closes them with `code`. */
  dropGatewayConnections(opts: { code?: number } = {}): void {
    this.gateway.dropConnections(opts.code);
  }

  /** Sends op 7 RECONNECT. */
  requestGatewayReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Sessions become unresumable: the next RESUME gets op 9 and the client must IDENTIFY again. */
  invalidateGatewaySessions(): void {
    this.gateway.invalidateSessions();
  }
}
