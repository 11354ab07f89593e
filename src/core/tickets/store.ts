import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import { pageWindow } from '../paging.js';
import { cleanText, ellipsis } from '../transfer/fields.js';
import { ClosedListeners } from './closed-listeners.js';
import { columnsToSource, sourceToColumns, type AnswerSource, type SourceColumns } from './answer-source.js';

export type { AnswerSource } from './answer-source.js';

export type TicketStatus = 'open' | 'closed';

export interface Ticket {
  id: number;
  guildId: string;
  threadId: string;
  ownerId: string;
  subject: string;
  status: TicketStatus;
  openedAt: number;
  closedAt: number | null;
  closedBy: string | null;
  closeReason: string | null;
}

export type TurnRole = 'user' | 'bot' | 'staff';

export interface Turn {
  id: number;
  ticketId: number;
  role: TurnRole;
  authorId: string | null;
  messageId: string | null;
  content: string;
  source: AnswerSource | null;
  createdAt: number;
}

export interface NewTurn {
  role: TurnRole;
  authorId?: string | null;
  messageId?: string | null;
  content: string;
  source?: AnswerSource | null;
}

/** A turn with the ticket it belongs to. */
export interface TicketTurn {
  ticket: Ticket;
  turn: Turn;
}

/** A row of the dashboard's ticket list: the ticket and where its latest answer came from. */
export interface TicketListItem {
  ticket: Ticket;
  lastAnswerSource: AnswerSource | null;
}

export interface TicketPage {
  tickets: TicketListItem[];
  total: number;
  page: number;
  pageCount: number;
}

export interface TicketInfo {
  ticket: Ticket;
  counts: { user: number; bot: number; staff: number };
  lastAnswer: Turn | undefined;
}

interface TicketRow {
  id: number;
  guild_id: string;
  thread_id: string;
  owner_id: string;
  subject: string;
  status: TicketStatus;
  opened_at: number;
  closed_at: number | null;
  closed_by: string | null;
  close_reason: string | null;
}

interface TurnRow extends SourceColumns {
  id: number;
  ticket_id: number;
  role: TurnRole;
  author_id: string | null;
  message_id: string | null;
  content: string;
  created_at: number;
}

/** Forum post titles are at most 100 characters; this leaves room and stops a runaway value. */
const MAX_SUBJECT = 200;
const MAX_CLOSE_REASON = 500;

const toTicket = (row: TicketRow): Ticket => ({
  id: row.id,
  guildId: row.guild_id,
  threadId: row.thread_id,
  ownerId: row.owner_id,
  subject: row.subject,
  status: row.status,
  openedAt: row.opened_at,
  closedAt: row.closed_at,
  closedBy: row.closed_by,
  closeReason: row.close_reason,
});

const toTurn = (row: TurnRow): Turn => ({
  id: row.id,
  ticketId: row.ticket_id,
  role: row.role,
  authorId: row.author_id,
  messageId: row.message_id,
  content: row.content,
  source: columnsToSource(row),
  createdAt: row.created_at,
});

/** The last `max` characters of a text, starting with … when cut (never half an emoji). */
function keepEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  let tail = text.slice(text.length - (max - 1));
  if (/^[\uDC00-\uDFFF]/.test(tail)) tail = tail.slice(1);
  return `…${tail}`;
}

/** Support tickets (one per forum thread) and the conversation in each. */
export class TicketStore {
  /** Told of every close, after it (see ClosedListeners). */
  readonly closedListeners: ClosedListeners<Ticket>;
  private readonly insertTicket: Statement<[string, string, string, string, number, number | null, number]>;
  private readonly selectByThread: Statement<[string], TicketRow>;
  private readonly markClosed: Statement<[number, string | null, string | null, number]>;
  private readonly markOpen: Statement<[number]>;
  private readonly countOpenStmt: Statement<[string], { n: number }>;
  private readonly insertTurn: Statement<[Omit<TurnRow, 'id'>], TurnRow>;
  private readonly selectTurn: Statement<[number], TurnRow>;
  private readonly selectTurnByMessage: Statement<[string], TurnRow>;
  private readonly updateTurnStmt: Statement<[Record<string, unknown>]>;
  private readonly deleteByMessage: Statement<[string]>;
  private readonly editByMessage: Statement<[string, string]>;
  private readonly turnsNewestFirst: Statement<[number], TurnRow>;
  private readonly roleCounts: Statement<[number], { role: TurnRole; n: number }>;
  private readonly lastBotTurn: Statement<[number], TurnRow>;
  private readonly selectGuildTicket: Statement<[number, string], TicketRow>;
  private readonly selectQuestionBefore: Statement<[number, number], TurnRow>;
  private readonly selectQuestionAt: Statement<[number, number], TurnRow>;
  private readonly selectAllTurns: Statement<[number], TurnRow>;
  private readonly selectPage: Statement<[{ guildId: string; status: string | null; limit: number; offset: number }], TicketRow & SourceColumns>;
  private readonly countWhere: Statement<[{ guildId: string; status: string | null }], { n: number }>;

  constructor(private readonly db: Db) {
    this.closedListeners = new ClosedListeners(db, (t) => this.getByThread(t.guildId, t.threadId)?.status === 'closed');
    this.insertTicket = db.prepare(
      `INSERT INTO tickets (guild_id, thread_id, owner_id, subject, status, opened_at, type_id, private) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)
       ON CONFLICT (thread_id) DO NOTHING`,
    );
    this.selectByThread = db.prepare('SELECT * FROM tickets WHERE thread_id = ?');
    this.markClosed = db.prepare("UPDATE tickets SET status = 'closed', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?");
    this.markOpen = db.prepare("UPDATE tickets SET status = 'open', closed_at = NULL, closed_by = NULL, close_reason = NULL WHERE id = ?");
    this.countOpenStmt = db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE guild_id = ? AND status = 'open'");
    this.insertTurn = db.prepare(
      `INSERT INTO ticket_turns (ticket_id, role, author_id, message_id, content, source_kind, training_entry_id, training_entry_ids,
         kb_entry_ids, kb_passages, ai_model, score, complete, fallback_reason, created_at)
       VALUES (@ticket_id, @role, @author_id, @message_id, @content, @source_kind, @training_entry_id, @training_entry_ids,
         @kb_entry_ids, @kb_passages, @ai_model, @score, @complete, @fallback_reason, @created_at)
       RETURNING *`,
    );
    this.selectTurn = db.prepare('SELECT * FROM ticket_turns WHERE id = ?');
    this.selectTurnByMessage = db.prepare('SELECT * FROM ticket_turns WHERE message_id = ?');
    this.updateTurnStmt = db.prepare(
      `UPDATE ticket_turns SET content = @content, message_id = @message_id, source_kind = @source_kind,
         training_entry_id = @training_entry_id, training_entry_ids = @training_entry_ids, kb_entry_ids = @kb_entry_ids,
         kb_passages = @kb_passages, ai_model = @ai_model, score = @score, complete = @complete, fallback_reason = @fallback_reason
       WHERE id = @id`,
    );
    this.deleteByMessage = db.prepare('DELETE FROM ticket_turns WHERE message_id = ?');
    this.editByMessage = db.prepare('UPDATE ticket_turns SET content = ? WHERE message_id = ?');
    this.turnsNewestFirst = db.prepare('SELECT * FROM ticket_turns WHERE ticket_id = ? ORDER BY id DESC');
    this.roleCounts = db.prepare('SELECT role, COUNT(*) AS n FROM ticket_turns WHERE ticket_id = ? GROUP BY role');
    this.lastBotTurn = db.prepare("SELECT * FROM ticket_turns WHERE ticket_id = ? AND role = 'bot' ORDER BY id DESC LIMIT 1");
    this.selectGuildTicket = db.prepare('SELECT * FROM tickets WHERE id = ? AND guild_id = ?');
    this.selectQuestionBefore = db.prepare("SELECT * FROM ticket_turns WHERE ticket_id = ? AND role = 'user' AND id < ? ORDER BY id DESC LIMIT 1");
    this.selectQuestionAt = db.prepare("SELECT * FROM ticket_turns WHERE ticket_id = ? AND role = 'user' AND created_at <= ? ORDER BY id DESC LIMIT 1");
    this.selectAllTurns = db.prepare('SELECT * FROM ticket_turns WHERE ticket_id = ? ORDER BY id');
    // Newest first; the last bot turn's source columns come along (NULLs when it has none yet).
    this.selectPage = db.prepare(
      `SELECT t.*, b.source_kind, b.training_entry_id, b.training_entry_ids, b.kb_entry_ids, b.kb_passages, b.ai_model, b.score,
         COALESCE(b.complete, 1) AS complete, b.fallback_reason
       FROM tickets t
       LEFT JOIN ticket_turns b ON b.id = (SELECT MAX(id) FROM ticket_turns WHERE ticket_id = t.id AND role = 'bot')
       WHERE t.guild_id = @guildId AND (@status IS NULL OR t.status = @status)
       ORDER BY t.opened_at DESC, t.id DESC LIMIT @limit OFFSET @offset`,
    );
    this.countWhere = db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE guild_id = @guildId AND (@status IS NULL OR status = @status)');
  }

  /** undefined for a ticket of another server, as for one that does not exist. */
  get(guildId: string, ticketId: number): Ticket | undefined {
    const row = this.selectGuildTicket.get(ticketId, guildId);
    return row && toTicket(row);
  }

  /** One page (1-based, clamped) of a server's tickets, newest first, optionally only open or closed ones. */
  list(guildId: string, opts: { status?: TicketStatus; page?: number; pageSize?: number } = {}): TicketPage {
    const status = opts.status ?? null;
    const total = this.countWhere.get({ guildId, status })?.n ?? 0;
    const { page, pageSize, pageCount, offset } = pageWindow(total, opts, 25);
    const rows = this.selectPage.all({ guildId, status, limit: pageSize, offset });
    return { tickets: rows.map((row) => ({ ticket: toTicket(row), lastAnswerSource: columnsToSource(row) })), total, page, pageCount };
  }

  /**
   * Starts a ticket for a thread, of a ticket type and private when opened so (see core/desk/); a thread that already has one gets that one back (events can repeat).
   */
  open(
    input: { guildId: string; threadId: string; ownerId: string; subject: string; typeId?: number | null; private?: boolean },
    now = Date.now(),
  ): Ticket {
    const subject = ellipsis(cleanText(input.subject).replace(/\s+/g, ' '), MAX_SUBJECT) || 'Ticket';
    this.insertTicket.run(input.guildId, input.threadId, input.ownerId, subject, now, input.typeId ?? null, input.private ? 1 : 0);
    const row = this.selectByThread.get(input.threadId)!;
    // Thread ids are unique across Discord; a clash across guilds would be a bug, never data to share.
    if (row.guild_id !== input.guildId) throw new Error(`Thread ${input.threadId} already holds a ticket of another guild`);
    return toTicket(row);
  }

  /** undefined when the thread is not a ticket of this guild. */
  getByThread(guildId: string, threadId: string): Ticket | undefined {
    const row = this.selectByThread.get(threadId);
    return row && row.guild_id === guildId ? toTicket(row) : undefined;
  }

  /** `closedBy` null: closed in Discord by someone the bot cannot name (a moderator locked the post). */
  close(guildId: string, threadId: string, input: { closedBy: string | null; reason?: string | null }, now = Date.now()): Ticket {
    const ticket = this.requireTicket(guildId, threadId);
    if (ticket.status === 'closed') throw new UserError('This ticket is already closed.');
    const reason = input.reason == null ? '' : ellipsis(cleanText(input.reason), MAX_CLOSE_REASON);
    this.markClosed.run(now, input.closedBy, reason || null, ticket.id);
    const closed = this.requireTicket(guildId, threadId);
    this.closedListeners.announce(closed);
    return closed;
  }

  reopen(guildId: string, threadId: string): Ticket {
    const ticket = this.requireTicket(guildId, threadId);
    if (ticket.status === 'open') throw new UserError('This ticket is already open.');
    this.markOpen.run(ticket.id);
    return this.requireTicket(guildId, threadId);
  }

  /** Stores a message of the conversation; a message id seen before returns its turn (Discord can redeliver). */
  addTurn(ticketId: number, turn: NewTurn, now = Date.now()): Turn {
    const messageId = turn.messageId ?? null;
    return this.db.transaction(() => {
      const existing = messageId === null ? undefined : this.selectTurnByMessage.get(messageId);
      if (existing) return toTurn(existing);
      const row = this.insertTurn.get({
        ticket_id: ticketId,
        role: turn.role,
        author_id: turn.authorId ?? null,
        message_id: messageId,
        content: turn.content,
        ...sourceToColumns(turn.source),
        created_at: now,
      })!;
      return toTurn(row);
    })();
  }

  /** Finalises a turn (a streamed AI answer once complete, or once its Discord message exists). */
  updateTurn(turnId: number, patch: { content?: string; source?: AnswerSource; messageId?: string }): void {
    const row = this.selectTurn.get(turnId);
    if (!row) return;
    const source = patch.source ? sourceToColumns(patch.source) : row;
    this.updateTurnStmt.run({
      id: turnId,
      content: patch.content ?? row.content,
      message_id: patch.messageId ?? row.message_id,
      source_kind: source.source_kind,
      training_entry_id: source.training_entry_id,
      training_entry_ids: source.training_entry_ids,
      kb_entry_ids: source.kb_entry_ids,
      kb_passages: source.kb_passages,
      ai_model: source.ai_model,
      score: source.score,
      complete: source.complete,
      fallback_reason: source.fallback_reason,
    });
  }

  /** A message deleted in Discord leaves the conversation too; false when it was never stored. */
  deleteTurnByMessage(messageId: string): boolean {
    return this.deleteByMessage.run(messageId).changes > 0;
  }

  /** A message edited in Discord: the conversation shows the new text. */
  editTurnByMessage(messageId: string, content: string): boolean {
    return this.editByMessage.run(content, messageId).changes > 0;
  }

  /**
   * The latest turns, oldest first, whose content totals at most `maxChars`. The newest turn is
   * always included, cut from its start when it alone is too long (its end is what was just asked).
   */
  recentTurns(ticketId: number, maxChars: number): Turn[] {
    const picked: Turn[] = [];
    let used = 0;
    for (const row of this.turnsNewestFirst.iterate(ticketId)) {
      const turn = toTurn(row);
      if (picked.length === 0) {
        const content = keepEnd(turn.content, Math.max(0, maxChars));
        picked.push({ ...turn, content });
        used = content.length;
        continue;
      }
      if (used + turn.content.length > maxChars) break;
      picked.push(turn);
      used += turn.content.length;
    }
    return picked.reverse();
  }

  /** A turn of this guild by id, with its ticket; undefined for another guild's turn. */
  turnInGuild(guildId: string, turnId: number): TicketTurn | undefined {
    return this.withTicket(guildId, this.selectTurn.get(turnId));
  }

  /** The turn stored for a Discord message (a member's or staff message, or a bot answer's last part), in this guild. */
  turnOfMessage(guildId: string, messageId: string): TicketTurn | undefined {
    return this.withTicket(guildId, this.selectTurnByMessage.get(messageId));
  }

  /** The member's latest message before a turn: the question that turn answered. */
  questionBefore(ticketId: number, turnId: number): Turn | undefined {
    const row = this.selectQuestionBefore.get(ticketId, turnId);
    return row && toTurn(row);
  }

  /** The member's latest message stored at or before a time (for messages that are not turns). */
  questionAt(ticketId: number, at: number): Turn | undefined {
    const row = this.selectQuestionAt.get(ticketId, at);
    return row && toTurn(row);
  }

  /** The ticket's first turn (its first post), if any. */
  firstTurn(ticketId: number): Turn | undefined {
    const row = this.selectAllTurns.get(ticketId);
    return row && toTurn(row);
  }

  /** Every turn of a ticket, oldest first. */
  turns(ticketId: number): Turn[] {
    return this.selectAllTurns.all(ticketId).map(toTurn);
  }

  info(guildId: string, threadId: string): TicketInfo | undefined {
    const ticket = this.getByThread(guildId, threadId);
    if (!ticket) return undefined;
    const counts = { user: 0, bot: 0, staff: 0 };
    for (const { role, n } of this.roleCounts.all(ticket.id)) counts[role] = n;
    const last = this.lastBotTurn.get(ticket.id);
    return { ticket, counts, lastAnswer: last && toTurn(last) };
  }

  countOpen(guildId: string): number {
    return this.countOpenStmt.get(guildId)?.n ?? 0;
  }

  /** Every open ticket's thread in these servers, oldest first: what start-up compares with Discord. */
  openThreads(guildIds: readonly string[]): { guildId: string; threadId: string }[] {
    if (guildIds.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT guild_id, thread_id FROM tickets WHERE status = 'open' AND guild_id IN (${guildIds.map(() => '?').join(', ')}) ORDER BY id`)
      .all(...guildIds) as { guild_id: string; thread_id: string }[];
    return rows.map((r) => ({ guildId: r.guild_id, threadId: r.thread_id }));
  }

  private withTicket(guildId: string, row: TurnRow | undefined): TicketTurn | undefined {
    const ticket = row && this.selectGuildTicket.get(row.ticket_id, guildId);
    return ticket && row && { ticket: toTicket(ticket), turn: toTurn(row) };
  }

  private requireTicket(guildId: string, threadId: string): Ticket {
    const ticket = this.getByThread(guildId, threadId);
    if (!ticket) throw new UserError('This thread is not a ticket.');
    return ticket;
  }
}
