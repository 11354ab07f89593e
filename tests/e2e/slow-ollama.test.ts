import { describe, expect, it } from 'vitest';
import { HANDOFF_TEXT } from '../../src/core/responder.js';
import { WRITING_NOTICE } from '../../src/discord/tickets/answer-in-thread.js';
import { useBotWorldStarter } from './harness.js';
import { botMessages, postTicket, staffPings, tagNames } from './support-helpers.js';

/**
 * Issue 12 as a member sees it, against the faithful fake Ollama (tests/fakes/ollama-runner.ts): a
 * model that must load first, and a model that says the server's entries do not answer.
 */
const startWorld = useBotWorldStarter();

describe('a slow Ollama, as the member sees it', () => {
  it('shows typing at once, then a "writing…" notice, and then the whole answer once the model has loaded (point 2)', async () => {
    const w = await startWorld({ OLLAMA_FIRST_TOKEN_TIMEOUT: '60' });
    await w.setup();
    w.ollama.loadMs = 4500; // a cold model; the old 3 s answer limit of this world gave up and fell back
    const posted = Date.now();
    const threadId = postTicket(w, 'Login', 'I cannot log in');
    await w.fake.waitFor(() => w.fake.typing.some((t) => t.channelId === threadId), 2000, 'typing within 2 s');
    const notice = await w.fake.waitFor(() => botMessages(w, threadId).find((m) => m.content.startsWith(WRITING_NOTICE)), 5000, 'the writing notice');
    expect(Date.now() - posted).toBeLessThan(4500);
    const answer = await w.fake.waitFor(
      () => botMessages(w, threadId).find((m) => m.content === 'You asked: Login\n\nI cannot log in'),
      10_000,
      'the AI answer',
    );
    expect(answer.id).toBe(notice.id); // the notice became the answer
    expect(staffPings(w, threadId)).toHaveLength(0);
  });

  it('hands the ticket to staff (Needs staff, staff pinged once) when the model says the entries do not answer (points 7 and 9)', async () => {
    const w = await startWorld();
    await w.setup();
    w.ollama.reply = 'NEEDS_STAFF';
    const threadId = postTicket(w, 'Rank transfer', 'Can I move my rank to a friend?');
    await w.fake.waitFor(() => botMessages(w, threadId).find((m) => m.content === HANDOFF_TEXT), 5000, 'the hand-off');
    await w.fake.waitFor(() => tagNames(w, threadId).includes('Needs staff'), 3000, 'the Needs staff tag');
    await w.fake.waitFor(() => staffPings(w, threadId).length === 1, 3000, 'one staff ping');
    expect(botMessages(w, threadId).some((m) => m.content.includes('NEEDS_STAFF'))).toBe(false);
  });
});
