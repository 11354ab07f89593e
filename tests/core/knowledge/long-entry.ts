/**
 * A long knowledge entry as staff paste them (a whole handbook, ~10,000 characters, the most an
 * entry may hold), whose last paragraph alone answers QUESTION_AT_THE_END.
 */
const TOPICS = [
  ['Moderation', 'moderators', 'warnings', 'timeouts', 'appeals', 'behaviour'],
  ['Events', 'tournaments', 'schedules', 'brackets', 'registration', 'prizes'],
  ['Streaming', 'broadcasts', 'overlays', 'microphones', 'latency', 'bitrate'],
  ['Roles', 'permissions', 'promotions', 'veterans', 'newcomers', 'badges'],
  ['Voice channels', 'speakers', 'headsets', 'echo', 'noise', 'volume'],
  ['Announcements', 'newsletters', 'releases', 'patches', 'changelogs', 'previews'],
  ['Emoji', 'stickers', 'uploads', 'artists', 'submissions', 'galleries'],
  ['Partnerships', 'communities', 'sponsors', 'collaborations', 'outreach', 'networking'],
] as const;

export const ANSWER_AT_THE_END =
  'Duplicate charges: if your card was billed twice for the same purchase, open the billing portal, select the duplicate payment and press Dispute. The second charge is reversed within five working days.';
export const QUESTION_AT_THE_END = 'My card was billed twice for one purchase, how do I get the duplicate payment reversed?';
export const HANDBOOK_TITLE = 'Community handbook';

/** Paragraphs on eight topics, in turn, then the answer; 10,000 characters at most. */
export function handbook(maxChars = 10_000): string {
  const paragraphs: string[] = [];
  const room = maxChars - ANSWER_AT_THE_END.length - 2;
  for (let i = 0; ; i++) {
    const [topic, a, b, c, d, e] = TOPICS[i % TOPICS.length]!;
    const paragraph =
      `${topic}, part ${i + 1}: our ${a} coordinate ${b} carefully. Regarding ${c}, volunteers document everything thoroughly. ` +
      `Questions concerning ${d} or ${e} belong in the dedicated discussion threads.`;
    if (paragraphs.join('\n\n').length + paragraph.length + 2 > room) break;
    paragraphs.push(paragraph);
  }
  return [...paragraphs, ANSWER_AT_THE_END].join('\n\n');
}
