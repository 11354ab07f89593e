import type { Db } from '../../db/database.js';
import type { TicketStore } from '../tickets/store.js';
import { TicketClaims } from './claims.js';
import { CloseRequests } from './close-requests.js';
import { DeskSettingsStore } from './desk-settings.js';
import { TicketLimits } from './limits.js';
import { TicketRatings } from './ratings.js';
import { TicketTypeStore } from './ticket-types.js';

/** The ticket desk around the tickets: types, desk settings, limits, claims, close requests and ratings. */
export class TicketDesk {
  readonly types: TicketTypeStore;
  readonly settings: DeskSettingsStore;
  readonly limits: TicketLimits;
  readonly claims: TicketClaims;
  readonly ratings: TicketRatings;
  readonly closeRequests: CloseRequests;

  constructor(db: Db, tickets: TicketStore) {
    this.types = new TicketTypeStore(db);
    this.settings = new DeskSettingsStore(db);
    this.limits = new TicketLimits(db);
    this.claims = new TicketClaims(db, tickets);
    this.ratings = new TicketRatings(db);
    this.closeRequests = new CloseRequests(db, this.claims);
  }

  /**
   * Whether the member who opened this closed ticket is asked by DM to rate the help: not when the
   * server turned the rating DM off (`/ticket_settings rating_dm`), nor when the ticket is already
   * rated (the close-request form rates before it closes).
   */
  surveyDue(guildId: string, ticketId: number): boolean {
    return this.settings.get(guildId).ratingDm && this.ratings.ratingOf(ticketId) === undefined;
  }
}
