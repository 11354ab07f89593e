import { describe, expect, it } from 'vitest';
import { isDroppedConnection, isWorthRetrying, logUnknownOutcomeRetries, retryWhileOutcomeUnknown } from '../../src/discord/unknown-outcome.js';

/** undici's error for a connection the other side closed (nodejs/undici lib/core/errors.js, SocketError). */
const dropped = () => Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
const alreadyAcknowledged = () => Object.assign(new Error('Interaction has already been acknowledged.'), { status: 400, code: 40060 });

describe('retryWhileOutcomeUnknown', () => {
  it('sends again after a dropped connection, and resolves with what the retry got', async () => {
    const calls: number[] = [];
    const result = await retryWhileOutcomeUnknown(async () => {
      calls.push(Date.now());
      if (calls.length === 1) throw dropped();
      return 'sent';
    });
    expect(result).toBe('sent');
    expect(calls).toHaveLength(2);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(190);
  });

  it("throws Discord's refusals at once: only a dropped connection is retried", async () => {
    let calls = 0;
    const refused = Object.assign(new Error('Missing Permissions'), { status: 403, code: 50013 });
    const refuse = async () => {
      calls += 1;
      throw refused;
    };
    await expect(retryWhileOutcomeUnknown(refuse)).rejects.toBe(refused);
    expect(calls).toBe(1);
    expect(isDroppedConnection(refused)).toBe(false);
    expect(isDroppedConnection(Object.assign(new Error('fetch failed'), { cause: dropped() }))).toBe(true);
  });

  it('an error that says an earlier attempt arrived (40060) ends a retry as done, but is an error on the first attempt', async () => {
    const arrived = (e: unknown) => (e as { code?: unknown }).code === 40060;
    let calls = 0;
    const done = await retryWhileOutcomeUnknown(async () => {
      calls += 1;
      throw calls === 1 ? dropped() : alreadyAcknowledged();
    }, { earlierAttemptArrived: arrived });
    expect(done).toBeUndefined();
    expect(calls).toBe(2);
    await expect(retryWhileOutcomeUnknown(() => Promise.reject(alreadyAcknowledged()), { earlierAttemptArrived: arrived })).rejects.toMatchObject({ code: 40060 });
  });

  it('gives up at once when the wait would come too late (an interaction token about to expire)', async () => {
    let calls = 0;
    const drop = async () => {
      calls += 1;
      throw dropped();
    };
    await expect(retryWhileOutcomeUnknown(drop, { mayWait: () => false })).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(calls).toBe(1);
  });

  it("logs each retry once, for the client it was made for, with what was sent and the attempt, never the error's text", async () => {
    const client = {};
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    logUnknownOutcomeRetries(client, (fields, message) => lines.push({ fields, message }));
    let calls = 0;
    const secretUrl = 'https://discord.com/api/v10/webhooks/1/SECRET-TOKEN';
    await retryWhileOutcomeUnknown(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error(`other side closed ${secretUrl}`), { code: 'UND_ERR_SOCKET' });
    }, { kind: 'forum post', client });
    expect(lines.map((l) => l.fields)).toEqual([
      { kind: 'forum post', attempt: 2, of: 4, delayMs: 200, code: 'UND_ERR_SOCKET' },
      { kind: 'forum post', attempt: 3, of: 4, delayMs: 800, code: 'UND_ERR_SOCKET' },
    ]);
    expect(lines[0]!.message).toBe('Connection to Discord dropped while sending a forum post; retrying in 200 ms (attempt 2 of 4)');
    expect(JSON.stringify(lines)).not.toContain('SECRET-TOKEN');
    // Another client's retries, or one made without a client, go to no one else's log.
    await retryWhileOutcomeUnknown(async () => {
      calls += 1;
      if (calls === 4) throw dropped();
    }, { kind: 'channel message', client: {} });
    expect(lines).toHaveLength(2);
  });

  it("a 5xx that outlasted discord.js's own immediate retries is tried again later, and logged with its status; a 4xx is not", async () => {
    const client = {};
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    logUnknownOutcomeRetries(client, (fields, message) => lines.push({ fields, message }));
    // discord.js's HTTPError for a 5xx carries `status` (packages/rest/src/lib/errors/HTTPError.ts).
    const badGateway = () => Object.assign(new Error('Bad Gateway'), { name: 'HTTPError', status: 502 });
    const calls: number[] = [];
    const result = await retryWhileOutcomeUnknown(async () => {
      calls.push(Date.now());
      if (calls.length === 1) throw badGateway();
      return 'sent';
    }, { kind: 'message edit', client });
    expect(result).toBe('sent');
    expect(calls).toHaveLength(2);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(190);
    expect(lines).toEqual([
      {
        fields: { kind: 'message edit', attempt: 2, of: 4, delayMs: 200, code: undefined, status: 502 },
        message: 'Discord answered 502 while sending a message edit; retrying in 200 ms (attempt 2 of 4)',
      },
    ]);
    expect(isWorthRetrying(badGateway())).toBe(true);
    expect(isWorthRetrying(Object.assign(new Error('Unknown Message'), { status: 404, code: 10008 }))).toBe(false);
  });
});
