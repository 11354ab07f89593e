import { randomBytes } from 'node:crypto';
import { ComponentType, InteractionResponseType, InteractionType, MessageFlags, MessageType } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, FormErrors } from './errors.js';
import { InteractionHandle, type InteractionReply } from './interaction-handle.js';
import { parseMessageBody, type UploadedFile } from './message-input.js';
import type { DirectMessages } from './direct-messages.js';
import { editMessage, deleteMessage, sendMessage } from './messages.js';
import type { MessageRecord } from './model.js';
import { checkInteractionResponse } from './thread-activity.js';
import type { World } from './world.js';

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  guildId: string;
  channelId: string;
  userId: string;
  commandName: string;
  createdAt: number;
  /** The message a component (or a modal opened from one) sits on. */
  sourceMessageId?: string;
  expired: boolean;
  handle: InteractionHandle;
}

export interface ShownModal {
  userId: string;
  customId: string;
  modal: Record<string, unknown>;
  from: InteractionRecord;
}

/** Callback types each interaction type accepts. */
const ALLOWED_CALLBACKS: Record<number, number[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.ApplicationCommandAutocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

const unknownInteraction = () => new DiscordHttpError(404, ErrorCode.UnknownInteraction, 'Unknown interaction');

/** Interactions sent to the bot, their one callback (within the window) and their 15-minute webhook. */
export class Interactions {
  private readonly byId = new Map<string, InteractionRecord>();
  readonly shownModals: ShownModal[] = [];
  /** Set by the fake: clicks in a DM are answered in the DM channel, which is not a guild channel. */
  dms?: DirectMessages;

  constructor(
    private readonly world: World,
    private readonly responseWindowMs: () => number,
  ) {}

  create(input: Omit<InteractionRecord, 'id' | 'token' | 'createdAt' | 'expired' | 'handle'>): InteractionRecord {
    const id = this.world.ids.next();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString('base64url')}`;
    const record: InteractionRecord = {
      ...input,
      id,
      token,
      createdAt: Date.now(),
      expired: false,
      handle: new InteractionHandle(
        id,
        token,
        input.type,
        (mid) => this.world.messages.get(mid),
        (m, type) => this.view(m, type),
        () => {
          record.expired = true;
        },
      ),
    };
    this.byId.set(id, record);
    return record;
  }

  view(m: MessageRecord, type: number): InteractionReply {
    return {
      type,
      messageId: m.id,
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      flags: m.flags,
      ephemeral: m.ephemeralTo !== undefined,
      files: m.attachments.map((a) => ({ name: a.filename, data: a.data, contentType: a.contentType, url: a.url })),
      ...(m.allowedMentions ? { allowedMentions: m.allowedMentions } : {}),
      mentionsPinged: m.pinged,
    };
  }

  /** Records a refused request against the interaction it was for, so tests can see why. */
  noteRejection(id: string | undefined, token: string | undefined, req: { method: string; path: string }, err: DiscordHttpError): void {
    const rec = id ? this.byId.get(id) : [...this.byId.values()].find((r) => r.token === token);
    if (!rec) return;
    rec.handle.rejected.push({ ...req, status: err.status, code: err.code, message: err.message });
    rec.handle.notify();
  }

  // ---- POST /interactions/{id}/{token}/callback

  callback(id: string, token: string, raw: unknown, files: UploadedFile[]): { type: number; message?: MessageRecord } {
    const rec = this.byId.get(id);
    if (!rec || rec.token !== token) throw unknownInteraction();
    if (Date.now() - rec.createdAt > this.responseWindowMs()) throw unknownInteraction();
    if (rec.handle.acknowledged) {
      throw new DiscordHttpError(400, ErrorCode.AlreadyAcknowledged, 'Interaction has already been acknowledged.');
    }
    const body = isObject(raw) ? raw : {};
    const type = Number(body.type);
    if (!ALLOWED_CALLBACKS[rec.type]?.includes(type) || ((type === 6 || type === 7) && !rec.sourceMessageId)) {
      const errors = new FormErrors();
      errors.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Interaction response type ${type} is not valid for this interaction`);
      errors.throwIfAny();
    }
    const data = isObject(body.data) ? body.data : {};
    if (this.dms?.has(rec.channelId)) return this.dmCallback(rec, type, data, files);
    const channel = this.world.channel(rec.channelId);
    const link = { id: rec.id, type: rec.type, name: rec.commandName, userId: rec.userId };
    const messageType = rec.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default;
    const ephemeral = typeof data.flags === 'number' && (data.flags & MessageFlags.Ephemeral) !== 0;
    const asBot = { webhookId: this.world.applicationId, interaction: link, type: messageType, asInteractionResponse: true, respondingTo: rec.userId };
    let message: MessageRecord | undefined;

    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const input = parseMessageBody(data, files, ['data']);
        message = sendMessage(this.world, this.world.botUserId, channel, input, { ...asBot, ...(ephemeral ? { ephemeralTo: rec.userId } : {}) });
        rec.handle.originalMessageId = message.id;
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        message = sendMessage(this.world, this.world.botUserId, channel, { newAttachments: [] }, {
          ...asBot,
          loading: true,
          ...(ephemeral ? { ephemeralTo: rec.userId } : {}),
        });
        rec.handle.originalMessageId = message.id;
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
        rec.handle.originalMessageId = rec.sourceMessageId;
        break;
      case InteractionResponseType.UpdateMessage: {
        checkInteractionResponse(this.world, channel, rec.userId);
        const source = this.world.messages.get(rec.sourceMessageId!)!;
        message = editMessage(this.world, source.authorId, source, parseMessageBody(data, files, ['data']), { viaInteraction: true });
        rec.handle.originalMessageId = source.id;
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult:
        rec.handle.choices = checkChoices(data);
        break;
      case InteractionResponseType.Modal: {
        const modal = checkModal(data);
        rec.handle.modal = modal;
        this.shownModals.push({ userId: rec.userId, customId: String(modal.custom_id), modal, from: rec });
        break;
      }
    }
    rec.handle.callbacks.push({ type, data: body.data, at: Date.now() });
    rec.handle.notify();
    this.world.changed();
    return message ? { type, message } : { type };
  }

  /** A reply (4), an update of the clicked message (7) or a modal (9) for a click in a DM. */
  private dmCallback(rec: InteractionRecord, type: number, data: Record<string, unknown>, files: UploadedFile[]): { type: number } {
    const dms = this.dms!;
    if (type === InteractionResponseType.ChannelMessageWithSource) dms.respond(rec.channelId, parseMessageBody(data, files, ['data']));
    else if (type === InteractionResponseType.UpdateMessage) dms.respond(rec.channelId, parseMessageBody(data, files, ['data']), rec.sourceMessageId);
    else if (type === InteractionResponseType.Modal) {
      const modal = checkModal(data);
      rec.handle.modal = modal;
      this.shownModals.push({ userId: rec.userId, customId: String(modal.custom_id), modal, from: rec });
    } else throw new Error(`the fake does not model callback type ${type} in a DM`);
    rec.handle.callbacks.push({ type, data, at: Date.now() });
    rec.handle.notify();
    this.world.changed();
    return { type };
  }

  // ---- /webhooks/{application}/{token}...

  private byToken(applicationId: string, token: string): InteractionRecord {
    const rec = [...this.byId.values()].find((r) => r.token === token);
    if (!rec || applicationId !== this.world.applicationId) throw new DiscordHttpError(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
    if (rec.expired || Date.now() - rec.createdAt > FIFTEEN_MINUTES) {
      throw new DiscordHttpError(401, ErrorCode.InvalidWebhookToken, 'Invalid Webhook Token');
    }
    if (!rec.handle.acknowledged) throw new DiscordHttpError(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
    return rec;
  }

  private webhookMessage(rec: InteractionRecord, messageId: string): MessageRecord {
    const id = messageId === '@original' ? rec.handle.originalMessageId : messageId;
    const owned = id === rec.handle.originalMessageId || rec.handle.followUpIds.includes(id ?? '');
    const m = id ? this.world.messages.get(id) : undefined;
    if (!m || m.deleted || !owned) throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    return m;
  }

  getMessage(applicationId: string, token: string, messageId: string): MessageRecord {
    return this.webhookMessage(this.byToken(applicationId, token), messageId);
  }

  editMessage(applicationId: string, token: string, messageId: string, raw: unknown, files: UploadedFile[]): MessageRecord {
    const rec = this.byToken(applicationId, token);
    const m = this.webhookMessage(rec, messageId);
    const edited = editMessage(this.world, m.authorId, m, parseMessageBody(raw, files), { viaInteraction: true });
    rec.handle.notify();
    return edited;
  }

  deleteMessage(applicationId: string, token: string, messageId: string): void {
    const rec = this.byToken(applicationId, token);
    deleteMessage(this.world, this.world.botUserId, this.webhookMessage(rec, messageId));
    rec.handle.notify();
  }

  /** A follow-up; after a deferral, the first one fills the "thinking…" placeholder instead of adding a message. */
  followUp(applicationId: string, token: string, raw: unknown, files: UploadedFile[]): MessageRecord {
    const rec = this.byToken(applicationId, token);
    const input = parseMessageBody(raw, files);
    const original = rec.handle.originalMessageId ? this.world.messages.get(rec.handle.originalMessageId) : undefined;
    let message: MessageRecord;
    if (original && !original.deleted && (original.flags & MessageFlags.Loading) !== 0) {
      message = editMessage(this.world, original.authorId, original, input, { viaInteraction: true });
    } else {
      const ephemeral = ((input.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
      message = sendMessage(this.world, this.world.botUserId, this.world.channel(rec.channelId), input, {
        webhookId: this.world.applicationId,
        interaction: {
          id: rec.id,
          type: rec.type,
          name: rec.commandName,
          userId: rec.userId,
          ...(rec.handle.originalMessageId ? { originalResponseMessageId: rec.handle.originalMessageId } : {}),
        },
        asInteractionResponse: true,
        respondingTo: rec.userId,
        ...(ephemeral ? { ephemeralTo: rec.userId } : {}),
      });
      rec.handle.followUpIds.push(message.id);
    }
    rec.handle.notify();
    return message;
  }
}

function checkChoices(data: Record<string, unknown>) {
  const errors = new FormErrors();
  const choices = Array.isArray(data.choices) ? data.choices : [];
  errors.maxLength(['data', 'choices'], choices, 25);
  choices.forEach((c, i) => {
    const choice = isObject(c) ? c : {};
    errors.lengthBetween(['data', 'choices', i, 'name'], typeof choice.name === 'string' ? choice.name : '', 1, 100);
    if (typeof choice.value === 'string') errors.maxLength(['data', 'choices', i, 'value'], choice.value, 100);
  });
  errors.throwIfAny();
  return choices as { name: string; value: string | number }[];
}

/** Modal limits: custom_id ≤ 100, title ≤ 45, 1–5 components; text inputs with label ≤ 45 and lengths ≤ 4000. */
function checkModal(data: Record<string, unknown>): Record<string, unknown> {
  const errors = new FormErrors();
  const p = ['data'];
  if (errors.required([...p, 'custom_id'], data.custom_id)) errors.lengthBetween([...p, 'custom_id'], String(data.custom_id), 1, 100);
  if (errors.required([...p, 'title'], data.title)) errors.lengthBetween([...p, 'title'], String(data.title), 1, 45);
  const rows = Array.isArray(data.components) ? data.components : [];
  if (rows.length < 1 || rows.length > 5) errors.add([...p, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  rows.forEach((row, i) => {
    const rp = [...p, 'components', i];
    if (!isObject(row)) return;
    const inputs: [Record<string, unknown>, (string | number)[], boolean][] = [];
    if (row.type === ComponentType.ActionRow && Array.isArray(row.components)) {
      row.components.forEach((c, j) => isObject(c) && inputs.push([c, [...rp, 'components', j], true]));
    } else if (row.type === ComponentType.Label && isObject(row.component)) {
      errors.lengthBetween([...rp, 'label'], typeof row.label === 'string' ? row.label : '', 1, 45);
      inputs.push([row.component, [...rp, 'component'], false]);
    }
    for (const [c, cp, needsLabel] of inputs) {
      if (errors.required([...cp, 'custom_id'], c.custom_id)) errors.lengthBetween([...cp, 'custom_id'], String(c.custom_id), 1, 100);
      if (c.type !== ComponentType.TextInput) continue;
      if (needsLabel && errors.required([...cp, 'label'], c.label)) errors.lengthBetween([...cp, 'label'], String(c.label), 1, 45);
      if (c.style !== 1 && c.style !== 2) errors.add([...cp, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.');
      for (const key of ['min_length', 'max_length'] as const) {
        const v = c[key];
        if (v !== undefined && (typeof v !== 'number' || v < (key === 'min_length' ? 0 : 1) || v > 4000)) {
          errors.add([...cp, key], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 4000.');
        }
      }
      // The prefilled value must fit the input's own max_length, as what a member could type
      // (components/reference.mdx, Text Input: `value`, `max_length`); at most 4000 in any case.
      if (typeof c.value === 'string') errors.maxLength([...cp, 'value'], c.value, typeof c.max_length === 'number' ? Math.min(c.max_length, 4000) : 4000);
      if (typeof c.placeholder === 'string') errors.maxLength([...cp, 'placeholder'], c.placeholder, 100);
    }
  });
  errors.throwIfAny();
  return data;
}
