import type { MessageView } from '../../tests/fakes/discord/index.js';
import type { Scene } from './scene.js';

/** A member opens a ticket the way most do: a post in the ticket forum. Returns the thread id. */
export function openTicket(scene: Scene, member: string, title: string, content: string): string {
  return scene.fake.createForumPostAsUser({ forumId: scene.forumId, userId: member, title, content }).thread.id;
}

export function botMessages(scene: Scene, threadId: string): MessageView[] {
  return scene.fake.messages(threadId).filter((m) => m.author.id === scene.fake.botUser.id);
}

/** The ticket shows the Answered tag (the bot sets it once an answer is complete). */
export function isAnswered(scene: Scene, threadId: string): boolean {
  return scene.fake.channel(threadId).appliedTagNames.includes('Answered');
}

/** Snowflakes grow with time: a message created after `id` has a larger one. */
export function isAfter(message: { id: string }, id: string): boolean {
  return BigInt(message.id) > BigInt(id);
}

/** Closes the posts left from earlier phases (archived, as Discord does after inactivity): a guild has at most 1,000 active threads. */
export function archiveAllTickets(scene: Scene): number {
  let archived = 0;
  for (const thread of scene.fake.threads(scene.forumId)) {
    if (thread.archived) continue;
    scene.fake.editThreadAsUser({ threadId: thread.id, userId: scene.adminId, archived: true });
    archived++;
  }
  return archived;
}
