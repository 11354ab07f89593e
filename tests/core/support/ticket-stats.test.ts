import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/core/core.js';
import { SOLVED_REASON } from '../../../src/core/support/answer-feedback.js';
import { INACTIVE_REASON } from '../../../src/core/support/stale-tickets.js';
import { median, type TicketStatsReport } from '../../../src/core/support/ticket-stats.js';
import type { AnswerSource, NewTurn } from '../../../src/core/tickets/store.js';
import { testCore } from '../helpers.js';
import { OWNER, STAFF } from './fixtures.js';

const GUILD = '100000000000000001';
const OTHER = '100000000000000002';
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2025, 2, 1, 12, 0, 0);

const trained: AnswerSource = { kind: 'trained', trainingEntryId: 1, score: 0.93 };
const ai: AnswerSource = { kind: 'ai', model: 'llama3', trainingEntryIds: [], kbEntryIds: [], complete: true };
const kb: AnswerSource = { kind: 'knowledge', kbEntryIds: [7], score: 0.5 };
const fallback: AnswerSource = { kind: 'fallback', reason: 'down' };

let c: Core;
afterEach(() => c.db.close());

/** Plays one ticket: its turns at offsets from its opening, votes and closing as given. */
function play(
  guildId: string,
  name: string,
  openedAt: number,
  turns: (NewTurn & { at: number; match?: { score: number; matched: boolean }; vote?: { vote: 'helpful' | 'not_helpful'; at: number } })[],
  close?: { at: number; reason: string | null; by?: string },
) {
  const ticket = c.tickets.open({ guildId, threadId: `${name}-${guildId}`, ownerId: OWNER, subject: name }, openedAt);
  for (const { at, match, vote, ...turn } of turns) {
    const stored = c.tickets.addTurn(ticket.id, turn, at);
    if (match) c.support.gaps.record(stored.id, match.score, match.matched);
    if (vote) c.support.votes.record(c.tickets.turnInGuild(guildId, stored.id)!, OWNER, vote.vote, vote.at);
  }
  if (close) c.tickets.close(guildId, ticket.threadId, { closedBy: close.by ?? OWNER, reason: close.reason }, close.at);
}

function playTheMonth() {
  // A: trained answer in 10 s, marked solved an hour before now.
  const a = NOW - 2 * HOUR;
  play(GUILD, 'A', a, [
    { role: 'user', authorId: OWNER, content: 'How do I reset my password?', at: a, match: { score: 0.93, matched: true } },
    { role: 'bot', content: 'Use /reset.', source: trained, at: a + 10 * SEC, vote: { vote: 'helpful', at: NOW - HOUR } },
  ], { at: NOW - HOUR, reason: SOLVED_REASON });
  // B: the bot had nothing (fallback is no answer); staff answered after an hour and closed it.
  const b = NOW - 5 * HOUR;
  play(GUILD, 'B', b, [
    { role: 'user', authorId: OWNER, content: 'My server is on fire', at: b, match: { score: 0.1, matched: false } },
    { role: 'bot', content: 'Staff will follow up.', source: fallback, at: b + 5 * SEC },
    { role: 'staff', authorId: STAFF, content: 'Restart it.', at: b + HOUR },
    { role: 'user', authorId: OWNER, content: 'Still burning', at: b + 2 * HOUR },
    { role: 'staff', authorId: STAFF, content: 'Fixed on our side.', at: b + 2.5 * HOUR },
  ], { at: NOW - 2.5 * HOUR, reason: 'fixed', by: STAFF });
  // C: three days ago, AI answers, one voted not helpful, closed as inactive a day later.
  const cAt = NOW - 3 * DAY;
  play(GUILD, 'C', cAt, [
    { role: 'user', authorId: OWNER, content: 'How do I get a refund?', at: cAt, match: { score: 0.2, matched: false } },
    { role: 'bot', content: 'AI answer 1', source: ai, at: cAt + 20 * SEC, vote: { vote: 'not_helpful', at: cAt + HOUR } },
    { role: 'bot', content: 'AI answer 2', source: ai, at: cAt + 2 * HOUR },
  ], { at: NOW - 2 * DAY, reason: INACTIVE_REASON });
  // D: forty days ago, a knowledge-base answer while the AI was down; closed a day later.
  const d = NOW - 40 * DAY;
  play(GUILD, 'D', d, [
    { role: 'user', authorId: OWNER, content: 'Opening hours?', at: d, match: { score: 0.3, matched: true } },
    { role: 'bot', content: 'KB answer', source: kb, at: d + MIN },
  ], { at: NOW - 39 * DAY, reason: null });
  // E: still open; the refund question again (other wording), and another gap.
  const e = NOW - 30 * MIN;
  play(GUILD, 'E', e, [
    { role: 'user', authorId: OWNER, content: 'how do i get a  refund', at: e, match: { score: 0.25, matched: false } },
    { role: 'bot', content: 'AI answer 3', source: ai, at: e + 2 * MIN },
    { role: 'user', authorId: OWNER, content: 'Where is the shop', at: NOW - 20 * MIN, match: { score: 0, matched: false } },
    { role: 'bot', content: 'AI answer 4', source: ai, at: NOW - 19 * MIN, vote: { vote: 'not_helpful', at: NOW - 10 * MIN } },
  ]);
  // Another server's ticket never counts here.
  play(OTHER, 'X', NOW - HOUR, [
    { role: 'user', authorId: OWNER, content: 'How do I get a refund?', at: NOW - HOUR, match: { score: 0, matched: false } },
    { role: 'staff', authorId: STAFF, content: 'Sure.', at: NOW - HOUR + SEC, vote: { vote: 'helpful', at: NOW - 50 * MIN } },
  ], { at: NOW - 30 * MIN, reason: SOLVED_REASON });
}

const gap = (question: string, count: number, lastAskedAt: number) => ({ question, count, lastAskedAt });

describe('ticket stats over a known month of tickets', () => {
  it('computes every figure of the last day from the stored events', () => {
    c = testCore();
    playTheMonth();
    expect(c.support.stats.report(GUILD, 'day', NOW)).toEqual<TicketStatsReport>({
      period: 'day',
      range: { since: NOW - DAY, until: NOW },
      opened: 3, // A, B, E
      closed: 2, // A, B
      medianFirstAnswerMs: 2 * MIN, // A 10 s, E 2 min, B 1 h (its fallback is not an answer)
      medianCloseMs: 1.75 * HOUR, // A 1 h, B 2.5 h
      answers: { training: 1, knowledgeBase: 0, ai: 2, staff: 2, total: 5, fallbacks: 1 },
      deflected: 1, // A solved; B needed staff
      deflectionRate: 0.5,
      votes: { helpful: 1, notHelpful: 1 },
      knowledgeGaps: [gap('Where is the shop', 1, NOW - 20 * MIN), gap('how do i get a  refund', 1, NOW - 30 * MIN), gap('My server is on fire', 1, NOW - 5 * HOUR)],
    });
  });

  it('computes every figure of the last week, grouping a gap asked twice in other words', () => {
    c = testCore();
    playTheMonth();
    const week = c.support.stats.report(GUILD, 'week', NOW);
    expect(week).toEqual<TicketStatsReport>({
      period: 'week',
      range: { since: NOW - 7 * DAY, until: NOW },
      opened: 4, // A, B, C, E
      closed: 3, // A, B, C
      medianFirstAnswerMs: 70 * SEC, // 10 s, 20 s, 2 min, 1 h
      medianCloseMs: 2.5 * HOUR, // 1 h, 2.5 h, 24 h
      answers: { training: 1, knowledgeBase: 0, ai: 4, staff: 2, total: 7, fallbacks: 1 },
      deflected: 2, // A solved, C closed with no staff message
      deflectionRate: 2 / 3,
      votes: { helpful: 1, notHelpful: 2 },
      knowledgeGaps: [gap('how do i get a  refund', 2, NOW - 30 * MIN), gap('Where is the shop', 1, NOW - 20 * MIN), gap('My server is on fire', 1, NOW - 5 * HOUR)],
    });
    // Thirty days hold the same tickets as the week here.
    expect({ ...c.support.stats.report(GUILD, 'month', NOW), period: 'week', range: week.range }).toEqual(week);
  });

  it('computes every figure of all time', () => {
    c = testCore();
    playTheMonth();
    expect(c.support.stats.report(GUILD, 'all', NOW)).toEqual<TicketStatsReport>({
      period: 'all',
      range: { since: 0, until: NOW },
      opened: 5,
      closed: 4,
      medianFirstAnswerMs: MIN, // 10 s, 20 s, 1 min, 2 min, 1 h
      medianCloseMs: 13.25 * HOUR, // 1 h, 2.5 h, 24 h, 24 h
      answers: { training: 1, knowledgeBase: 1, ai: 4, staff: 2, total: 8, fallbacks: 1 },
      deflected: 3,
      deflectionRate: 0.75,
      votes: { helpful: 1, notHelpful: 2 },
      knowledgeGaps: [gap('how do i get a  refund', 2, NOW - 30 * MIN), gap('Where is the shop', 1, NOW - 20 * MIN), gap('My server is on fire', 1, NOW - 5 * HOUR)],
    });
  });

  it('reports nothing for a server without tickets, and keeps servers apart', () => {
    c = testCore();
    playTheMonth();
    const empty = c.support.stats.report('100000000000000003', 'all', NOW);
    expect(empty).toMatchObject({ opened: 0, closed: 0, medianFirstAnswerMs: null, medianCloseMs: null, deflected: 0, deflectionRate: null, knowledgeGaps: [] });
    expect(empty.votes).toEqual({ helpful: 0, notHelpful: 0 });
    const other = c.support.stats.report(OTHER, 'day', NOW);
    expect(other).toMatchObject({ opened: 1, closed: 1, deflected: 1, votes: { helpful: 1, notHelpful: 0 } });
    expect(other.knowledgeGaps).toEqual([gap('How do I get a refund?', 1, NOW - HOUR)]);
  });

  it('counts one knowledge gap per question, whatever its case, spacing or punctuation, and skips messages without words', () => {
    c = testCore();
    play(GUILD, 'G', NOW - HOUR, [
      { role: 'user', authorId: OWNER, content: 'Where is the shop?', at: NOW - 50 * MIN, match: { score: 0, matched: false } },
      { role: 'user', authorId: OWNER, content: 'where, is the SHOP!!', at: NOW - 40 * MIN, match: { score: 0, matched: false } },
      { role: 'user', authorId: OWNER, content: '🙂 ?', at: NOW - 30 * MIN, match: { score: 0, matched: false } },
    ]);
    expect(c.support.stats.report(GUILD, 'day', NOW).knowledgeGaps).toEqual([gap('where, is the SHOP!!', 2, NOW - 40 * MIN)]);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
