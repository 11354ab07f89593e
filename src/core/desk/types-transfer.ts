import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import { checkEnvelope, DEFAULT_MAX_IMPORT_BYTES, readImportFile } from '../transfer/import-file.js';
import { TYPE_LIMITS, type IntakeQuestion, type TicketTypeInput, type TicketTypeStore } from './ticket-types.js';

export const TICKET_TYPES_FORMAT = 'discord-ai-ticket-bot/ticket-types';
export const TICKET_TYPES_VERSION = 1;

export interface TicketTypesExport {
  format: string;
  version: 1;
  exportedAt: string;
  types: { name: string; emoji: string | null; description: string; private: boolean; staffRoleId: string | null; questions: IntakeQuestion[] }[];
}

export function exportTicketTypes(store: TicketTypeStore, guildId: string, now = Date.now()): TicketTypesExport {
  return {
    format: TICKET_TYPES_FORMAT,
    version: TICKET_TYPES_VERSION,
    exportedAt: new Date(now).toISOString(),
    types: store.list(guildId).map((t) => ({ name: t.name, emoji: t.emoji, description: t.description, private: t.private, staffRoleId: t.staffRoleId, questions: t.questions })),
  };
}

function toInput(raw: unknown, roleExists: (id: string) => boolean): TicketTypeInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError('must be an object with a "name"');
  const t = raw as Record<string, unknown>;
  if (typeof t.name !== 'string') throw new UserError('"name" must be text');
  const questions = t.questions ?? [];
  if (!Array.isArray(questions)) throw new UserError('"questions" must be a list');
  const role = typeof t.staffRoleId === 'string' && roleExists(t.staffRoleId) ? t.staffRoleId : null;
  return {
    name: t.name,
    emoji: typeof t.emoji === 'string' ? t.emoji : null,
    description: typeof t.description === 'string' ? t.description : '',
    private: t.private === true,
    staffRoleId: role,
    questions: questions.map((q) => {
      const o = (q ?? {}) as Record<string, unknown>;
      return { label: String(o.label ?? ''), style: o.style === 'paragraph' ? 'paragraph' : o.style === 'short' ? 'short' : (String(o.style) as 'short'), required: o.required === true };
    }),
  };
}

/**
 * Loads ticket types from an export, all or nothing: a type of the same name is updated, others are added.
 * A handling role that does not exist in this server (an export from another server) falls back to the staff role.
 */
export function importTicketTypes(
  db: Db,
  store: TicketTypeStore,
  guildId: string,
  input: string | Buffer,
  opts: { roleExists: (id: string) => boolean; maxBytes?: number },
): { added: number; updated: number } {
  const data = checkEnvelope(readImportFile(input, opts.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES), { format: TICKET_TYPES_FORMAT, version: TICKET_TYPES_VERSION, what: 'a ticket-types export' });
  const types: unknown = data.types;
  if (!Array.isArray(types)) throw new UserError('The file has no "types" list.');
  if (types.length > TYPE_LIMITS.typesPerGuild) throw new UserError(`The file has ${types.length} types; a server can have ${TYPE_LIMITS.typesPerGuild}.`);
  const result = { added: 0, updated: 0 };
  db.transaction(() => {
    types.forEach((raw: unknown, i: number) => {
      const label = `Type ${i + 1}${raw && typeof (raw as { name?: unknown }).name === 'string' ? ` (“${(raw as { name: string }).name}”)` : ''}`;
      try {
        const type = toInput(raw, opts.roleExists);
        if (store.byName(guildId, type.name)) {
          store.edit(guildId, type.name, type);
          result.updated++;
        } else {
          store.create(guildId, type);
          result.added++;
        }
      } catch (error) {
        if (error instanceof UserError) throw new UserError(`${label}: ${error.message} Nothing was imported.`);
        throw error;
      }
    });
  })();
  return result;
}
