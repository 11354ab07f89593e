import { describe, expect, it } from 'vitest';
import { formatConfigProblems, parseConfig } from '../../src/config.js';

describe('parseConfig', () => {
  it('fills every default from an empty environment', () => {
    const result = parseConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      DISCORD_API_URL: 'https://discord.com/api',
      OLLAMA_URL: ['http://localhost:11434'],
      OLLAMA_MODEL: 'llama3',
      DB_PATH: './data/training.db',
      SIMILARITY_THRESHOLD: 0.7,
      TRAINED_ANSWER_THRESHOLD: 0.85,
      MAX_CONTEXT_LENGTH: 2000,
      ENABLE_AUTO_RESPONSE: true,
      ENABLE_TRAINING: true,
      RESPONSE_TIMEOUT: 30,
      LOG_LEVEL: 'info',
    });
    expect(result.config.DISCORD_TOKEN).toBeUndefined();
    expect(result.config.DISCORD_GUILD_ID).toBeUndefined();
  });

  it('reads values, treating blank lines as unset and trimming URLs', () => {
    const result = parseConfig({
      DISCORD_TOKEN: 'abc.def.ghi',
      DISCORD_GUILD_ID: '123456789012345678',
      OLLAMA_URL: 'http://10.0.0.5:11434/',
      ENABLE_AUTO_RESPONSE: 'false',
      ENABLE_TRAINING: ' ',
      RESPONSE_TIMEOUT: '12.5',
    });
    expect(result.ok && result.config).toMatchObject({
      DISCORD_TOKEN: 'abc.def.ghi',
      DISCORD_GUILD_ID: '123456789012345678',
      OLLAMA_URL: ['http://10.0.0.5:11434'],
      ENABLE_AUTO_RESPONSE: false,
      ENABLE_TRAINING: true,
      RESPONSE_TIMEOUT: 12.5,
    });
  });

  it('names every bad variable and why, in one message', () => {
    const result = parseConfig({
      SIMILARITY_THRESHOLD: 'high',
      TRAINED_ANSWER_THRESHOLD: '1.5',
      ENABLE_TRAINING: 'maybe',
      DISCORD_GUILD_ID: '42',
      OLLAMA_URL: 'localhost:11434',
      LOG_LEVEL: 'loud',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const message = formatConfigProblems(result.problems);
    expect(message).toContain('SIMILARITY_THRESHOLD="high" must be a number');
    expect(message).toContain('TRAINED_ANSWER_THRESHOLD="1.5" must be between 0 and 1');
    expect(message).toContain('ENABLE_TRAINING="maybe" must be true or false');
    expect(message).toContain('DISCORD_GUILD_ID="42" must be a Discord id');
    expect(message).toContain('OLLAMA_URL="localhost:11434" must be an http:// or https:// URL');
    expect(message).toContain('LOG_LEVEL="loud" must be one of');
  });

  it('refuses a context threshold above the trained-answer threshold', () => {
    const result = parseConfig({ SIMILARITY_THRESHOLD: '0.9', TRAINED_ANSWER_THRESHOLD: '0.8' });
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('must not be above TRAINED_ANSWER_THRESHOLD')] });
  });
});
