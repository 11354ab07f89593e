import { RESTJSONErrorCodes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { deleteOnce, editOnce } from '../../src/discord/channel-send.js';
import { logUnknownOutcomeRetries } from '../../src/discord/unknown-outcome.js';

/** undici's error for a connection the other side closed (nodejs/undici lib/core/errors.js, SocketError). */
const dropped = () => Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
/** What Discord answers a request on a message that is gone (discord.js's DiscordAPIError carries status and code). */
const unknownMessage = () => Object.assign(new Error('Unknown Message'), { status: 404, code: RESTJSONErrorCodes.UnknownMessage });

/** A message of the bot's whose requests fail as `failures` says, in order, then succeed; its retries are logged. */
function message(failures: (() => Error)[]) {
  const client = {};
  const log: { kind: string; attempt: number }[] = [];
  logUnknownOutcomeRetries(client, ({ kind, attempt }) => log.push({ kind, attempt }));
  const edits: unknown[] = [];
  let deletes = 0;
  const next = async () => {
    const fail = failures.shift();
    if (fail) throw fail();
  };
  return {
    client,
    log,
    edits,
    deletes: () => deletes,
    async edit(options: unknown) {
      edits.push(options);
      await next();
      return this;
    },
    async delete() {
      deletes += 1;
      await next();
      return this;
    },
  };
}

describe('editing and deleting a message on the one retry path', () => {
  it('an edit whose connection dropped is sent again, the same edit, and the retry is logged once', async () => {
    const m = message([dropped]);
    await editOnce(m as never, { content: 'Check the cable first.' });
    expect(m.edits).toEqual([{ content: 'Check the cable first.' }, { content: 'Check the cable first.' }]);
    expect(m.log).toEqual([{ kind: 'message edit', attempt: 2 }]);
  });

  it('a delete whose answer was lost: the retry’s 10008 Unknown Message means it was deleted, not an error', async () => {
    const m = message([dropped, unknownMessage]);
    await expect(deleteOnce(m as never)).resolves.toBeUndefined();
    expect(m.deletes()).toBe(2);
    expect(m.log).toEqual([{ kind: 'message delete', attempt: 2 }]);
  });

  it('a delete of a message already gone before the first attempt is still an error', async () => {
    const m = message([unknownMessage]);
    await expect(deleteOnce(m as never)).rejects.toMatchObject({ code: RESTJSONErrorCodes.UnknownMessage });
    expect(m.deletes()).toBe(1);
  });
});
