import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStorageFailure } from '../../src/core/errors.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { TrainingStore } from '../../src/core/training/store.js';
import { importTraining } from '../../src/core/training/transfer.js';
import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FakeOllama } from '../fakes/ollama.js';
import { startBotWorld } from '../e2e/harness.js';
import { botMessages } from '../e2e/support-helpers.js';
import { GUILD_A } from '../core/temp-db.js';
import { capturingLogger, createScene, jsonUpload, ROOT, runTs, startBotProcess, tempDir, trainingExport } from './helpers.js';

/** A training export of `count` distinct entries, as the bot writes one. */
function trainingFile(count: number, prefix: string): string {
  const entries = Array.from({ length: count }, (_, i) => ({
    question: `${prefix} question number ${i} about topic ${i % 97}?`,
    answer: `Answer ${i} for ${prefix}.`,
    category: `cat${i % 7}`,
    tags: [`t${i % 5}`],
  }));
  return trainingExport(entries, { exportedAt: new Date().toISOString() });
}

describe('6.5 SIGKILL during a 10,000-entry import', () => {
  it('the database reopens with none of the import, every earlier entry intact, and the import can then be run whole', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'bot.db');
    const filePath = join(dir, 'import.json');
    writeFileSync(filePath, trainingFile(10_000, 'imported'));

    const db = openDatabase(dbPath);
    const store = new TrainingStore(db);
    for (let i = 0; i < 50; i++) store.add(GUILD_A, { question: `Earlier question ${i}?`, answer: `Earlier answer ${i} 🙂 مرحبا`, category: 'old' });
    const before = store.all(GUILD_A);
    db.close();

    const child = runTs(join(ROOT, 'tests/reliability/fixtures/import-child.ts'), [dbPath, filePath, '5000'], { env: { GUILD_ID: GUILD_A } });
    await child.waitForLine(/^IN_TRANSACTION 5000$/, 20_000);
    child.child.kill('SIGKILL');
    const { signal } = await child.exited;
    expect(signal).toBe('SIGKILL');
    expect(child.output()).not.toContain('IMPORT_DONE');

    // "Restart": the bot opens the same file again.
    const reopened = openDatabase(dbPath);
    try {
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
      const after = new TrainingStore(reopened);
      expect(after.count(GUILD_A)).toBe(50);
      expect(after.all(GUILD_A)).toEqual(before);

      // Importing again after the restart brings all of it in, once.
      const result = importTraining(reopened, GUILD_A, trainingFile(10_000, 'imported'));
      expect(result).toEqual({ added: 10_000, updated: 0, skipped: 0 });
      expect(after.count(GUILD_A)).toBe(10_050);
      expect(after.all(GUILD_A).slice(0, 50)).toEqual(before);
    } finally {
      reopened.close();
    }
  });
});

/** The three ways the database can refuse a write, set up on a real file the core uses. */
const STORAGE_FAULTS = {
  locked: {
    code: /^SQLITE_BUSY/,
    message: /locked by another program/,
    apply(db: Db, dbPath: string) {
      db.pragma('busy_timeout = 50');
      const other = openDatabase(dbPath);
      other.exec('BEGIN EXCLUSIVE');
      return () => {
        other.exec('ROLLBACK');
        other.close();
        db.pragma('busy_timeout = 5000');
      };
    },
  },
  'read-only': {
    code: /^SQLITE_READONLY/,
    message: /read-only/,
    apply(db: Db) {
      db.pragma('query_only = 1');
      return () => void db.pragma('query_only = 0');
    },
  },
  'disk full': {
    code: /^SQLITE_FULL$/,
    message: /disk .* is full/,
    apply(db: Db) {
      // No room at all: the file may not grow, and the pages new rows would go into are filled up
      // (rows are appended, so filler rows of another server fill the last page of each table).
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages}`);
      let n = 0;
      const fillUntilFull = (sql: string) => {
        const statement = db.prepare(sql);
        // Big rows first, then ever smaller ones into what space is left.
        for (const size of [2000, 500, 100, 20, 1]) {
          try {
            for (;;) statement.run(`f${n++} ${'x'.repeat(size)}`);
          } catch (error) {
            if ((error as { code?: string }).code !== 'SQLITE_FULL') throw error;
          }
        }
      };
      db.prepare("INSERT INTO tickets (guild_id, thread_id, owner_id, subject, status, opened_at) VALUES ('1', 'filler', '1', 'filler', 'open', 0)").run();
      fillUntilFull("INSERT INTO ticket_turns (ticket_id, role, content, created_at) SELECT id, 'user', ?, 0 FROM tickets WHERE thread_id = 'filler'");
      fillUntilFull("INSERT INTO training_entries (guild_id, question, answer, category, tags, created_at, updated_at) SELECT '1', value, value, 'general', '[]', 0, 0 FROM (SELECT ? AS value)");
      fillUntilFull("INSERT INTO stat_counters (guild_id, name, value) VALUES ('1', ?, 0)");
      return () => {
        db.pragma('max_page_count = 1073741823');
        db.prepare("DELETE FROM tickets WHERE thread_id = 'filler'").run();
        db.prepare("DELETE FROM training_entries WHERE guild_id = '1'").run();
        db.prepare("DELETE FROM stat_counters WHERE guild_id = '1'").run();
      };
    },
  },
} as const;

describe('6.5 graceful SIGTERM', () => {
  it('finishes the answer in progress, closes the database cleanly and exits 0', async () => {
    const fake = await FakeDiscord.start();
    const ollama = await FakeOllama.start();
    try {
      const scene = createScene(fake);
      ollama.reply = 'Here is the whole answer, finished after the stop signal.';
      ollama.firstTokenDelayMs = 800;
      ollama.chunkSize = 10;
      const bot = await startBotProcess({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, OLLAMA_URL: ollama.url, DISCORD_GUILD_ID: scene.guildId });
      const setup = await fake.invokeSlashCommand({ guildId: scene.guildId, channelId: scene.generalId, userId: scene.adminId, name: 'setup', options: { forum: scene.forumId, staff_role: scene.staffRoleId } });
      await setup.waitForResponse({ timeoutMs: 10_000 });

      const { thread } = fake.createForumPostAsUser({ forumId: scene.forumId, userId: scene.memberId, title: 'Help', content: 'Please explain' });
      await fake.waitFor(() => ollama.chatRequests().length === 1, 10_000, 'the bot to ask Ollama');
      // Discord is slow to take the answer: the bot must wait for it to be shown, not only written.
      fake.faults.rateLimitNext({ route: 'messages', count: 1, retryAfterMs: 1000 });
      bot.child.kill('SIGTERM');

      const exit = await bot.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      // The member got the whole answer before the bot stopped.
      expect(botMessages({ fake }, thread.id).map((m) => m.content)).toEqual([ollama.reply]);
      expect(bot.output()).toMatch(/SIGTERM received: finishing 1 answer/);
      expect(bot.output()).toContain('Stopped cleanly');
      // Closed cleanly: the write-ahead log was checkpointed into the file and removed.
      expect(existsSync(`${bot.dbPath}-wal`)).toBe(false);
      const db = new BetterSqlite3(bot.dbPath, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const turns = db.prepare('SELECT role, content FROM ticket_turns ORDER BY id').all();
        expect(turns).toEqual([
          { role: 'user', content: 'Help\n\nPlease explain' },
          { role: 'bot', content: ollama.reply },
        ]);
      } finally {
        db.close();
      }
    } finally {
      await Promise.all([fake.stop(), ollama.stop()]);
    }
  }, 40_000);
});

describe('6.6 database locked, read-only or full (stores)', () => {
  for (const [name, fault] of Object.entries(STORAGE_FAULTS)) {
    it(`${name}: an import fails with a clear storage error and writes nothing; it works once the fault is gone`, () => {
      const dir = tempDir();
      const dbPath = join(dir, 'bot.db');
      const db = openDatabase(dbPath);
      const store = new TrainingStore(db);
      store.add(GUILD_A, { question: 'Kept question?', answer: 'Kept answer.' });
      const file = trainingFile(2000, 'faulty');
      const clear = fault.apply(db, dbPath);
      let error: unknown;
      try {
        importTraining(db, GUILD_A, file);
      } catch (e) {
        error = e;
      }
      expect((error as { code?: string }).code).toMatch(fault.code);
      expect(describeStorageFailure(error)).toMatch(fault.message);
      expect(describeStorageFailure(error)).toContain('nothing was changed');
      clear();
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(store.count(GUILD_A)).toBe(1);
      expect(importTraining(db, GUILD_A, file).added).toBe(2000);
      db.close();
    });
  }
});

describe('6.6 database locked, read-only or full (what staff and members see)', () => {
  for (const [name, fault] of Object.entries(STORAGE_FAULTS)) {
    it(`${name}: /train, /import_training and a ticket message get a clear reply and a log line; nothing is half-written`, async () => {
      const log = capturingLogger();
      const w = await startBotWorld({}, { logger: log.logger });
      try {
        await w.setup();
        const { thread } = w.fake.createForumPostAsUser({ forumId: w.forumId, userId: w.memberId, title: 'Before', content: 'first question' });
        await w.fake.waitFor(() => botMessages(w, thread.id).length > 0, 5000, 'the first answer');
        const turnsBefore = w.core.tickets.info(w.guildId, thread.id)!.counts;
        w.core.training.add(w.guildId, { question: 'Kept?', answer: 'Kept.' });

        const clear = fault.apply(w.core.db, w.core.config.DB_PATH);
        const train = await (await w.command('train', { question: 'New question?', answer: 'New answer.' }, { userId: w.staffId })).waitForResponse();
        expect(train.content).toMatch(fault.message);
        expect(train.content).toContain('nothing was changed');

        const file = jsonUpload(trainingFile(500, 'import'), 'training.json');
        const imported = await (await w.command('import_training', {}, { userId: w.staffId, attachments: { file } })).waitForResponse({ timeoutMs: 10_000 });
        expect(imported.content).toMatch(fault.message);

        w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, content: 'second question' });
        const warning = await w.fake.waitForMessage(thread.id, (m) => m.author.bot && m.content.startsWith('⚠️'), 5000);
        expect(warning.content).toMatch(fault.message);
        expect(warning.mentionsPinged).toMatchObject({ everyone: false, users: [], roles: [] });

        expect(log.text()).toMatch(new RegExp(`/train failed: .*${fault.message.source}`));
        expect(log.text()).toMatch(new RegExp(`/import_training failed: .*${fault.message.source}`));
        expect(log.text()).toMatch(new RegExp(`A ticket message could not be stored: .*${fault.message.source}`));

        clear();
        expect(w.core.db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(w.core.training.count(w.guildId)).toBe(1);
        expect(w.core.tickets.info(w.guildId, thread.id)!.counts).toEqual(turnsBefore);

        // Once the fault is fixed, everything works again without a restart.
        const retried = await (await w.command('train', { question: 'New question?', answer: 'New answer.' }, { userId: w.staffId })).waitForResponse();
        expect(JSON.stringify(retried.embeds)).toContain('New answer.');
        w.fake.postAsUser({ channelId: thread.id, userId: w.memberId, content: 'third question' });
        await w.fake.waitForMessage(thread.id, (m) => m.author.bot && m.content === 'You asked: third question', 5000);
      } finally {
        await w.stop();
      }
    });
  }
});
