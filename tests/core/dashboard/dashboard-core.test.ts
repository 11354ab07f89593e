import { describe, expect, it } from 'vitest';
import { DashboardAccess, LOGIN_LINK_TTL_MS, SESSION_TTL_MS } from '../../../src/core/dashboard/access.js';
import { TicketStats } from '../../../src/core/support/ticket-stats.js';
import { KnowledgeGaps } from '../../../src/core/support/knowledge-gaps.js';
import { TicketStore } from '../../../src/core/tickets/store.js';
import { TrainingStore } from '../../../src/core/training/store.js';
import { openDatabase } from '../../../src/db/database.js';
import { expectRefusedUnchanged, GUILD_A, GUILD_B, openTempDb, tempDbPath } from '../temp-db.js';

const STAFF = '300000000000000003';

describe('DashboardAccess: one-time log-in links and sessions', () => {
  it('a link opens one session for that member in that server, once', () => {
    const access = new DashboardAccess(openTempDb());
    const { token } = access.createLoginLink(GUILD_A, STAFF, 1_000);
    const first = access.redeem(token, 2_000);
    expect(first?.session).toMatchObject({ guildId: GUILD_A, userId: STAFF, expiresAt: 2_000 + SESSION_TTL_MS });
    expect(access.session(first!.sessionId, 3_000)).toEqual(first!.session);
    expect(access.redeem(token, 2_500)).toBeUndefined();
    expect(access.redeem('not-a-token', 2_500)).toBeUndefined();
  });

  it('a link expires after 10 minutes and a session after its lifetime; log-out ends it', () => {
    const access = new DashboardAccess(openTempDb());
    const late = access.createLoginLink(GUILD_A, STAFF, 0);
    expect(access.redeem(late.token, LOGIN_LINK_TTL_MS)).toBeUndefined();
    const { sessionId, session } = access.redeem(access.createLoginLink(GUILD_A, STAFF, 0).token, 1)!;
    expect(access.session(sessionId, session.expiresAt - 1)).toBeDefined();
    expect(access.session(sessionId, session.expiresAt)).toBeUndefined();
    const other = access.redeem(access.createLoginLink(GUILD_A, STAFF, 10).token, 10)!;
    access.end(other.sessionId);
    expect(access.session(other.sessionId, 11)).toBeUndefined();
  });

  it('survives a restart: the session still works and the used link stays used; only hashes are stored', () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    const { token } = new DashboardAccess(db).createLoginLink(GUILD_B, STAFF, 0);
    const { sessionId } = new DashboardAccess(db).redeem(token, 1)!;
    const stored = JSON.stringify([db.prepare('SELECT * FROM dashboard_login_links').all(), db.prepare('SELECT * FROM dashboard_sessions').all()]);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(sessionId);
    db.close();
    const reopened = new DashboardAccess(openDatabase(path));
    expect(reopened.session(sessionId, 2)).toMatchObject({ guildId: GUILD_B, userId: STAFF });
    expect(reopened.redeem(token, 2)).toBeUndefined();
  });
});

describe('TrainingStore: what the dashboard table needs', () => {
  it('search pages through question, answer, category and tags of one server only', () => {
    const store = new TrainingStore(openTempDb());
    for (let i = 0; i < 25; i++) store.add(GUILD_A, { question: `How do I reset item ${i}?`, answer: `Press reset ${i}.`, category: i % 2 ? 'odd' : 'even', tags: ['reset'] });
    store.add(GUILD_A, { question: 'Where is the 100% refund form?', answer: 'On the billing page.' });
    store.add(GUILD_B, { question: 'How do I reset item 1 in B?', answer: 'B only.' });
    const page = store.search(GUILD_A, 'reset', { page: 2, pageSize: 10 });
    expect(page).toMatchObject({ total: 25, page: 2, pageCount: 3 });
    expect(page.entries.map((e) => e.question)).toEqual(Array.from({ length: 10 }, (_, i) => `How do I reset item ${i + 10}?`));
    expect(store.search(GUILD_A, 'odd', { pageSize: 50 }).total).toBe(12);
    expect(store.search(GUILD_A, '100%').entries.map((e) => e.question)).toEqual(['Where is the 100% refund form?']);
    expect(store.search(GUILD_A, 'B only').total).toBe(0);
    expect(store.search(GUILD_A, '  ').total).toBe(26);
  });

  it('update validates as add does and never touches another server', () => {
    const store = new TrainingStore(openTempDb());
    const a = store.add(GUILD_A, { question: 'Old question?', answer: 'Old answer.' });
    const updated = store.update(GUILD_A, a.id, { question: 'New question?', answer: 'New answer.', category: 'Billing', tags: 'x, y' }, 5);
    expect(updated).toMatchObject({ id: a.id, question: 'New question?', answer: 'New answer.', category: 'billing', tags: ['x', 'y'], updatedAt: 5 });
    const snapshot = () => [store.all(GUILD_A), store.all(GUILD_B)];
    expectRefusedUnchanged(() => store.update(GUILD_A, a.id, { question: ' ', answer: 'x' }), snapshot, /question/i);
    expectRefusedUnchanged(() => store.update(GUILD_B, a.id, { question: 'Q?', answer: 'A.' }), snapshot, `There is no training entry #${a.id} in this server.`);
  });
});

describe('TicketStore.list and TicketStats.daily', () => {
  it('lists one server\'s tickets newest first with the source of the last answer', () => {
    const db = openTempDb();
    const tickets = new TicketStore(db);
    const t1 = tickets.open({ guildId: GUILD_A, threadId: '400000000000000001', ownerId: STAFF, subject: 'First' }, 1_000);
    const t2 = tickets.open({ guildId: GUILD_A, threadId: '400000000000000002', ownerId: STAFF, subject: 'Second' }, 2_000);
    tickets.open({ guildId: GUILD_B, threadId: '400000000000000003', ownerId: STAFF, subject: 'Other server' }, 3_000);
    tickets.addTurn(t1.id, { role: 'user', content: 'q' }, 1_100);
    tickets.addTurn(t1.id, { role: 'bot', content: 'a', source: { kind: 'trained', trainingEntryId: 7, score: 0.9 } }, 1_200);
    tickets.close(GUILD_A, t1.threadId, { closedBy: STAFF }, 1_500);
    const page = tickets.list(GUILD_A);
    expect(page.total).toBe(2);
    expect(page.tickets.map((t) => [t.ticket.subject, t.ticket.status, t.lastAnswerSource?.kind ?? null])).toEqual([
      ['Second', 'open', null],
      ['First', 'closed', 'trained'],
    ]);
    expect(tickets.list(GUILD_A, { status: 'open' }).tickets.map((t) => t.ticket.id)).toEqual([t2.id]);
    expect(tickets.get(GUILD_B, t1.id)).toBeUndefined();
  });

  it('counts tickets opened and answers by source per UTC day, empty days included', () => {
    const db = openTempDb();
    const tickets = new TicketStore(db);
    const stats = new TicketStats(db, new KnowledgeGaps(db));
    const day = 24 * 60 * 60 * 1000;
    const now = Date.UTC(2026, 0, 10, 12);
    const t = tickets.open({ guildId: GUILD_A, threadId: '400000000000000011', ownerId: STAFF, subject: 'x' }, now - 2 * day);
    tickets.addTurn(t.id, { role: 'bot', content: 'a', source: { kind: 'ai', model: 'm', trainingEntryIds: [], kbEntryIds: [], complete: true } }, now - 2 * day + 10);
    tickets.addTurn(t.id, { role: 'staff', content: 's' }, now);
    tickets.open({ guildId: GUILD_B, threadId: '400000000000000012', ownerId: STAFF, subject: 'y' }, now);
    expect(stats.daily(GUILD_A, 3, now)).toEqual([
      { day: '2026-01-08', opened: 1, training: 0, ai: 1, staff: 0 },
      { day: '2026-01-09', opened: 0, training: 0, ai: 0, staff: 0 },
      { day: '2026-01-10', opened: 0, training: 0, ai: 0, staff: 1 },
    ]);
  });
});
