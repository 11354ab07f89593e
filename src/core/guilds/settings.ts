import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';

/** Where a server's tickets live and who answers them, as chosen with the setup command. */
export interface GuildSettings {
  guildId: string;
  forumChannelId: string | null;
  staffRoleId: string | null;
  logChannelId: string | null;
  /** Forum tag ids applied as a ticket moves through its states. */
  tags: { open: string | null; answered: string | null; needsStaff: string | null; closed: string | null };
}

interface SettingsRow {
  guild_id: string;
  forum_channel_id: string | null;
  staff_role_id: string | null;
  log_channel_id: string | null;
  tag_open: string | null;
  tag_answered: string | null;
  tag_needs_staff: string | null;
  tag_closed: string | null;
}

const toSettings = (row: SettingsRow): GuildSettings => ({
  guildId: row.guild_id,
  forumChannelId: row.forum_channel_id,
  staffRoleId: row.staff_role_id,
  logChannelId: row.log_channel_id,
  tags: { open: row.tag_open, answered: row.tag_answered, needsStaff: row.tag_needs_staff, closed: row.tag_closed },
});

export class GuildSettingsStore {
  private readonly selectOne: Statement<[string], SettingsRow>;
  private readonly upsert: Statement<[SettingsRow & { updated_at: number }]>;

  constructor(db: Db) {
    this.selectOne = db.prepare('SELECT * FROM guild_settings WHERE guild_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO guild_settings (guild_id, forum_channel_id, staff_role_id, log_channel_id, tag_open, tag_answered, tag_needs_staff, tag_closed, updated_at)
       VALUES (@guild_id, @forum_channel_id, @staff_role_id, @log_channel_id, @tag_open, @tag_answered, @tag_needs_staff, @tag_closed, @updated_at)
       ON CONFLICT (guild_id) DO UPDATE SET
         forum_channel_id = excluded.forum_channel_id, staff_role_id = excluded.staff_role_id, log_channel_id = excluded.log_channel_id,
         tag_open = excluded.tag_open, tag_answered = excluded.tag_answered, tag_needs_staff = excluded.tag_needs_staff,
         tag_closed = excluded.tag_closed, updated_at = excluded.updated_at`,
    );
  }

  /** undefined until the server has been set up. */
  get(guildId: string): GuildSettings | undefined {
    const row = this.selectOne.get(guildId);
    return row && toSettings(row);
  }

  /** Replaces the server's settings as a whole. */
  save(settings: GuildSettings, now = Date.now()): GuildSettings {
    this.upsert.run({
      guild_id: settings.guildId,
      forum_channel_id: settings.forumChannelId,
      staff_role_id: settings.staffRoleId,
      log_channel_id: settings.logChannelId,
      tag_open: settings.tags.open,
      tag_answered: settings.tags.answered,
      tag_needs_staff: settings.tags.needsStaff,
      tag_closed: settings.tags.closed,
      updated_at: now,
    });
    return this.get(settings.guildId)!;
  }
}
