import { PermissionFlagsBits } from 'discord.js';
import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext } from '../context.js';
import type { Access } from '../permissions.js';

/**
 * Who Discord shows a command to before any admin override (`default_member_permissions`,
 * discord-api-docs "Application Command Permissions"), derived from the command's access so the
 * two never disagree: staff commands are hidden from members without Manage Messages (the usual
 * moderator permission; a staff role without it can be allowed in Server Settings → Integrations),
 * manager commands from members without Manage Server, and everyone's commands from no one. The
 * handler still checks the access itself: the default is only what Discord shows.
 */
export function defaultMemberPermissions(access: Access): string | null {
  if (access === 'manager') return String(PermissionFlagsBits.ManageGuild);
  if (access === 'staff') return String(PermissionFlagsBits.ManageMessages);
  return null;
}

/** A slash command as the router sees it: the definition Discord sees, who may run it, and what it does. Made by defineCommand. */
export interface SlashCommand {
  readonly data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  readonly access: Access;
  /** Defer before running: for work that may take longer than the 3 s Discord allows for a first answer. */
  readonly defer?: boolean;
  /** Only the caller sees the answer. Defaults to true; panel and ticket messages set false. */
  readonly ephemeral?: boolean;
  execute(interaction: ChatInputCommandInteraction<'cached'>, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction<'cached'>, ctx: BotContext): Promise<ApplicationCommandOptionChoiceData[]>;
}

/** A message context-menu command (right-click a message → Apps): its definition, who may run it, what it does. */
export interface MessageCommand {
  readonly data: { readonly name: string; toJSON(): RESTPostAPIContextMenuApplicationCommandsJSONBody };
  readonly access: Access;
  execute(interaction: MessageContextMenuCommandInteraction<'cached'>, ctx: BotContext): Promise<void>;
}

/** A button or modal, found by the first part of its custom id (`prefix:arg:arg`). */
export interface ComponentHandler {
  readonly prefix: string;
  readonly access: Access;
  handleButton?(interaction: ButtonInteraction<'cached'>, args: string[], ctx: BotContext): Promise<void>;
  handleModal?(interaction: ModalSubmitInteraction<'cached'>, args: string[], ctx: BotContext): Promise<void>;
}
