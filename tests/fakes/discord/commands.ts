import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord-api-types/v10';
import type { APIApplicationCommand, APIApplicationCommandOption } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, FormErrors } from './errors.js';
import type { SnowflakeGenerator } from './snowflake.js';

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_COMMANDS_PER_TYPE = { [ApplicationCommandType.ChatInput]: 100, [ApplicationCommandType.User]: 15, [ApplicationCommandType.Message]: 15 } as Record<number, number>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
type Path = (string | number)[];

function checkName(name: unknown, path: Path, errors: FormErrors, lowercase: boolean): void {
  if (!errors.required([...path, 'name'], name)) return;
  const s = String(name);
  if (!NAME.test(s) || (lowercase && s !== s.toLowerCase())) {
    errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

function checkDescription(description: unknown, path: Path, errors: FormErrors): void {
  if (!errors.required([...path, 'description'], description)) return;
  errors.lengthBetween([...path, 'description'], String(description), 1, 100);
}

function checkOptions(options: unknown, path: Path, errors: FormErrors, depth: number): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) return errors.add(path, 'BASE_TYPE_LIST', 'Must be an array.');
  errors.maxLength(path, options, 25);
  const names = new Set<string>();
  let sawOptional = false;
  const kinds = new Set<'sub' | 'value'>();
  options.forEach((raw, i) => {
    const p = [...path, i];
    if (!isObject(raw)) return errors.add(p, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    const type = Number(raw.type);
    if (!(type >= 1 && type <= 11)) errors.add([...p, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of the option types.');
    checkName(raw.name, p, errors, true);
    checkDescription(raw.description, p, errors);
    if (typeof raw.name === 'string') {
      if (names.has(raw.name)) errors.add([...p, 'name'], 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option name already exists');
      names.add(raw.name);
    }
    const isSub = type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup;
    kinds.add(isSub ? 'sub' : 'value');
    if (isSub) {
      if (depth >= 2 || (type === ApplicationCommandOptionType.SubcommandGroup && depth >= 1)) {
        errors.add([...p, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Subcommands cannot be nested this deep');
      }
      checkOptions(raw.options, [...p, 'options'], errors, depth + 1);
      return;
    }
    if (raw.required === true && sawOptional) {
      errors.add([...p, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    }
    if (raw.required !== true) sawOptional = true;
    if (Array.isArray(raw.choices)) {
      errors.maxLength([...p, 'choices'], raw.choices, 25);
      if (raw.autocomplete === true) {
        errors.add([...p, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Autocomplete cannot be set with choices');
      }
      raw.choices.forEach((c, j) => {
        if (!isObject(c)) return;
        errors.lengthBetween([...p, 'choices', j, 'name'], typeof c.name === 'string' ? c.name : '', 1, 100);
        if (typeof c.value === 'string') errors.maxLength([...p, 'choices', j, 'value'], c.value, 100);
      });
    }
    for (const key of ['min_length', 'max_length'] as const) {
      const v = raw[key];
      if (v !== undefined && (typeof v !== 'number' || v < (key === 'min_length' ? 0 : 1) || v > 6000)) {
        errors.add([...p, key], 'NUMBER_TYPE_MAX', `${key} must be between ${key === 'min_length' ? 0 : 1} and 6000.`);
      }
    }
  });
  if (kinds.size > 1) errors.add(path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
}

/** Checks one command body as Discord does; errors are reported under `path`. */
function checkCommand(raw: unknown, path: Path, errors: FormErrors): void {
  if (!isObject(raw)) return errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
  const type = Number(raw.type ?? ApplicationCommandType.ChatInput);
  const chatInput = type === ApplicationCommandType.ChatInput;
  if (chatInput) {
    checkName(raw.name, path, errors, true);
    checkDescription(raw.description, path, errors);
  } else {
    if (errors.required([...path, 'name'], raw.name)) errors.lengthBetween([...path, 'name'], String(raw.name), 1, 32);
    if (raw.description) errors.add([...path, 'description'], 'APPLICATION_COMMAND_INVALID_DESCRIPTION', 'Context menu commands cannot have a description');
  }
  checkOptions(raw.options, [...path, 'options'], errors, 0);
  const dmp = raw.default_member_permissions;
  if (dmp !== undefined && dmp !== null && !(typeof dmp === 'string' && /^\d+$/.test(dmp))) {
    errors.add([...path, 'default_member_permissions'], 'BASE_TYPE_STRING', 'Must be a permission bitfield string.');
  }
  const size = JSON.stringify({ n: raw.name, d: raw.description, o: raw.options ?? [] }).length;
  if (size > 8000) errors.add(path, 'APPLICATION_COMMAND_TOO_LARGE', 'Command exceeds maximum size (8000)');
}

/** Registered application commands, global and per guild, as PUT/POST/PATCH/DELETE leave them. */
export class CommandStore {
  private readonly scopes = new Map<string, APIApplicationCommand[]>();

  constructor(
    private readonly applicationId: string,
    private readonly ids: SnowflakeGenerator,
  ) {}

  list(guildId?: string): APIApplicationCommand[] {
    return this.scopes.get(guildId ?? 'global') ?? [];
  }

  /**
   * The app removed from a server: its commands there go with it, and a re-invite brings none back (the app's
   * integration is deleted: audit log INTEGRATION_DELETE, "App was removed from server", resources/audit-log.mdx).
   * *Undocumented* as such: discordjs/discord.js#10321 ("Kicking the bot from its dev guild and inviting it again drops
   * the slash commands"; a maintainer: "This is expected behaviour"), JustHumanz/Go-Simp#286. Global commands belong to
   * the application and stay.
   */
  dropGuild(guildId: string): void {
    this.scopes.delete(guildId);
  }

  /** The command a member would see in `guildId`: a guild command first, else a global one. */
  find(name: string, guildId: string, type: ApplicationCommandType = ApplicationCommandType.ChatInput): APIApplicationCommand | undefined {
    const match = (c: APIApplicationCommand) => c.name === name && c.type === type;
    return this.list(guildId).find(match) ?? this.list().find(match);
  }

  get(id: string, guildId?: string): APIApplicationCommand {
    const cmd = this.list(guildId).find((c) => c.id === id);
    if (!cmd) throw new DiscordHttpError(404, ErrorCode.UnknownApplicationCommand, 'Unknown application command');
    return cmd;
  }

  /** PUT: replaces the whole list; a command keeps its id when its name and type are unchanged. */
  overwrite(raw: unknown, guildId?: string): APIApplicationCommand[] {
    const errors = new FormErrors();
    if (!Array.isArray(raw)) {
      errors.add([], 'BASE_TYPE_LIST', 'Must be an array.');
      errors.throwIfAny();
    }
    const list = raw as unknown[];
    list.forEach((c, i) => checkCommand(c, [i], errors));
    const seen = new Map<string, number>();
    list.forEach((c, i) => {
      if (!isObject(c)) return;
      const key = `${c.type ?? 1}:${String(c.name)}`;
      if (seen.has(key)) errors.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
      seen.set(key, i);
    });
    for (const [type, max] of Object.entries(MAX_COMMANDS_PER_TYPE)) {
      const count = list.filter((c) => isObject(c) && Number(c.type ?? 1) === Number(type)).length;
      if (count > max) errors.add([], 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
    errors.throwIfAny();
    const before = this.list(guildId);
    const next = list.map((c) => {
      const body = c as Record<string, unknown>;
      const old = before.find((o) => o.name === body.name && o.type === Number(body.type ?? 1));
      return this.build(body, guildId, old?.id);
    });
    this.scopes.set(guildId ?? 'global', next);
    return next;
  }

  /** POST: creates, or overwrites the command with the same name and type. */
  upsert(raw: unknown, guildId?: string): { command: APIApplicationCommand; created: boolean } {
    const errors = new FormErrors();
    checkCommand(raw, [], errors);
    errors.throwIfAny();
    const body = raw as Record<string, unknown>;
    const list = [...this.list(guildId)];
    const index = list.findIndex((o) => o.name === body.name && o.type === Number(body.type ?? 1));
    const command = this.build(body, guildId, index >= 0 ? list[index]!.id : undefined);
    if (index >= 0) list[index] = command;
    else list.push(command);
    this.scopes.set(guildId ?? 'global', list);
    return { command, created: index < 0 };
  }

  edit(id: string, raw: unknown, guildId?: string): APIApplicationCommand {
    const old = this.get(id, guildId);
    const merged = { ...old, ...(isObject(raw) ? raw : {}) };
    const errors = new FormErrors();
    checkCommand(merged, [], errors);
    errors.throwIfAny();
    const command = this.build(merged, guildId, id);
    this.scopes.set(guildId ?? 'global', this.list(guildId).map((c) => (c.id === id ? command : c)));
    return command;
  }

  remove(id: string, guildId?: string): void {
    this.get(id, guildId);
    this.scopes.set(guildId ?? 'global', this.list(guildId).filter((c) => c.id !== id));
  }

  private build(body: Record<string, unknown>, guildId: string | undefined, id: string | undefined): APIApplicationCommand {
    const type = Number(body.type ?? ApplicationCommandType.ChatInput) as ApplicationCommandType;
    return {
      id: id ?? this.ids.next(),
      application_id: this.applicationId,
      version: this.ids.next(),
      type,
      name: String(body.name),
      name_localizations: (body.name_localizations as never) ?? null,
      description: type === ApplicationCommandType.ChatInput ? String(body.description) : '',
      description_localizations: (body.description_localizations as never) ?? null,
      default_member_permissions: (body.default_member_permissions as string | null | undefined) ?? null,
      nsfw: body.nsfw === true,
      contexts: (body.contexts as never) ?? null,
      integration_types: (body.integration_types as never) ?? [0],
      ...(guildId ? { guild_id: guildId } : {}),
      ...(Array.isArray(body.options) && body.options.length ? { options: body.options as APIApplicationCommandOption[] } : {}),
    } as APIApplicationCommand;
  }
}
