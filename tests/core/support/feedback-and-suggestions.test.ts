import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/core/core.js';
import type { AnswerSource } from '../../../src/core/tickets/store.js';
import { testCore } from '../helpers.js';
import { GUILD_A, GUILD_B } from '../temp-db.js';
import { openTicket, OWNER, STAFF } from './fixtures.js';

let c: Core;
afterEach(() => c.db.close());

/** A ticket where the member asked `question` and the bot answered from `source`; returns the answer's turn id. */
function answered(question: string, answer: string, source: AnswerSource, guildId = GUILD_A) {
  const ticket = openTicket(c, guildId);
  c.tickets.addTurn(ticket.id, { role: 'user', authorId: OWNER, content: question });
  const turn = c.tickets.addTurn(ticket.id, { role: 'bot', content: answer, source });
  return { ticket, turnId: turn.id };
}
const ai: AnswerSource = { kind: 'ai', model: 'llama3', trainingEntryIds: [], kbEntryIds: [], complete: true };

describe('answer feedback', () => {
  it('Solved on a complete AI answer offers it to staff as a suggestion; on a trained or cut-off answer it does not', () => {
    c = testCore();
    const entry = c.training.add(GUILD_A, { question: 'Q', answer: 'A' });
    const fromAi = answered('How do I export?', 'Settings → Export.', ai);
    const fromTraining = answered('Q', 'A', { kind: 'trained', trainingEntryId: entry.id, score: 0.9 });
    const cutOff = answered('Long one?', 'Half an ans', { ...ai, complete: false });
    for (const t of [fromAi, fromTraining, cutOff]) c.support.feedback.solved(GUILD_A, t.turnId, OWNER);

    expect(c.support.suggestions.pendingCount(GUILD_A)).toBe(1);
    expect(c.support.suggestions.next(GUILD_A)).toMatchObject({ question: 'How do I export?', answer: 'Settings → Export.', turnId: fromAi.turnId, status: 'pending' });
    expect(c.training.count(GUILD_A)).toBe(1);
    // Solving the same answer twice offers it once.
    c.support.feedback.solved(GUILD_A, fromAi.turnId, OWNER);
    expect(c.support.suggestions.pendingCount(GUILD_A)).toBe(1);
  });

  it('checks the button: only the ticket’s member, only open tickets, only bot answers of this server', () => {
    c = testCore();
    const { ticket, turnId } = answered('Hi?', 'Hello.', ai);
    expect(() => c.support.feedback.notHelpful(GUILD_A, turnId, 'someone-else')).toThrow('Only the member who opened this ticket can use these buttons.');
    expect(() => c.support.feedback.talkToStaff(GUILD_B, turnId, OWNER)).toThrow('This answer no longer exists.');
    expect(() => c.support.feedback.talkToStaff(GUILD_A, turnId, OWNER, '399999999999999999')).toThrow('This button belongs to another ticket.');
    expect(c.support.feedback.talkToStaff(GUILD_A, turnId, OWNER, ticket.threadId).pingStaff).toBe(true);
    const question = c.db.prepare("SELECT id FROM ticket_turns WHERE role = 'user' AND ticket_id = ?").pluck().get(ticket.id) as number;
    expect(() => c.support.feedback.solved(GUILD_A, question, OWNER)).toThrow('This answer no longer exists.');
    c.tickets.close(GUILD_A, ticket.threadId, { closedBy: OWNER });
    expect(() => c.support.feedback.solved(GUILD_A, turnId, OWNER)).toThrow('This ticket is closed.');
    expect(c.support.stats.report(GUILD_A, 'all').votes).toEqual({ helpful: 0, notHelpful: 0 });
  });

  it('Not helpful is a vote and a hand-off; a changed mind replaces the vote', () => {
    c = testCore();
    const { turnId } = answered('Hi?', 'Hello.', ai);
    expect(c.support.feedback.notHelpful(GUILD_A, turnId, OWNER).pingStaff).toBe(true);
    expect(c.support.feedback.talkToStaff(GUILD_A, turnId, OWNER).pingStaff).toBe(false);
    expect(c.support.stats.report(GUILD_A, 'all').votes).toEqual({ helpful: 0, notHelpful: 1 });
    c.support.feedback.solved(GUILD_A, turnId, OWNER);
    expect(c.support.stats.report(GUILD_A, 'all').votes).toEqual({ helpful: 1, notHelpful: 0 });
  });

  it('lists a trained entry for review after repeated not-helpful votes outweigh helpful ones, counting fallbacks to it too', () => {
    c = testCore();
    const entry = c.training.add(GUILD_A, { question: 'How do I reset?', answer: 'Use /reset.' });
    const fine = c.training.add(GUILD_A, { question: 'Where is the shop?', answer: '#shop' });
    const vote = (entryId: number, kind: 'notHelpful' | 'solved', source: 'trained' | 'knowledge' = 'trained') => {
      const s: AnswerSource = source === 'trained' ? { kind: 'trained', trainingEntryId: entryId, score: 0.9 } : { kind: 'knowledge', kbEntryIds: [], trainingEntryId: entryId, score: 0.8 };
      const { turnId } = answered('q', 'a', s);
      if (kind === 'solved') c.support.feedback.solved(GUILD_A, turnId, OWNER);
      else c.support.feedback.notHelpful(GUILD_A, turnId, OWNER);
    };
    vote(entry.id, 'notHelpful');
    expect(c.support.votes.entriesToReview(GUILD_A)).toEqual([]);
    vote(entry.id, 'notHelpful', 'knowledge');
    vote(entry.id, 'solved');
    vote(fine.id, 'notHelpful');
    vote(fine.id, 'solved');
    vote(fine.id, 'solved');
    expect(c.support.votes.entriesToReview(GUILD_A)).toEqual([{ entryId: entry.id, question: 'How do I reset?', notHelpful: 2, helpful: 1 }]);
    expect(c.support.votes.entriesToReview(GUILD_B)).toEqual([]);
    // A deleted entry is no longer listed.
    c.training.delete(GUILD_A, entry.id);
    expect(c.support.votes.entriesToReview(GUILD_A)).toEqual([]);
  });
});

describe('training suggestions', () => {
  function suggest(question: string, answer: string) {
    const { turnId } = answered(question, answer, ai);
    c.support.feedback.solved(GUILD_A, turnId, OWNER);
    return c.support.suggestions.next(GUILD_A)!;
  }

  it('approving adds the entry as suggested, or as staff edited it; each suggestion is decided once', () => {
    c = testCore();
    const first = suggest('How do I export?', 'Settings → Export.');
    const entry = c.support.suggestions.approve(GUILD_A, first.id, STAFF);
    expect(entry).toMatchObject({ question: 'How do I export?', answer: 'Settings → Export.', authorId: STAFF });
    expect(() => c.support.suggestions.approve(GUILD_A, first.id, STAFF)).toThrow(`Suggestion #${first.id} was already approved.`);

    const second = suggest('Dark mode?', 'AI text');
    const edited = c.support.suggestions.approve(GUILD_A, second.id, STAFF, { question: 'How do I turn on dark mode?', answer: 'Settings → Theme.', category: 'display' });
    expect(edited).toMatchObject({ question: 'How do I turn on dark mode?', answer: 'Settings → Theme.', category: 'display' });
    expect(c.support.suggestions.pendingCount(GUILD_A)).toBe(0);
  });

  it('an invalid edit adds nothing and keeps the suggestion waiting; dismissing adds nothing; other servers cannot touch it', () => {
    c = testCore();
    const s = suggest('Refunds?', 'Within 14 days.');
    expect(() => c.support.suggestions.approve(GUILD_A, s.id, STAFF, { question: '   ', answer: 'x' })).toThrow(/question/i);
    expect(c.training.count(GUILD_A)).toBe(0);
    expect(c.support.suggestions.next(GUILD_A)?.id).toBe(s.id);
    expect(() => c.support.suggestions.dismiss(GUILD_B, s.id, STAFF)).toThrow(`There is no training suggestion #${s.id} in this server.`);
    c.support.suggestions.dismiss(GUILD_A, s.id, STAFF);
    expect(c.support.suggestions.next(GUILD_A)).toBeUndefined();
    expect(c.training.count(GUILD_A)).toBe(0);
  });
});
