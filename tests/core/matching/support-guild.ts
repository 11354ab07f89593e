import { TrainingStore } from '../../../src/core/training/store.js';

export { GUILD_A, GUILD_B, openTempDb } from '../temp-db.js';

export const PASSWORD_ANSWER = 'Use the "Forgot password" link on the login page.';
export const REFUND_ANSWER = 'Refunds are issued within 14 days of purchase.';
export const SHIPPING_ANSWER = 'Orders ship within 2 business days.';
export const CANCEL_ANSWER = 'Go to Settings > Billing > Cancel subscription.';
export const OPENING_HOURS_ANSWER = 'We are open 9am-5pm, Monday to Friday.';

/** A small support server: each answer trained with a few phrasings, as staff would. */
export const SUPPORT_TRAINING: ReadonlyArray<readonly [answer: string, questions: readonly string[]]> = [
  [PASSWORD_ANSWER, ['How do I reset my password?', 'I forgot my password', 'Can you help me change my password']],
  [REFUND_ANSWER, ['Can I get a refund?', 'How do refunds work', 'I want my money back']],
  [SHIPPING_ANSWER, ['How long does shipping take?', 'When will my order arrive']],
  [CANCEL_ANSWER, ['How do I cancel my subscription?', 'I want to stop my plan']],
  ['Settings > Account > Email lets you change it.', ['How can I change my email address?', 'update my email']],
  [OPENING_HOURS_ANSWER, ['What are your opening hours?', 'When are you open']],
];

export function trainSupportGuild(store: TrainingStore, guildId: string): void {
  for (const [answer, questions] of SUPPORT_TRAINING) for (const question of questions) store.add(guildId, { question, answer });
}
