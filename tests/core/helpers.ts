import { parseConfig, type Config } from '../../src/config.js';
import { createCore, type Core } from '../../src/core/core.js';
import { openDatabase } from '../../src/db/database.js';
import { silentLogger } from '../../src/log.js';
import { tempDbPath } from './temp-db.js';

export function testConfig(overrides: Record<string, string> = {}): Config {
  const result = parseConfig({ DB_PATH: tempDbPath(), LOG_LEVEL: 'silent', ...overrides });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

/** The whole core over a real SQLite file, as the bot builds it. */
export function testCore(overrides: Record<string, string> = {}): Core {
  const config = testConfig(overrides);
  return createCore(openDatabase(config.DB_PATH), config, silentLogger());
}
