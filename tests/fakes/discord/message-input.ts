import { ComponentType, MessageFlags } from 'discord-api-types/v10';
import type { APIAllowedMentions, APIEmbed } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, FormErrors } from './errors.js';

/** A file part of a multipart/form-data request (`files[n]`). */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface NewAttachment {
  filename: string;
  description?: string;
  contentType: string;
  data: Buffer;
}

export interface MessageReferenceInput {
  message_id?: string;
  channel_id?: string;
  guild_id?: string;
  fail_if_not_exists?: boolean;
}

/** A checked message body (create or edit). Fields left undefined were not sent. */
export interface MessageInput {
  content?: string;
  embeds?: APIEmbed[];
  components?: unknown[];
  allowedMentions?: APIAllowedMentions;
  flags?: number;
  tts?: boolean;
  nonce?: string | number;
  /** Create Message's `enforce_nonce`: with a nonce, a repeat returns the first message (message-nonces.ts). */
  enforceNonce?: boolean;
  messageReference?: MessageReferenceInput;
  stickerIds?: string[];
  newAttachments: NewAttachment[];
  /** Ids of existing attachments to keep (edits); undefined keeps them all. */
  keepAttachmentIds?: string[];
}

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MAX_FILES = 10;
const SETTABLE_FLAGS =
  MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

const EXTENSION_TYPES: Record<string, string> = {
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

/** Discord derives content_type from the file name when the upload says nothing useful. */
export function contentTypeFor(filename: string, declared?: string): string {
  if (declared && declared !== 'application/octet-stream') return declared;
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  return EXTENSION_TYPES[ext] ?? declared ?? 'application/octet-stream';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a message body against Discord's limits; throws 400 50035 with the errors tree on any violation. */
export function parseMessageBody(raw: unknown, files: UploadedFile[], prefix: (string | number)[] = []): MessageInput {
  const errors = new FormErrors();
  if (!isObject(raw)) {
    errors.add(prefix, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    errors.throwIfAny();
  }
  const body = raw as Record<string, unknown>;
  const input: MessageInput = { newAttachments: [] };

  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string') errors.add([...prefix, 'content'], 'BASE_TYPE_STRING', 'Could not interpret value as string.');
    else {
      errors.maxLength([...prefix, 'content'], body.content, 2000);
      input.content = body.content;
    }
  } else if (body.content === null) input.content = '';

  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds)) errors.add([...prefix, 'embeds'], 'BASE_TYPE_LIST', 'Must be an array.');
    else {
      checkEmbeds(body.embeds, [...prefix, 'embeds'], errors);
      input.embeds = body.embeds as APIEmbed[];
    }
  } else if (body.embeds === null) input.embeds = [];

  if (body.components !== undefined && body.components !== null) {
    if (!Array.isArray(body.components)) errors.add([...prefix, 'components'], 'BASE_TYPE_LIST', 'Must be an array.');
    else {
      const v2 = typeof body.flags === 'number' && (body.flags & MessageFlags.IsComponentsV2) !== 0;
      checkComponents(body.components, [...prefix, 'components'], errors, v2);
      input.components = body.components;
    }
  } else if (body.components === null) input.components = [];

  if (body.allowed_mentions !== undefined && body.allowed_mentions !== null) {
    input.allowedMentions = checkAllowedMentions(body.allowed_mentions, [...prefix, 'allowed_mentions'], errors);
  }
  if (typeof body.flags === 'number') input.flags = body.flags & SETTABLE_FLAGS;
  if (typeof body.tts === 'boolean') input.tts = body.tts;
  if (typeof body.nonce === 'string' || typeof body.nonce === 'number') {
    // "integer or string … (up to 25 characters)": discord-api-docs resources/message.mdx, Create Message.
    errors.maxLength([...prefix, 'nonce'], String(body.nonce), 25);
    input.nonce = body.nonce;
  }
  if (body.enforce_nonce === true) input.enforceNonce = true;
  if (isObject(body.message_reference)) input.messageReference = body.message_reference as MessageReferenceInput;
  if (Array.isArray(body.sticker_ids)) {
    errors.maxLength([...prefix, 'sticker_ids'], body.sticker_ids, 3);
    input.stickerIds = body.sticker_ids.map(String);
  }

  mapAttachments(body.attachments, files, [...prefix, 'attachments'], errors, input);
  errors.throwIfAny();
  return input;
}

/** Matches `attachments: [{ id, filename?, description? }]` to the uploaded `files[id]` parts. */
function mapAttachments(
  raw: unknown,
  files: UploadedFile[],
  path: (string | number)[],
  errors: FormErrors,
  input: MessageInput,
): void {
  const byField = new Map(files.map((f) => [f.field, f]));
  const used = new Set<string>();
  if (Array.isArray(raw)) {
    input.keepAttachmentIds = [];
    raw.forEach((entry, i) => {
      if (!isObject(entry)) return;
      const id = String(entry.id);
      const file = byField.get(`files[${id}]`);
      if (typeof entry.description === 'string') errors.maxLength([...path, i, 'description'], entry.description, 1024);
      if (file) {
        used.add(file.field);
        const filename = typeof entry.filename === 'string' ? entry.filename : file.filename;
        input.newAttachments.push(newAttachment(file, filename, entry.description));
      } else {
        input.keepAttachmentIds!.push(id);
      }
    });
  }
  for (const file of files) {
    if (!used.has(file.field) && /^files\[\w+\]$|^file\d*$/.test(file.field)) {
      input.newAttachments.push(newAttachment(file, file.filename, undefined));
    }
  }
  if (input.newAttachments.length > MAX_FILES) errors.maxLength(path, input.newAttachments, MAX_FILES);
  for (const a of input.newAttachments) {
    if (a.data.length > MAX_FILE_BYTES) throw new DiscordHttpError(413, ErrorCode.RequestTooLarge, 'Request entity too large');
  }
}

function newAttachment(file: UploadedFile, filename: string, description: unknown): NewAttachment {
  return {
    filename,
    ...(typeof description === 'string' ? { description } : {}),
    contentType: contentTypeFor(filename, file.contentType),
    data: file.data,
  };
}

function checkEmbeds(embeds: unknown[], path: (string | number)[], errors: FormErrors): void {
  errors.maxLength(path, embeds, 10);
  let total = 0;
  embeds.forEach((e, i) => {
    const p = [...path, i];
    if (!isObject(e)) return errors.add(p, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const title = str(e.title);
    const description = str(e.description);
    errors.maxLength([...p, 'title'], title, 256);
    errors.maxLength([...p, 'description'], description, 4096);
    total += (title?.length ?? 0) + (description?.length ?? 0);
    if (isObject(e.footer)) {
      errors.maxLength([...p, 'footer', 'text'], str(e.footer.text), 2048);
      total += str(e.footer.text)?.length ?? 0;
    }
    if (isObject(e.author)) {
      errors.maxLength([...p, 'author', 'name'], str(e.author.name), 256);
      total += str(e.author.name)?.length ?? 0;
    }
    if (e.color !== undefined && e.color !== null && (typeof e.color !== 'number' || e.color < 0 || e.color > 0xffffff)) {
      errors.add([...p, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
    }
    if (Array.isArray(e.fields)) {
      errors.maxLength([...p, 'fields'], e.fields, 25);
      e.fields.forEach((f, j) => {
        const fp = [...p, 'fields', j];
        if (!isObject(f)) return;
        if (errors.required([...fp, 'name'], f.name)) errors.maxLength([...fp, 'name'], str(f.name), 256);
        if (errors.required([...fp, 'value'], f.value)) errors.maxLength([...fp, 'value'], str(f.value), 1024);
        total += (str(f.name)?.length ?? 0) + (str(f.value)?.length ?? 0);
      });
    }
  });
  if (total > 6000) errors.add(path, 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

function checkComponents(rows: unknown[], path: (string | number)[], errors: FormErrors, v2: boolean): void {
  const seen = new Set<string>();
  const checkCustomId = (c: Record<string, unknown>, p: (string | number)[]) => {
    if (typeof c.custom_id !== 'string') return;
    errors.lengthBetween([...p, 'custom_id'], c.custom_id, 1, 100);
    if (seen.has(c.custom_id)) errors.add([...p, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    seen.add(c.custom_id);
  };
  if (v2) {
    errors.maxLength(path, rows, 40);
    const walk = (node: unknown, p: (string | number)[]) => {
      if (!isObject(node)) return;
      checkCustomId(node, p);
      if (Array.isArray(node.components)) node.components.forEach((c, i) => walk(c, [...p, 'components', i]));
      if (isObject(node.accessory)) walk(node.accessory, [...p, 'accessory']);
    };
    rows.forEach((r, i) => walk(r, [...path, i]));
    return;
  }
  errors.maxLength(path, rows, 5);
  rows.forEach((row, i) => {
    const p = [...path, i];
    if (!isObject(row) || row.type !== ComponentType.ActionRow || !Array.isArray(row.components)) {
      return errors.add(p, 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
    }
    errors.maxLength([...p, 'components'], row.components, 5);
    if (row.components.length === 0) errors.add([...p, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    const selects = row.components.filter((c) => isObject(c) && c.type !== ComponentType.Button);
    if (selects.length > 0 && row.components.length > 1) {
      errors.add([...p, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    row.components.forEach((c, j) => {
      const cp = [...p, 'components', j];
      if (!isObject(c)) return;
      if (c.type === ComponentType.TextInput) {
        return errors.add([...cp, 'type'], 'COMPONENT_TYPE_INVALID', 'Text inputs are only allowed in modals');
      }
      checkCustomId(c, cp);
      if (c.type === ComponentType.Button) {
        errors.maxLength([...cp, 'label'], typeof c.label === 'string' ? c.label : undefined, 80);
        const isLink = c.style === 5;
        if (isLink && typeof c.url !== 'string') errors.add([...cp, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
        if (!isLink && c.style !== 6 && typeof c.custom_id !== 'string') {
          errors.add([...cp, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
        }
      } else if (c.type === ComponentType.StringSelect) {
        const options = Array.isArray(c.options) ? c.options : [];
        if (options.length < 1 || options.length > 25) {
          errors.add([...cp, 'options'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 25 in length.');
        }
        errors.maxLength([...cp, 'placeholder'], typeof c.placeholder === 'string' ? c.placeholder : undefined, 150);
      }
    });
  });
}

function checkAllowedMentions(raw: unknown, path: (string | number)[], errors: FormErrors): APIAllowedMentions | undefined {
  if (!isObject(raw)) {
    errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return undefined;
  }
  const parse = Array.isArray(raw.parse) ? raw.parse.map(String) : undefined;
  for (const [i, p] of (parse ?? []).entries()) {
    if (!['users', 'roles', 'everyone'].includes(p)) {
      errors.add([...path, 'parse', i], 'BASE_TYPE_CHOICES', 'Value must be one of {"users", "roles", "everyone"}.');
    }
  }
  const users = Array.isArray(raw.users) ? raw.users.map(String) : undefined;
  const roles = Array.isArray(raw.roles) ? raw.roles.map(String) : undefined;
  if (parse?.includes('users') && users?.length) {
    errors.add([...path, 'parse'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', 'parse:["users"] and users: [ids] are mutually exclusive.');
  }
  if (parse?.includes('roles') && roles?.length) {
    errors.add([...path, 'parse'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', 'parse:["roles"] and roles: [ids] are mutually exclusive.');
  }
  errors.maxLength([...path, 'users'], users, 100);
  errors.maxLength([...path, 'roles'], roles, 100);
  return {
    ...(parse ? { parse: parse as APIAllowedMentions['parse'] } : {}),
    ...(users ? { users } : {}),
    ...(roles ? { roles } : {}),
    ...(typeof raw.replied_user === 'boolean' ? { replied_user: raw.replied_user } : {}),
  };
}
