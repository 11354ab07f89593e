/**
 * The state a ticket shows in Discord: a forum ticket as a tag (forum-tags.ts), a private ticket, whose
 * text channel has no tags, as its pinned status line (status-line.ts). Its own module so that neither
 * display owns the other's vocabulary (they imported each other before).
 */
export type ShownStatus = 'open' | 'answered' | 'needsStaff' | 'closed';
