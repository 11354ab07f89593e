import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import type { APIApplicationCommand, APIApplicationCommandOption } from 'discord-api-types/v10';
import { contentTypeFor, MAX_FILE_BYTES } from './message-input.js';
import { toAPIChannel, toAPIMember, toAPIRole, toAPIUser } from './model.js';
import type { World } from './world.js';

/**
 * A slash command's options as Discord's client sends them: the values a member typed, checked against the
 * *registered* definition (type, length, range, choices, channel_types), nested under the subcommand path,
 * with `resolved` filled for users, members, roles, channels and uploads.
 */

/** A file a member attaches to an `attachment` option. */
export interface AttachmentUpload {
  filename: string;
  data: Buffer | string;
  contentType?: string;
}

export type OptionValue = string | number | boolean | AttachmentUpload;

type Resolved = Record<'users' | 'members' | 'roles' | 'channels' | 'attachments', Record<string, unknown>>;
const isUpload = (v: unknown): v is AttachmentUpload => typeof v === 'object' && v !== null && 'filename' in v && 'data' in v;

export function buildOptions(
  world: World,
  command: APIApplicationCommand,
  path: string[],
  values: Record<string, OptionValue>,
  guildId: string,
  focused: string | undefined,
): { options: unknown[]; resolved: Resolved | undefined } {
  let defs = (command.options ?? []) as APIApplicationCommandOption[];
  const chain: APIApplicationCommandOption[] = [];
  for (const segment of path) {
    const sub = defs.find(
      (o) => o.name === segment && (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup),
    );
    if (!sub) throw new Error(`/${command.name} has no subcommand "${segment}"`);
    chain.push(sub);
    defs = ('options' in sub ? sub.options : []) as APIApplicationCommandOption[];
  }
  if (defs.some((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup)) {
    throw new Error(`/${command.name} needs a subcommand`);
  }
  const resolved: Resolved = { users: {}, members: {}, roles: {}, channels: {}, attachments: {} };
  const leaf: unknown[] = [];
  for (const [name, value] of Object.entries(values)) {
    const def = defs.find((o) => o.name === name);
    if (!def) throw new Error(`/${command.name} has no option "${name}"`);
    const isFocused = focused === name;
    leaf.push({ name, type: def.type, value: isFocused ? String(value) : optionValue(world, def, value, guildId, resolved), ...(isFocused ? { focused: true } : {}) });
  }
  if (focused === undefined) {
    for (const def of defs) {
      if ('required' in def && def.required && !(def.name in values)) throw new Error(`/${command.name}: required option "${def.name}" missing`);
    }
  } else if (!(focused in values)) {
    throw new Error(`autocomplete: focused option "${focused}" needs a value (the partial text)`);
  }
  let options: unknown[] = leaf;
  for (const sub of [...chain].reverse()) options = [{ name: sub.name, type: sub.type, options }];
  const used = Object.values(resolved).some((r) => Object.keys(r).length > 0);
  return { options, resolved: used ? resolved : undefined };
}

/** Checks a value as Discord's client would before sending, and fills `resolved` for ids and uploads. */
function optionValue(world: World, def: APIApplicationCommandOption, value: OptionValue, guildId: string, resolved: Resolved): unknown {
  const w = world;
  const fail = (why: string): never => {
    throw new Error(`option "${def.name}": ${why}`);
  };
  const d = def as unknown as Record<string, unknown>;
  switch (def.type) {
    case ApplicationCommandOptionType.String: {
      if (typeof value !== 'string') fail('expects a string');
      const s = value as string;
      if (typeof d.min_length === 'number' && s.length < d.min_length) fail(`shorter than min_length ${d.min_length}`);
      if (s.length > (typeof d.max_length === 'number' ? d.max_length : 6000)) fail('longer than max_length');
      if (Array.isArray(d.choices) && !d.choices.some((c: { value: unknown }) => c.value === s)) fail('not one of the choices');
      return s;
    }
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      if (typeof value !== 'number' || (def.type === ApplicationCommandOptionType.Integer && !Number.isInteger(value))) fail('expects a number');
      const n = value as number;
      if (typeof d.min_value === 'number' && n < d.min_value) fail(`below min_value ${d.min_value}`);
      if (typeof d.max_value === 'number' && n > d.max_value) fail(`above max_value ${d.max_value}`);
      if (Array.isArray(d.choices) && !d.choices.some((c: { value: unknown }) => c.value === n)) fail('not one of the choices');
      return n;
    }
    case ApplicationCommandOptionType.Boolean:
      if (typeof value !== 'boolean') fail('expects a boolean');
      return value;
    case ApplicationCommandOptionType.User:
    case ApplicationCommandOptionType.Mentionable: {
      const id = String(value);
      const role = w.guild(guildId).roles.get(id);
      if (role && def.type === ApplicationCommandOptionType.Mentionable) {
        resolved.roles[id] = toAPIRole(role);
        return id;
      }
      const user = w.users.get(id) ?? fail(`unknown user ${id}`);
      resolved.users[id] = toAPIUser(user);
      const member = w.guild(guildId).members.get(id);
      if (member) {
        const { user: _u, ...partial } = toAPIMember(member, user);
        resolved.members[id] = { ...partial, permissions: '0' };
      }
      return id;
    }
    case ApplicationCommandOptionType.Role: {
      const role = w.guild(guildId).roles.get(String(value)) ?? fail(`unknown role ${String(value)}`);
      resolved.roles[role.id] = toAPIRole(role);
      return role.id;
    }
    case ApplicationCommandOptionType.Channel: {
      const channel = w.channels.get(String(value));
      if (!channel || channel.deleted || channel.guildId !== guildId) fail(`unknown channel ${String(value)}`);
      const types = d.channel_types as number[] | undefined;
      if (types && !types.includes(channel!.type)) fail(`channel type ${channel!.type} is not one of channel_types ${types.join(',')}`);
      const api = toAPIChannel(channel!) as unknown as Record<string, unknown>;
      resolved.channels[channel!.id] = {
        id: api.id,
        name: api.name,
        type: api.type,
        permissions: w.permissionsIn(channel!, w.botUserId).toString(),
        parent_id: api.parent_id,
        flags: api.flags,
        ...(api.thread_metadata ? { thread_metadata: api.thread_metadata } : {}),
      };
      return channel!.id;
    }
    case ApplicationCommandOptionType.Attachment: {
      if (!isUpload(value)) fail('expects an upload { filename, data }');
      const upload = value as AttachmentUpload;
      const data = Buffer.isBuffer(upload.data) ? upload.data : Buffer.from(upload.data);
      if (data.length > MAX_FILE_BYTES) fail(`upload over ${MAX_FILE_BYTES} bytes: Discord's client refuses it`);
      const id = w.ids.next();
      const url = `${w.baseUrl()}/ephemeral-attachments/${w.applicationId}/${id}/${encodeURIComponent(upload.filename)}`;
      const contentType = contentTypeFor(upload.filename, upload.contentType);
      w.attachments.set(id, { id, filename: upload.filename, contentType, size: data.length, url, data });
      resolved.attachments[id] = { id, filename: upload.filename, size: data.length, url, proxy_url: url, content_type: contentType, ephemeral: true };
      return id;
    }
    default:
      return fail(`unsupported option type ${def.type}`);
  }
}
