import type { Config } from '../../config.js';
import { UserError } from '../errors.js';

/** Every way of changing training (slash commands, the dashboard) is refused while ENABLE_TRAINING is off. */
export function requireTrainingEnabled(config: Pick<Config, 'ENABLE_TRAINING'>): void {
  if (!config.ENABLE_TRAINING) {
    throw new UserError('Training is turned off for this bot (ENABLE_TRAINING=false), so nothing was changed. The bot’s owner can turn it on in its settings.');
  }
}
