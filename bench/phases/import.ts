import { performance } from 'node:perf_hooks';
import { TRAINING_EXPORT_FORMAT, TRAINING_EXPORT_VERSION } from '../../src/core/training/transfer.js';
import { SyntheticServer, type SyntheticEntry } from '../data/corpus.js';
import type { Scene } from '../lib/scene.js';

export interface ImportRun {
  ms: number;
  /** CPU time the bot process used meanwhile (ms): the part of `ms` a busy machine does not inflate. */
  botCpuMs: number;
  fileBytes: number;
  reply: string;
}

/** Entries in the imported file: new to the guild (another seed's server). */
export const IMPORT_ENTRIES = 10_000;
export function importedEntries(): SyntheticEntry[] {
  return new SyntheticServer(9).entries(IMPORT_ENTRIES);
}

/** A file as /export_training writes it (indented JSON). */
export function trainingExportFile(entries: readonly SyntheticEntry[]): string {
  return JSON.stringify(
    {
      format: TRAINING_EXPORT_FORMAT,
      version: TRAINING_EXPORT_VERSION,
      exportedAt: new Date(0).toISOString(),
      entries: entries.map((e, i) => ({ id: i + 1, question: e.question, answer: e.answer, category: e.category, tags: e.tags, usageCount: 0 })),
    },
    null,
    2,
  );
}

/**
 * `/import_training file:<export>` by an admin, end to end: from the slash command sent by the fake
 * Discord (with the file as an attachment the bot downloads from its URL) to the deferred reply
 * edited to "Imported: …".
 */
export async function measureImport(scene: Scene, file: string, botCpuMs: () => number): Promise<ImportRun> {
  const cpuBefore = botCpuMs();
  const started = performance.now();
  const handle = await scene.fake.invokeSlashCommand({
    guildId: scene.guildId,
    channelId: scene.generalId,
    userId: scene.adminId,
    name: 'import_training',
    attachments: { file: { filename: 'training-export.json', data: file, contentType: 'application/json' } },
  });
  const reply = await handle.waitForResponse({ timeoutMs: 120_000 });
  const ms = performance.now() - started;
  return { ms, botCpuMs: botCpuMs() - cpuBefore, fileBytes: Buffer.byteLength(file), reply: reply.content };
}
