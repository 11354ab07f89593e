import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/core.js';
import { FALLBACK_TEXT } from '../../src/core/responder.js';
import { openDatabase } from '../../src/db/database.js';
import { startDiscordBot } from '../../src/discord/client.js';
import { silentLogger } from '../../src/log.js';
import { useBotWorld } from './harness.js';
import { answerWithButtons, buttonIds, openTicket, press, quietFor, staffPings, tagNames } from './support-helpers.js';

const w = useBotWorld({}, { perTest: true });

describe('answer buttons and hand-off to staff', () => {
  it('puts Solved / Not helpful / Talk to staff under every bot answer, with short ids naming the stored answer', async () => {
    const { threadId, answer } = await openTicket(w, 'Printer', 'My printer is offline');
    expect(answer.content).toBe('You asked: Printer\n\nMy printer is offline');
    const stored = w.core.tickets.info(w.guildId, threadId)!.lastAnswer!;
    expect(buttonIds(answer)).toEqual([`ans:ok:${stored.id}`, `ans:no:${stored.id}`, `ans:staff:${stored.id}`]);
    // The buttons come with the answer's text; the turn records that message's id once Discord returns it.
    await w.fake.waitFor(() => w.core.tickets.info(w.guildId, threadId)!.lastAnswer!.messageId === answer.id, 3000);
    const labels = (answer.components[0] as { components: { label: string }[] }).components.map((c) => c.label);
    expect(labels).toEqual(['Solved', 'Not helpful', 'Talk to staff']);
  });

  it('Talk to staff tags Needs staff and pings the staff role alone, once until staff have answered', async () => {
    const { threadId, answer } = await openTicket(w, 'Billing', 'I was charged twice');
    const reply = await press(w, answer, 'staff');
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('asked the staff team');
    const ping = await w.fake.waitForMessage(threadId, (m) => m.author.bot && m.content.startsWith('🙋'));
    expect(ping.content).toContain(`<@&${w.staffRoleId}>`);
    expect(ping.content).toContain(`<@${w.memberId}>`);
    expect(ping.mentionsPinged).toEqual({ everyone: false, users: [], roles: [w.staffRoleId] });
    await w.fake.waitFor(() => tagNames(w, threadId).includes('Needs staff'), 3000);

    // Asking again, or voting the answer down, does not ping staff a second time.
    expect((await press(w, answer, 'staff')).content).toContain('already been asked');
    expect((await press(w, answer, 'no')).content).toContain('already been asked');
    await quietFor(200);
    expect(staffPings(w, threadId)).toHaveLength(1);

    // Staff answer (the bot steps back), staff let the bot answer again, and a new request pings again.
    w.fake.postAsUser({ channelId: threadId, userId: w.staffId, content: 'Refunded the second charge.' });
    await w.fake.waitFor(() => w.core.support.handoffs.pending(w.core.tickets.getByThread(w.guildId, threadId)!.id) === undefined, 3000);
    await w.fake.waitFor(() => tagNames(w, threadId).includes('Answered'), 3000);
    await (await w.command('ai_resume', {}, { userId: w.staffId, channelId: threadId })).waitForResponse();
    w.fake.postAsUser({ channelId: threadId, userId: w.memberId, content: 'And the invoice?' });
    const second = await answerWithButtons(w, threadId, answer);
    await press(w, second, 'staff');
    await w.fake.waitFor(() => staffPings(w, threadId).length === 2, 3000);
  });

  it('keeps a ticket tagged Needs staff while staff are called, even when the bot answers again', async () => {
    const { threadId, answer } = await openTicket(w, 'Billing', 'I was charged twice');
    await press(w, answer, 'staff');
    await w.fake.waitFor(() => tagNames(w, threadId).includes('Needs staff'), 3000);
    w.fake.postAsUser({ channelId: threadId, userId: w.memberId, content: 'Also, where is my invoice?' });
    const second = await answerWithButtons(w, threadId, answer);
    expect(second.content).toBe('You asked: Also, where is my invoice?');
    await quietFor(200);
    expect(tagNames(w, threadId)).toEqual(['Needs staff']);
    expect(staffPings(w, threadId)).toHaveLength(1);
  });

  it('calls staff by itself when the bot has no answer to give', async () => {
    await w.ollama.stop();
    const { threadId, answer } = await openTicket(w, 'Crash', 'The game crashes at boot');
    expect(answer.content).toBe(FALLBACK_TEXT);
    const ping = await w.fake.waitForMessage(threadId, (m) => m.content.startsWith('🙋'));
    expect(ping.content).toContain('could not answer');
    expect(ping.mentionsPinged.roles).toEqual([w.staffRoleId]);
    await w.fake.waitFor(() => tagNames(w, threadId).includes('Needs staff'), 3000);
    await w.ollama.restart();
  });

  it('lets only the ticket’s member press the buttons', async () => {
    const { threadId, answer } = await openTicket(w, 'Access', 'I cannot log in');
    const other = w.fake.addMember(w.guildId, { username: 'other' });
    const reply = await press(w, answer, 'ok', other.id);
    expect(reply.content).toBe('Only the member who opened this ticket can use these buttons.');
    expect(w.core.tickets.getByThread(w.guildId, threadId)!.status).toBe('open');
    expect(staffPings(w, threadId)).toHaveLength(0);
  });

  it('keeps the buttons working after a restart: they carry only ids, the state is in the database', async () => {
    const { threadId, answer } = await openTicket(w, 'Restart', 'Will this survive?');
    await w.bot.stop();
    w.core.db.close();
    const core = createCore(openDatabase(w.core.config.DB_PATH), w.core.config, silentLogger());
    const bot = await startDiscordBot(core, w.fake.token);
    try {
      const reply = await press(w, answer, 'no');
      expect(reply.content).toContain('Thanks for telling us');
      await w.fake.waitFor(() => staffPings(w, threadId).length === 1, 3000);
      const ticket = core.tickets.getByThread(w.guildId, threadId)!;
      expect(core.support.handoffs.pending(ticket.id)).toMatchObject({ reason: 'not-helpful' });
    } finally {
      await bot.stop();
      core.db.close();
    }
  });
});
