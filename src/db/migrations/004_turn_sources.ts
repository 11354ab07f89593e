import type { Migration } from '../migrate.js';

/**
 * The parts of an answer's source that migration 1 had no column for: every trained entry an
 * AI answer was given as context (not only the first), and why the bot fell back to its
 * "staff will follow up" message.
 */
export const turnSources: Migration = {
  version: 4,
  name: 'ticket turn source details',
  sql: `
    ALTER TABLE ticket_turns ADD COLUMN training_entry_ids TEXT; -- JSON array of ids used as context
    ALTER TABLE ticket_turns ADD COLUMN fallback_reason TEXT;
  `,
};
