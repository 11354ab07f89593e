import { MessageFlags } from 'discord.js';
import type { InteractionEditReplyOptions, InteractionReplyOptions, RepliableInteraction } from 'discord.js';

/** No message of ours pings anyone unless a caller says so explicitly. */
export const NO_MENTIONS = { parse: [] as [] };

export type ReplyPayload = string | (Omit<InteractionReplyOptions, 'flags'> & InteractionEditReplyOptions);

/**
 * Answers an interaction whatever state it is in: first reply, after a defer (edit the
 * deferred reply), or after a reply (follow-up). Discord rejects a second initial reply, so
 * every handler answers through here.
 */
export async function respond(interaction: RepliableInteraction, payload: ReplyPayload, ephemeral = true): Promise<void> {
  const options = typeof payload === 'string' ? { content: payload } : payload;
  const withMentions = { allowedMentions: NO_MENTIONS, ...options };
  if (interaction.deferred) {
    await interaction.editReply(withMentions);
  } else if (interaction.replied) {
    await interaction.followUp({ ...withMentions, flags: ephemeral ? MessageFlags.Ephemeral : undefined } as InteractionReplyOptions);
  } else {
    await interaction.reply({ ...withMentions, flags: ephemeral ? MessageFlags.Ephemeral : undefined } as InteractionReplyOptions);
  }
}
