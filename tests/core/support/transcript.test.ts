import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/core/core.js';
import { formatUtc } from '../../../src/core/support/transcript.js';
import type { NewTurn } from '../../../src/core/tickets/store.js';
import { testCore } from '../helpers.js';
import { GUILD_A, GUILD_B } from '../temp-db.js';
import { OWNER, STAFF } from './fixtures.js';

const T0 = Date.UTC(2025, 5, 2, 8, 30, 0);

let c: Core;
afterEach(() => c.db.close());

describe('ticket transcripts', () => {
  it('shows who said what and when, and where each answer came from, naming the entries', () => {
    c = testCore();
    const entry = c.training.add(GUILD_A, { question: 'How do I reset my password?', answer: 'Use /reset.' });
    const kb = c.knowledge.create(GUILD_A, { name: 'Billing' });
    const refund = c.knowledge.addEntry(GUILD_A, kb.id, { title: 'Refunds', content: 'Within 14 days.' });
    const ticket = c.tickets.open({ guildId: GUILD_A, threadId: '300000000000000001', ownerId: OWNER, subject: 'Password & refund!' }, T0);
    const turns: NewTurn[] = [
      { role: 'user', authorId: OWNER, content: 'How do I reset my password?' },
      { role: 'bot', content: 'Use /reset.', source: { kind: 'trained', trainingEntryId: entry.id, score: 0.912 } },
      { role: 'user', authorId: OWNER, content: 'And a refund?' },
      { role: 'bot', content: 'Refunds take 14 days.', source: { kind: 'ai', model: 'llama3', trainingEntryIds: [entry.id], kbEntryIds: [refund.id], complete: true } },
      { role: 'bot', content: 'Within 14 days.', source: { kind: 'knowledge', kbEntryIds: [refund.id], score: 0.5 } },
      { role: 'bot', content: 'Staff will follow up.', source: { kind: 'fallback', reason: 'timeout' } },
      { role: 'staff', authorId: STAFF, content: 'Refunded.' },
    ];
    turns.forEach((turn, i) => c.tickets.addTurn(ticket.id, turn, T0 + i * 1000));
    c.tickets.close(GUILD_A, ticket.threadId, { closedBy: STAFF, reason: 'done' }, T0 + 60_000);

    const names: Record<string, string> = { [OWNER]: 'alice', [STAFF]: 'bob' };
    const transcript = c.support.transcripts.build(GUILD_A, ticket.threadId, { user: (id) => names[id], bot: 'Helper Bot' })!;
    expect(transcript.fileName).toBe(`ticket-${ticket.id}-password-refund.md`);
    expect(transcript.markdown).toBe(
      [
        `# Ticket #${ticket.id}: Password & refund!`,
        '',
        `- Opened by alice (${OWNER}) on 2025-06-02 08:30:00 UTC`,
        `- Closed on 2025-06-02 08:31:00 UTC by bob (${STAFF}) (reason: done)`,
        '- Messages: 2 from the member, 4 from the bot, 1 from staff',
        '- Thread id: 300000000000000001',
        '',
        '---',
        '',
        `### alice (${OWNER}) (member) · 2025-06-02 08:30:00 UTC`,
        '',
        'How do I reset my password?',
        '',
        '### Helper Bot (bot) · 2025-06-02 08:30:01 UTC',
        `*Source: trained answer #${entry.id} “How do I reset my password?” (match score 0.91)*`,
        '',
        'Use /reset.',
        '',
        `### alice (${OWNER}) (member) · 2025-06-02 08:30:02 UTC`,
        '',
        'And a refund?',
        '',
        '### Helper Bot (bot) · 2025-06-02 08:30:03 UTC',
        `*Source: the AI (llama3), given trained answer #${entry.id} “How do I reset my password?”; knowledge base “Billing” › “Refunds” (entry #${refund.id})*`,
        '',
        'Refunds take 14 days.',
        '',
        '### Helper Bot (bot) · 2025-06-02 08:30:04 UTC',
        `*Source: knowledge base “Billing” › “Refunds” (entry #${refund.id}), shown while the AI was unavailable*`,
        '',
        'Within 14 days.',
        '',
        '### Helper Bot (bot) · 2025-06-02 08:30:05 UTC',
        '*Source: no answer found; handed to staff (AI failure: timeout)*',
        '',
        'Staff will follow up.',
        '',
        `### bob (${STAFF}) (staff) · 2025-06-02 08:30:06 UTC`,
        '',
        'Refunded.',
        '',
      ].join('\n'),
    );
  });

  it('says when an entry was deleted since, and is only built for this server’s tickets', () => {
    c = testCore();
    const entry = c.training.add(GUILD_A, { question: 'Q?', answer: 'A.' });
    const ticket = c.tickets.open({ guildId: GUILD_A, threadId: '300000000000000002', ownerId: OWNER, subject: 'x' }, T0);
    c.tickets.addTurn(ticket.id, { role: 'bot', content: 'A.', source: { kind: 'trained', trainingEntryId: entry.id, score: 0.9 } }, T0);
    c.training.delete(GUILD_A, entry.id);
    expect(c.support.transcripts.build(GUILD_A, ticket.threadId)!.markdown).toContain(`trained answer #${entry.id} (since deleted)`);
    expect(c.support.transcripts.build(GUILD_B, ticket.threadId)).toBeUndefined();
    expect(formatUtc(0)).toBe('1970-01-01 00:00:00 UTC');
  });
});
