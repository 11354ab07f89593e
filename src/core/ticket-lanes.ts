import type { Logger } from '../log.js';
import { KeyedSerialQueue, TaskCancelled } from './keyed-serial-queue.js';
import type { Ticket, TicketStore } from './tickets/store.js';

/**
 * The responder's work, one lane per ticket: one answer at a time, in the order the messages came. Whatever closes a
 * ticket (TicketStore tells its closedListeners), its lane is cancelled: the messages waiting there are never answered
 * and the answer in progress gets its signal aborted (passed on to Ollama, which stops generating), so a closed
 * ticket holds none of the few AI slots other tickets wait for. Messages queued after the close (a reopened ticket)
 * run as usual.
 */
export class TicketLanes {
  private readonly queue = new KeyedSerialQueue();

  constructor(tickets: Pick<TicketStore, 'closedListeners'>, logger: Logger) {
    tickets.closedListeners.add((ticket) => {
      if (!this.queue.cancel(ticket.threadId, 'the ticket closed')) return;
      logger.info({ threadId: ticket.threadId }, 'a ticket closed while the bot was answering there: its waiting messages are not sent to the AI, and the answer in progress is stopped');
    });
  }

  /** Messages of this ticket queued or being answered. */
  size(ticket: Ticket): number {
    return this.queue.size(ticket.threadId);
  }

  totalSize(): number {
    return this.queue.totalSize();
  }

  /** Runs `task` in the ticket's lane; undefined when the ticket closed before it started, or the task says so. */
  run<T>(ticket: Ticket, task: (signal: AbortSignal) => Promise<T | undefined>): Promise<T | undefined> {
    return this.queue.run(ticket.threadId, task).catch((error: unknown) => {
      if (error instanceof TaskCancelled) return undefined;
      throw error;
    });
  }

  drain(timeoutMs: number): Promise<boolean> {
    return this.queue.drain(timeoutMs);
  }
}
