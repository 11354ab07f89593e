import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { customId, parseIdArg } from './custom-id.js';

/** `ans:<action>:<turnId>`: only ids, so a button works after a restart; the state is in the database. */
export const ANSWER_BUTTON = 'ans';

export type AnswerAction = 'ok' | 'no' | 'staff';

/** Solved / Not helpful / Talk to staff, under every bot answer in a ticket. */
export function answerButtons(turnId: number): ActionRowBuilder<ButtonBuilder>[] {
  return [
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customId(ANSWER_BUTTON, 'ok', turnId)).setLabel('Solved').setEmoji('✅').setStyle(ButtonStyle.Success),
      new ButtonBuilder().setCustomId(customId(ANSWER_BUTTON, 'no', turnId)).setLabel('Not helpful').setEmoji('👎').setStyle(ButtonStyle.Secondary),
      new ButtonBuilder().setCustomId(customId(ANSWER_BUTTON, 'staff', turnId)).setLabel('Talk to staff').setEmoji('🙋').setStyle(ButtonStyle.Primary),
    ),
  ];
}

/** The action and answer a button's arguments name; undefined for anything else. */
export function parseAnswerButton(args: readonly string[]): { action: AnswerAction; turnId: number } | undefined {
  const [action, id] = args;
  const turnId = parseIdArg(id);
  if ((action === 'ok' || action === 'no' || action === 'staff') && turnId !== undefined) return { action, turnId };
  return undefined;
}
