import type { KnowledgeStore } from '../knowledge/store.js';
import type { AnswerSource, Ticket, TicketStore, Turn } from '../tickets/store.js';
import type { TrainingStore } from '../training/store.js';

export interface Transcript {
  ticket: Ticket;
  fileName: string;
  markdown: string;
}

/** How names and entries are shown; the Discord layer knows members' names, the core only ids. */
export interface TranscriptNames {
  /** A member's display name, if known. */
  user?: (userId: string) => string | undefined;
  bot?: string;
}

const ROLE_LABELS = { user: 'member', bot: 'bot', staff: 'staff' } as const;

/** "2025-03-01 14:05:09 UTC": unambiguous for staff anywhere. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'ticket'
  );
}

/**
 * A ticket as a Markdown document: who said what and when, and where each bot answer came from
 * (a trained answer, a knowledge-base entry, the AI and what it was given, or the hand-off to
 * staff), for the log channel and for staff on demand.
 */
export class Transcripts {
  constructor(
    private readonly deps: { tickets: TicketStore; knowledge: KnowledgeStore; training: TrainingStore },
  ) {}

  /** undefined when the thread is not a ticket of this guild. */
  build(guildId: string, threadId: string, names: TranscriptNames = {}): Transcript | undefined {
    const ticket = this.deps.tickets.getByThread(guildId, threadId);
    if (!ticket) return undefined;
    const turns = this.deps.tickets.turns(ticket.id);
    const markdown = [...this.header(ticket, turns, names), ...turns.flatMap((turn) => this.turnLines(ticket, turn, names))].join('\n');
    return { ticket, fileName: `ticket-${ticket.id}-${slug(ticket.subject)}.md`, markdown: `${markdown.trimEnd()}\n` };
  }

  private header(ticket: Ticket, turns: Turn[], names: TranscriptNames): string[] {
    const count = (role: Turn['role']) => turns.filter((t) => t.role === role).length;
    const lines = [
      `# Ticket #${ticket.id}: ${ticket.subject}`,
      '',
      `- Opened by ${this.person(ticket.ownerId, names)} on ${formatUtc(ticket.openedAt)}`,
      ticket.status === 'closed' && ticket.closedAt !== null
        ? `- Closed on ${formatUtc(ticket.closedAt)}${ticket.closedBy ? ` by ${this.person(ticket.closedBy, names)}` : ''}${ticket.closeReason ? ` (reason: ${ticket.closeReason})` : ''}`
        : '- Still open',
      `- Messages: ${count('user')} from the member, ${count('bot')} from the bot, ${count('staff')} from staff`,
      `- Thread id: ${ticket.threadId}`,
      '',
      '---',
      '',
    ];
    return lines;
  }

  private turnLines(ticket: Ticket, turn: Turn, names: TranscriptNames): string[] {
    const who =
      turn.role === 'bot' ? (names.bot ?? 'Support bot') : turn.authorId ? this.person(turn.authorId, names) : ROLE_LABELS[turn.role];
    const lines = [`### ${who} (${ROLE_LABELS[turn.role]}) · ${formatUtc(turn.createdAt)}`];
    if (turn.role === 'bot' && turn.source) lines.push(`*Source: ${this.describeSource(ticket.guildId, turn.source)}*`);
    lines.push('', turn.content, '');
    return lines;
  }

  private person(userId: string, names: TranscriptNames): string {
    const name = names.user?.(userId);
    return name ? `${name} (${userId})` : userId;
  }

  /** Where an answer came from, in words, naming the entries that still exist. */
  private describeSource(guildId: string, source: AnswerSource): string {
    switch (source.kind) {
      case 'trained':
        return `trained answer ${this.trainedLabels(guildId, [source.trainingEntryId])[0]!} (match score ${source.score.toFixed(2)})`;
      case 'knowledge': {
        const from =
          source.trainingEntryId !== undefined
            ? `trained answer ${this.trainedLabels(guildId, [source.trainingEntryId])[0]!}`
            : `knowledge base ${this.kbLabels(guildId, source.kbEntryIds).join(', ')}`;
        return `${from}, shown while the AI was unavailable`;
      }
      case 'ai': {
        const context = [
          ...this.trainedLabels(guildId, source.trainingEntryIds).map((label) => `trained answer ${label}`),
          ...this.kbLabels(guildId, source.kbEntryIds).map((label) => `knowledge base ${label}`),
        ];
        const given = context.length ? `given ${context.join('; ')}` : 'no trained or knowledge-base entry was close enough to give it';
        return `the AI (${source.model || 'unknown model'}), ${given}${source.complete ? '' : '; cut off before it finished'}`;
      }
      case 'fallback':
        return `no answer found; handed to staff (AI failure: ${source.reason || 'unknown'})`;
    }
  }

  private trainedLabels(guildId: string, ids: number[]): string[] {
    const entries = new Map(this.deps.training.getMany(guildId, ids).map((e) => [e.id, e]));
    return ids.map((id) => {
      const entry = entries.get(id);
      return entry ? `#${id} “${entry.question.replace(/\s+/g, ' ').slice(0, 80)}”` : `#${id} (since deleted)`;
    });
  }

  private kbLabels(guildId: string, ids: number[]): string[] {
    const found = new Map(this.deps.knowledge.getEntriesWithBase(guildId, ids).map((f) => [f.entry.id, f]));
    return ids.map((id) => {
      const hit = found.get(id);
      return hit ? `“${hit.kbName}” › “${hit.entry.title}” (entry #${id})` : `entry #${id} (since deleted)`;
    });
  }
}
