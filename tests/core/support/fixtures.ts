import type { Core } from '../../../src/core/core.js';
import type { Ticket } from '../../../src/core/tickets/store.js';
import { GUILD_A } from '../temp-db.js';

/** The member who opens the tickets. */
export const OWNER = '200000000000000001';
/** A staff member who answers them. */
export const STAFF = '200000000000000009';

let seq = 0;
/** An open ticket of OWNER's in `guildId`, on a thread of its own, opened at `now` (default: the real clock). */
export function openTicket(c: Core, guildId = GUILD_A, now?: number): Ticket {
  return c.tickets.open({ guildId, threadId: `30000000000000000${++seq}`, ownerId: OWNER, subject: 'Help' }, now);
}
