import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { UserError } from '../errors.js';
import { parseSupportHours, type SupportHours } from './support-hours.js';

/** A server's ticket-desk settings beyond /setup. Defaults apply until staff change them. */
export interface DeskSettings {
  guildId: string;
  /** The text channel whose private threads hold private tickets. */
  privateChannelId: string | null;
  /** Open tickets one member may have at once (0 = no limit). */
  maxOpenPerMember: number;
  /** Seconds a member waits between opening two tickets (0 = none). */
  cooldownSeconds: number;
  /** The opening hours as staff wrote them, and the parsed form; null = always staffed. */
  supportHoursText: string | null;
  supportHours: SupportHours | null;
  /** Whether a member is asked by DM to rate the help after their ticket closes (default true). */
  ratingDm: boolean;
}

interface Row {
  guild_id: string;
  private_channel_id: string | null;
  max_open_per_member: number;
  cooldown_seconds: number;
  support_hours: string | null;
  time_zone: string | null;
  rating_dm: number;
}

export const DESK_DEFAULTS = { maxOpenPerMember: 3, cooldownSeconds: 0 } as const;
export const DESK_LIMITS = { maxOpenPerMember: 50, cooldownSeconds: 86_400 } as const;

function toSettings(guildId: string, row: Row | undefined): DeskSettings {
  const text = row?.support_hours ?? null;
  return {
    guildId,
    privateChannelId: row?.private_channel_id ?? null,
    maxOpenPerMember: row?.max_open_per_member ?? DESK_DEFAULTS.maxOpenPerMember,
    cooldownSeconds: row?.cooldown_seconds ?? DESK_DEFAULTS.cooldownSeconds,
    supportHoursText: text,
    supportHours: text && row?.time_zone ? parseSupportHours(text, row.time_zone) : null,
    ratingDm: row ? row.rating_dm !== 0 : true,
  };
}

export interface DeskSettingsPatch {
  privateChannelId?: string | null;
  maxOpenPerMember?: number;
  cooldownSeconds?: number;
  /** Both together; null turns support hours off. */
  supportHours?: { text: string; timeZone: string } | null;
  ratingDm?: boolean;
}

export class DeskSettingsStore {
  private readonly selectOne: Statement<[string], Row>;
  private readonly upsert: Statement<[Row & { updated_at: number }]>;

  constructor(db: Db) {
    this.selectOne = db.prepare('SELECT * FROM ticket_desk_settings WHERE guild_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO ticket_desk_settings (guild_id, private_channel_id, max_open_per_member, cooldown_seconds, support_hours, time_zone, rating_dm, updated_at)
       VALUES (@guild_id, @private_channel_id, @max_open_per_member, @cooldown_seconds, @support_hours, @time_zone, @rating_dm, @updated_at)
       ON CONFLICT (guild_id) DO UPDATE SET private_channel_id = excluded.private_channel_id,
         max_open_per_member = excluded.max_open_per_member, cooldown_seconds = excluded.cooldown_seconds,
         support_hours = excluded.support_hours, time_zone = excluded.time_zone, rating_dm = excluded.rating_dm, updated_at = excluded.updated_at`,
    );
  }

  get(guildId: string): DeskSettings {
    return toSettings(guildId, this.selectOne.get(guildId));
  }

  /** Applies the given fields after checking all of them: a bad value changes nothing. */
  update(guildId: string, patch: DeskSettingsPatch, now = Date.now()): DeskSettings {
    const row = this.selectOne.get(guildId);
    const current = toSettings(guildId, row);
    const max = patch.maxOpenPerMember ?? current.maxOpenPerMember;
    if (!Number.isInteger(max) || max < 0 || max > DESK_LIMITS.maxOpenPerMember) {
      throw new UserError(`The open-ticket limit must be a whole number from 0 (no limit) to ${DESK_LIMITS.maxOpenPerMember}.`);
    }
    const cooldown = patch.cooldownSeconds ?? current.cooldownSeconds;
    if (!Number.isInteger(cooldown) || cooldown < 0 || cooldown > DESK_LIMITS.cooldownSeconds) {
      throw new UserError(`The cooldown must be from 0 to ${DESK_LIMITS.cooldownSeconds} seconds (one day).`);
    }
    let hoursText = row?.support_hours ?? null;
    let zone = row?.time_zone ?? null;
    if (patch.supportHours !== undefined) {
      if (patch.supportHours === null) hoursText = zone = null;
      else {
        const parsed = parseSupportHours(patch.supportHours.text, patch.supportHours.timeZone); // throws on bad input
        hoursText = patch.supportHours.text.trim();
        zone = parsed.timeZone;
      }
    }
    this.upsert.run({
      guild_id: guildId,
      private_channel_id: patch.privateChannelId !== undefined ? patch.privateChannelId : current.privateChannelId,
      max_open_per_member: max,
      cooldown_seconds: cooldown,
      support_hours: hoursText,
      time_zone: zone,
      rating_dm: (patch.ratingDm ?? current.ratingDm) ? 1 : 0,
      updated_at: now,
    });
    return this.get(guildId);
  }
}
