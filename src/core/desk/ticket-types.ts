import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import { cleanText } from '../transfer/fields.js';

/** One question of a type's intake form (a Discord modal: at most 5 text inputs, labels up to 45 characters). */
export interface IntakeQuestion {
  label: string;
  style: 'short' | 'paragraph';
  required: boolean;
}

/** A kind of ticket a server offers on its panel (e.g. a public "Questions" or a private "Billing"). */
export interface TicketType {
  id: number;
  guildId: string;
  name: string;
  emoji: string | null;
  description: string;
  private: boolean;
  /** The role that handles this type; null = the server's staff role from /setup. */
  staffRoleId: string | null;
  questions: IntakeQuestion[];
}

export interface TicketTypeInput {
  name: string;
  emoji?: string | null;
  description?: string;
  private?: boolean;
  staffRoleId?: string | null;
  questions?: IntakeQuestion[];
}

interface TypeRow {
  id: number;
  guild_id: string;
  name: string;
  emoji: string | null;
  description: string;
  private: number;
  staff_role_id: string | null;
  questions: string;
}

/** Discord's limits: a button label is 80 characters, a modal holds 5 inputs whose labels are 45; a panel holds 25 buttons. */
export const TYPE_LIMITS = { name: 40, description: 100, questions: 5, questionLabel: 45, typesPerGuild: 25 } as const;

const toType = (row: TypeRow): TicketType => ({
  id: row.id,
  guildId: row.guild_id,
  name: row.name,
  emoji: row.emoji,
  description: row.description,
  private: row.private === 1,
  staffRoleId: row.staff_role_id,
  questions: JSON.parse(row.questions) as IntakeQuestion[],
});

/** A custom emoji <:name:id> / <a:name:id>, or a short run of non-letter characters (a Unicode emoji). */
const EMOJI = /^(<a?:\w{2,32}:\d{17,20}>|[^\p{L}\p{N}\s]{1,8})$/u;

function validName(raw: string): string {
  const name = cleanText(raw).replace(/\s+/g, ' ').trim();
  if (name === '') throw new UserError('A ticket type needs a name, such as “Billing”.');
  if (name.length > TYPE_LIMITS.name) throw new UserError(`A ticket type’s name can be at most ${TYPE_LIMITS.name} characters.`);
  return name;
}

export function validQuestions(questions: IntakeQuestion[]): IntakeQuestion[] {
  if (questions.length > TYPE_LIMITS.questions) throw new UserError(`A ticket type can ask at most ${TYPE_LIMITS.questions} questions (Discord’s form limit).`);
  return questions.map((q, i) => {
    const label = cleanText(q.label).replace(/\s+/g, ' ').trim();
    if (label === '') throw new UserError(`Question ${i + 1} is empty.`);
    if (label.length > TYPE_LIMITS.questionLabel) throw new UserError(`Question ${i + 1} is longer than ${TYPE_LIMITS.questionLabel} characters (Discord’s limit for a form label).`);
    if (q.style !== 'short' && q.style !== 'paragraph') throw new UserError(`Question ${i + 1} must be short or paragraph.`);
    return { label, style: q.style, required: Boolean(q.required) };
  });
}

/**
 * Parses staff's question list: one question per line or separated by `|`; a trailing `*` makes it required,
 * a leading `long:` makes it a paragraph. "Order number* | long: What happened?*"
 */
export function parseQuestions(text: string): IntakeQuestion[] {
  const parts = text.split(/\||\n/).map((p) => p.trim()).filter(Boolean);
  return validQuestions(
    parts.map((part) => {
      const paragraph = /^long:/i.test(part);
      let label = paragraph ? part.slice(5).trim() : part;
      const required = label.endsWith('*');
      if (required) label = label.slice(0, -1).trim();
      return { label, style: paragraph ? 'paragraph' : 'short', required };
    }),
  );
}

/** The ticket types of each server. Changes are checked first and refused whole, changing nothing. */
export class TicketTypeStore {
  private readonly selectAll: Statement<[string], TypeRow>;
  private readonly selectByName: Statement<[string, string], TypeRow>;
  private readonly selectById: Statement<[number, string], TypeRow>;
  private readonly insert: Statement<[Record<string, unknown>]>;
  private readonly update: Statement<[Record<string, unknown>]>;
  private readonly remove: Statement<[number]>;
  private readonly selectTicketRole: Statement<[number], { staff_role_id: string | null }>;

  constructor(private readonly db: Db) {
    this.selectAll = db.prepare('SELECT * FROM ticket_types WHERE guild_id = ? ORDER BY id');
    this.selectByName = db.prepare('SELECT * FROM ticket_types WHERE guild_id = ? AND name = ?');
    this.selectById = db.prepare('SELECT * FROM ticket_types WHERE id = ? AND guild_id = ?');
    this.insert = db.prepare(
      `INSERT INTO ticket_types (guild_id, name, emoji, description, private, staff_role_id, questions, created_at)
       VALUES (@guild_id, @name, @emoji, @description, @private, @staff_role_id, @questions, @created_at)`,
    );
    this.update = db.prepare(
      `UPDATE ticket_types SET name = @name, emoji = @emoji, description = @description, private = @private,
         staff_role_id = @staff_role_id, questions = @questions WHERE id = @id`,
    );
    this.remove = db.prepare('DELETE FROM ticket_types WHERE id = ?');
    this.selectTicketRole = db.prepare('SELECT tt.staff_role_id FROM tickets t JOIN ticket_types tt ON tt.id = t.type_id WHERE t.id = ?');
  }

  list(guildId: string): TicketType[] {
    return this.selectAll.all(guildId).map(toType);
  }

  get(guildId: string, id: number): TicketType | undefined {
    const row = this.selectById.get(id, guildId);
    return row && toType(row);
  }

  byName(guildId: string, name: string): TicketType | undefined {
    const row = this.selectByName.get(guildId, cleanText(name).replace(/\s+/g, ' ').trim());
    return row && toType(row);
  }

  /** The role handling a ticket's type; null when the ticket has no type or the type uses the staff role. */
  roleOfTicket(ticketId: number): string | null {
    return this.selectTicketRole.get(ticketId)?.staff_role_id ?? null;
  }

  /** The type by name, or a clear refusal listing the server's types. */
  require(guildId: string, name: string): TicketType {
    const type = this.byName(guildId, name);
    if (type) return type;
    const names = this.list(guildId).map((t) => `“${t.name}”`);
    throw new UserError(names.length ? `There is no ticket type “${name}”. This server has: ${names.join(', ')}.` : 'This server has no ticket types yet: add one with `/ticket_type create`.');
  }

  create(guildId: string, input: TicketTypeInput, now = Date.now()): TicketType {
    const row = this.toRow(input);
    return this.db.transaction(() => {
      if (this.byName(guildId, row.name)) throw new UserError(`There is already a ticket type “${row.name}”.`);
      if (this.selectAll.all(guildId).length >= TYPE_LIMITS.typesPerGuild) {
        throw new UserError(`A server can have at most ${TYPE_LIMITS.typesPerGuild} ticket types (one panel holds 25 buttons).`);
      }
      this.insert.run({ ...row, guild_id: guildId, created_at: now });
      return this.byName(guildId, row.name)!;
    })();
  }

  /** Changes the given fields of a type; `name` renames it. */
  edit(guildId: string, name: string, patch: Partial<TicketTypeInput>): TicketType {
    return this.db.transaction(() => {
      const current = this.require(guildId, name);
      const row = this.toRow({ ...current, ...patch });
      const clash = this.byName(guildId, row.name);
      if (clash && clash.id !== current.id) throw new UserError(`There is already a ticket type “${row.name}”.`);
      this.update.run({ ...row, id: current.id });
      return this.get(guildId, current.id)!;
    })();
  }

  /** Removes a type; its tickets stay, with no type. */
  delete(guildId: string, name: string): TicketType {
    const type = this.require(guildId, name);
    this.remove.run(type.id);
    return type;
  }

  private toRow(input: TicketTypeInput) {
    const name = validName(input.name);
    const emoji = input.emoji?.trim() || null;
    if (emoji && !EMOJI.test(emoji)) throw new UserError('The emoji must be one emoji, such as 💳, or a custom emoji from this server.');
    const description = cleanText(input.description ?? '').trim();
    if (description.length > TYPE_LIMITS.description) throw new UserError(`A ticket type’s description can be at most ${TYPE_LIMITS.description} characters.`);
    return {
      name,
      emoji,
      description,
      private: input.private ? 1 : 0,
      staff_role_id: input.staffRoleId ?? null,
      questions: JSON.stringify(validQuestions(input.questions ?? [])),
    };
  }
}
