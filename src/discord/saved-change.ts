import type { Interaction } from 'discord.js';

/**
 * What an interaction's handler has already committed, so that a failure after that point (most often the reply
 * itself: Discord unreachable, the connection dropped past every retry) tells the member the truth: the change is
 * saved, and where to see it. Without this the router could only guess, and "nothing was changed" after a committed
 * import sends staff to import the same file again.
 *
 * Handlers call `noteSaved` right after the core call that commits and before they reply; the router reads it when
 * something throws. A handler that never calls it makes no claim either way (see GENERIC_FAILURE in interactions.ts).
 */
export interface SavedChange {
  /** What was saved, as a sentence: "Trained entry #12 was added." */
  readonly saved: string;
  /** Where to see it, as a sentence: "`/training_list` shows it." */
  readonly check: string;
}

const savedChanges = new WeakMap<Interaction, SavedChange>();

export function noteSaved(interaction: Interaction, change: SavedChange): void {
  savedChanges.set(interaction, change);
}

export function savedChange(interaction: Interaction): SavedChange | undefined {
  return savedChanges.get(interaction);
}

/** The words for a failure after the change was committed. */
export function savedButNotShown(change: SavedChange): string {
  return `✅ ${change.saved} The bot then hit a problem and could not show you the result, but the change is saved: ${change.check} Staff can find the details in the bot’s log.`;
}
