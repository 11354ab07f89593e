import { ApplicationCommandType, ComponentType, InteractionType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIApplicationCommand } from 'discord-api-types/v10';
import { buildOptions, type AttachmentUpload, type OptionValue } from './command-options.js';
import type { CommandStore } from './commands.js';
import type { InteractionRecord, Interactions } from './interactions.js';
import { MAX_FILE_BYTES } from './message-input.js';
import { toAPIChannel, toAPIMember, type MessageRecord } from './model.js';
import { hasPermission } from './permissions.js';
import { unarchiveForInteraction } from './thread-activity.js';
import type { World } from './world.js';
import type { DirectMessages } from './direct-messages.js';
import { apiMessage } from './api-objects.js';

export interface SlashCommandInput {
  guildId: string;
  channelId: string;
  userId: string;
  /** Command name; `"group sub"` or `"sub"` after a space selects a subcommand. */
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** Option values by name: ids for user/channel/role options, an upload for attachment options. */
  options?: Record<string, OptionValue>;
  /** Uploads for attachment options, by option name (alternative to putting them in `options`). */
  attachments?: Record<string, AttachmentUpload>;
  /** As if an admin allowed this member the command in Server Settings → Integrations. */
  overrideCommandPermissions?: boolean;
}

export interface AutocompleteInput extends Omit<SlashCommandInput, 'attachments'> {
  /** The option the member is typing in; its value is the partial text. */
  focused: string;
}

/** A member runs a message context-menu command on a message in `channelId`. */
export interface MessageCommandInput {
  guildId: string;
  channelId: string;
  userId: string;
  /** The command's name as registered, e.g. "Train from this". */
  name: string;
  targetMessageId: string;
  overrideCommandPermissions?: boolean;
}

type Dispatch = (payload: Record<string, unknown>) => void;

/** Builds INTERACTION_CREATE payloads the way Discord's client would send them, refusing what a member could not do. */
export class InteractionFactory {
  /** Set by the fake, for modals opened from a DM. */
  dms?: DirectMessages;
  constructor(
    private readonly world: World,
    private readonly commands: CommandStore,
    private readonly interactions: Interactions,
    private readonly dispatch: Dispatch,
  ) {}

  /** `unarchive`: the member's client unarchives an archived thread before sending (not while merely autocompleting). */
  private base(guildId: string, channelId: string, userId: string, unarchive = true) {
    const w = this.world;
    const channel = w.channel(channelId);
    if (channel.guildId !== guildId) throw new Error(`channel ${channelId} is not in guild ${guildId}`);
    const member = w.guild(guildId).members.get(userId);
    if (!member) throw new Error(`user ${userId} is not a member of guild ${guildId}`);
    const perms = w.permissionsIn(channel, userId);
    if (!hasPermission(perms, PermissionFlagsBits.ViewChannel)) throw new Error(`user ${userId} cannot see channel ${channelId}`);
    if (unarchive) unarchiveForInteraction(w, channel, userId);
    return {
      perms,
      payload: {
        application_id: w.applicationId,
        version: 1,
        guild_id: guildId,
        guild: { id: guildId, locale: 'en-US', features: [] },
        channel: { ...toAPIChannel(channel), permissions: perms.toString() },
        channel_id: channelId,
        member: { ...toAPIMember(member, w.user(userId)), permissions: perms.toString() },
        app_permissions: w.permissionsIn(channel, w.botUserId).toString(),
        locale: 'en-US',
        guild_locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': guildId },
        context: 0,
        attachment_size_limit: MAX_FILE_BYTES,
      },
    };
  }

  private send(record: InteractionRecord, payload: Record<string, unknown>): InteractionRecord {
    this.dispatch({ ...payload, id: record.id, token: record.token, type: record.type });
    return record;
  }

  private command(input: SlashCommandInput, perms: bigint): { command: APIApplicationCommand; path: string[] } {
    const [name, ...rest] = input.name.split(' ');
    const path = [...rest, ...(input.subcommandGroup ? [input.subcommandGroup] : []), ...(input.subcommand ? [input.subcommand] : [])];
    const command = this.offeredCommand(input, perms, name!, ApplicationCommandType.ChatInput, `/${name}`);
    return { command, path };
  }

  /**
   * The registered command `name` of `type`, refused as Discord's client refuses it: not registered,
   * no Use Application Commands here, or hidden by its default_member_permissions (unless an admin's
   * override is modelled). `label` names the command in the errors.
   */
  private offeredCommand(
    input: { guildId: string; userId: string; overrideCommandPermissions?: boolean },
    perms: bigint,
    name: string,
    type: ApplicationCommandType,
    label: string,
  ): APIApplicationCommand {
    const command = this.commands.find(name, input.guildId, type);
    if (!command) throw new Error(`${label} is not registered (guild or global): Discord would not offer it`);
    if (!hasPermission(perms, PermissionFlagsBits.UseApplicationCommands)) throw new Error(`user ${input.userId} may not use application commands here`);
    const required = command.default_member_permissions ? BigInt(command.default_member_permissions) : 0n;
    if (required !== 0n && !hasPermission(perms, required) && !input.overrideCommandPermissions) {
      throw new Error(`${label} needs permissions ${required} (default_member_permissions): Discord hides it from user ${input.userId}; pass overrideCommandPermissions to model an admin's override`);
    }
    return command;
  }

  slashCommand(input: SlashCommandInput): InteractionRecord {
    const { perms, payload } = this.base(input.guildId, input.channelId, input.userId);
    const { command, path } = this.command(input, perms);
    const values = { ...input.options, ...input.attachments };
    const { options, resolved } = buildOptions(this.world, command, path, values, input.guildId, undefined);
    const record = this.interactions.create({
      type: InteractionType.ApplicationCommand,
      guildId: input.guildId,
      channelId: input.channelId,
      userId: input.userId,
      commandName: [command.name, ...path].join(' '),
    });
    return this.send(record, {
      ...payload,
      data: {
        id: command.id,
        name: command.name,
        type: command.type,
        ...(command.guild_id ? { guild_id: command.guild_id } : {}),
        ...(options.length ? { options } : {}),
        ...(resolved ? { resolved } : {}),
      },
    });
  }

  /** A message context-menu command (right-click a message → Apps) on `targetMessageId`, as Discord's client sends it. */
  messageCommand(input: MessageCommandInput): InteractionRecord {
    const { perms, payload } = this.base(input.guildId, input.channelId, input.userId);
    const command = this.offeredCommand(input, perms, input.name, ApplicationCommandType.Message, `message command "${input.name}"`);
    const target = this.messageFor(input.targetMessageId, input.userId);
    if (target.channelId !== input.channelId) throw new Error(`message ${input.targetMessageId} is not in channel ${input.channelId}`);
    const record = this.interactions.create({
      type: InteractionType.ApplicationCommand,
      guildId: input.guildId,
      channelId: input.channelId,
      userId: input.userId,
      commandName: command.name,
    });
    return this.send(record, {
      ...payload,
      data: {
        id: command.id,
        name: command.name,
        type: ApplicationCommandType.Message,
        target_id: target.id,
        resolved: { messages: { [target.id]: apiMessage(this.world, target) } },
        ...(command.guild_id ? { guild_id: command.guild_id } : {}),
      },
    });
  }

  autocomplete(input: AutocompleteInput): InteractionRecord {
    const { perms, payload } = this.base(input.guildId, input.channelId, input.userId, false);
    const { command, path } = this.command(input, perms);
    const { options } = buildOptions(this.world, command, path, { ...input.options }, input.guildId, input.focused);
    const record = this.interactions.create({
      type: InteractionType.ApplicationCommandAutocomplete,
      guildId: input.guildId,
      channelId: input.channelId,
      userId: input.userId,
      commandName: command.name,
    });
    return this.send(record, {
      ...payload,
      data: { id: command.id, name: command.name, type: command.type, options, ...(command.guild_id ? { guild_id: command.guild_id } : {}) },
    });
  }

  private messageFor(messageId: string, userId: string): MessageRecord {
    const m = this.world.messages.get(messageId);
    if (!m || m.deleted) throw new Error(`message ${messageId} does not exist`);
    if (m.ephemeralTo && m.ephemeralTo !== userId) throw new Error(`message ${messageId} is ephemeral and not visible to ${userId}`);
    return m;
  }

  private findComponent(m: MessageRecord, customId: string): Record<string, unknown> {
    let found: Record<string, unknown> | undefined;
    const walk = (node: unknown) => {
      if (found || typeof node !== 'object' || node === null) return;
      const c = node as Record<string, unknown>;
      if (c.custom_id === customId) found = c;
      if (Array.isArray(c.components)) c.components.forEach(walk);
      if (c.accessory) walk(c.accessory);
    };
    m.components.forEach(walk);
    if (!found) throw new Error(`message ${m.id} has no component with custom_id "${customId}"`);
    if (found.disabled === true) throw new Error(`component "${customId}" is disabled: a member cannot use it`);
    return found;
  }

  private componentInteraction(m: MessageRecord, userId: string, data: Record<string, unknown>): InteractionRecord {
    const { payload } = this.base(m.guildId, m.channelId, userId);
    const record = this.interactions.create({
      type: InteractionType.MessageComponent,
      guildId: m.guildId,
      channelId: m.channelId,
      userId,
      commandName: '',
      sourceMessageId: m.id,
    });
    return this.send(record, { ...payload, data, message: apiMessage(this.world, m) });
  }

  button(input: { messageId: string; customId: string; userId: string }): InteractionRecord {
    const m = this.messageFor(input.messageId, input.userId);
    const c = this.findComponent(m, input.customId);
    if (c.type !== ComponentType.Button) throw new Error(`component "${input.customId}" is not a button`);
    return this.componentInteraction(m, input.userId, { custom_id: input.customId, component_type: ComponentType.Button, ...(c.id ? { id: c.id } : {}) });
  }

  /** The member clicks a button on a message the bot sent them by DM. */
  dmButton(dms: DirectMessages, input: { messageId: string; customId: string; userId: string }): InteractionRecord {
    const found = dms.find(input.messageId);
    if (!found) throw new Error(`message ${input.messageId} is not a DM`);
    if (found.channel.recipientId !== input.userId) throw new Error(`user ${input.userId} cannot see DM ${found.channel.id}`);
    const c = this.findComponent({ id: found.message.id, components: found.message.components } as MessageRecord, input.customId);
    if (c.type !== ComponentType.Button) throw new Error(`component "${input.customId}" is not a button`);
    const record = this.interactions.create({
      type: InteractionType.MessageComponent,
      guildId: '',
      channelId: found.channel.id,
      userId: input.userId,
      commandName: '',
      sourceMessageId: found.message.id,
    });
    return this.send(record, {
      ...dms.interactionFields(found.channel, input.userId),
      data: { custom_id: input.customId, component_type: ComponentType.Button },
      message: dms.apiMessage(found.message),
    });
  }

  select(input: { messageId: string; customId: string; userId: string; values: string[] }): InteractionRecord {
    const m = this.messageFor(input.messageId, input.userId);
    const c = this.findComponent(m, input.customId);
    if (c.type === ComponentType.Button || c.type === ComponentType.ActionRow) throw new Error(`component "${input.customId}" is not a select menu`);
    if (c.type === ComponentType.StringSelect) {
      const allowed = ((c.options as { value: string }[]) ?? []).map((o) => o.value);
      for (const v of input.values) if (!allowed.includes(v)) throw new Error(`"${v}" is not an option of "${input.customId}"`);
    }
    return this.componentInteraction(m, input.userId, { custom_id: input.customId, component_type: c.type, values: input.values });
  }

  /** Submits the modal the bot last showed this member with `customId`, filled with `fields` (by text input custom_id). */
  modalSubmit(input: { customId: string; fields: Record<string, string>; userId: string; channelId?: string }): InteractionRecord {
    const shown = [...this.interactions.shownModals].reverse().find((s) => s.userId === input.userId && s.customId === input.customId);
    if (!shown) throw new Error(`no modal "${input.customId}" was shown to user ${input.userId}`);
    const from = shown.from;
    const channelId = input.channelId ?? from.channelId;
    const used = new Set<string>();
    const fill = (c: Record<string, unknown>) => {
      const id = String(c.custom_id);
      if (c.type !== ComponentType.TextInput) throw new Error(`modal field "${id}" (type ${String(c.type)}) is not supported by the fake`);
      used.add(id);
      const value = input.fields[id] ?? '';
      const required = c.required !== false;
      if (required && value === '') throw new Error(`modal field "${id}" is required`);
      if (value !== '' && typeof c.min_length === 'number' && value.length < c.min_length) throw new Error(`modal field "${id}" shorter than ${c.min_length}`);
      if (value.length > (typeof c.max_length === 'number' ? c.max_length : 4000)) throw new Error(`modal field "${id}" longer than allowed`);
      return { type: ComponentType.TextInput, ...(c.id !== undefined ? { id: c.id } : {}), custom_id: id, value };
    };
    const components = ((shown.modal.components as Record<string, unknown>[]) ?? []).map((row) => {
      if (row.type === ComponentType.Label) return { type: ComponentType.Label, ...(row.id !== undefined ? { id: row.id } : {}), component: fill(row.component as Record<string, unknown>) };
      if (row.type === ComponentType.TextDisplay) return { type: ComponentType.TextDisplay, ...(row.id !== undefined ? { id: row.id } : {}) };
      return { type: ComponentType.ActionRow, components: (row.components as Record<string, unknown>[]).map(fill) };
    });
    for (const key of Object.keys(input.fields)) if (!used.has(key)) throw new Error(`modal "${input.customId}" has no field "${key}"`);
    const dm = this.dms?.find(from.sourceMessageId ?? '');
    if (dm) {
      const record = this.interactions.create({ type: InteractionType.ModalSubmit, guildId: '', channelId: dm.channel.id, userId: input.userId, commandName: '', sourceMessageId: dm.message.id });
      return this.send(record, { ...this.dms!.interactionFields(dm.channel, input.userId), data: { custom_id: input.customId, components }, message: this.dms!.apiMessage(dm.message) });
    }
    const { payload } = this.base(from.guildId, channelId, input.userId);
    const source = from.sourceMessageId ? this.world.messages.get(from.sourceMessageId) : undefined;
    const record = this.interactions.create({
      type: InteractionType.ModalSubmit,
      guildId: from.guildId,
      channelId,
      userId: input.userId,
      commandName: '',
      ...(source ? { sourceMessageId: source.id } : {}),
    });
    return this.send(record, {
      ...payload,
      data: { custom_id: input.customId, components },
      ...(source ? { message: apiMessage(this.world, source) } : {}),
    });
  }
}
