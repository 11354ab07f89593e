import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/core/core.js';
import type { AnswerSource } from '../../../src/core/tickets/store.js';
import { testCore } from '../helpers.js';
import { openTicket, OWNER, STAFF } from '../support/fixtures.js';
import { GUILD_A } from '../temp-db.js';

/**
 * The learning loop must not make the bot less safe: staff approving suggestions adds phrasings to
 * answers, and an answer with more phrasings must not start answering questions it does not cover.
 * Data: real support questions of one close domain (BANKING77, see the fixture's `source`), whose
 * out-of-scope questions are about banking too, the hard case.
 */
interface Fixture {
  answers: { answer: string; questions: string[] }[];
  inScope: { text: string; answer: string }[];
  outOfScope: string[];
}
const fixture = JSON.parse(readFileSync(new URL('./banking77-learning-loop.json', import.meta.url), 'utf8')) as Fixture;
const FIRST_PHRASINGS = 2;
const aiAnswer: AnswerSource = { kind: 'ai', model: 'llama3', trainingEntryIds: [], kbEntryIds: [], complete: true };

let c: Core;
afterEach(() => c.db.close());

/** What members see at the trained-answer threshold: trained answers to unrelated questions, and right ones. */
function measure(): { offTopicAnswered: number; rightAnswers: number } {
  const answered = (text: string) => {
    const best = c.matcher.match(GUILD_A, text, 1)[0];
    return best !== undefined && best.score >= c.thresholds.trainedAnswer ? best.answer : undefined;
  };
  return {
    offTopicAnswered: fixture.outOfScope.filter((text) => answered(text) !== undefined).length / fixture.outOfScope.length,
    rightAnswers: fixture.inScope.filter((q) => answered(q.text) === q.answer).length / fixture.inScope.length,
  };
}

/** The approved-suggestion path: a member's question the AI answered, solved, suggested, and approved by staff onto an existing answer. */
function approveAsPhrasing(question: string, answer: string): void {
  const ticket = openTicket(c, GUILD_A);
  c.tickets.addTurn(ticket.id, { role: 'user', authorId: OWNER, content: question });
  const turn = c.tickets.addTurn(ticket.id, { role: 'bot', content: `AI: ${answer}`, source: aiAnswer });
  c.support.feedback.solved(GUILD_A, turn.id, OWNER);
  const suggestion = c.support.suggestions.next(GUILD_A)!;
  c.support.suggestions.approve(GUILD_A, suggestion.id, STAFF, { question, answer });
}

describe('learning loop', () => {
  // 1,154 questions measured twice and 240 approvals: seconds, not milliseconds.
  it('phrasings added through approved suggestions answer more questions right without answering more out-of-scope ones', { timeout: 120_000 }, () => {
    c = testCore();
    for (const { answer, questions } of fixture.answers) for (const question of questions.slice(0, FIRST_PHRASINGS)) c.training.add(GUILD_A, { question, answer });
    const before = measure();

    for (const { answer, questions } of fixture.answers) for (const question of questions.slice(FIRST_PHRASINGS)) approveAsPhrasing(question, answer);
    expect(c.support.suggestions.pendingCount(GUILD_A)).toBe(0);
    expect(c.training.count(GUILD_A)).toBe(fixture.answers.reduce((n, a) => n + a.questions.length, 0));
    const after = measure();

    expect(after.rightAnswers).toBeGreaterThan(before.rightAnswers);
    expect(after.offTopicAnswered).toBeLessThanOrEqual(before.offTopicAnswered);
  });
});
