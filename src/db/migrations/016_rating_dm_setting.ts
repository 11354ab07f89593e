import type { Migration } from '../migrate.js';

/**
 * Whether the bot asks a member, by DM, to rate the help after their ticket closes (`/ticket_settings rating_dm`).
 * On (1) by default, as before this setting: some servers do not want the bot to DM their members at all.
 */
export const ratingDmSetting: Migration = {
  version: 16,
  name: 'Desk setting: the rating DM after a close can be turned off',
  sql: `ALTER TABLE ticket_desk_settings ADD COLUMN rating_dm INTEGER NOT NULL DEFAULT 1;`,
};
