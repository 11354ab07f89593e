import { describe, expect, it } from 'vitest';
import { formatConfigProblems, parseConfig } from '../src/config.js';

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
      TRAINING_CONTEXT_THRESHOLD: 0.7,
      KNOWLEDGE_SIMILARITY_THRESHOLD: 0.7,
      TRAINED_ANSWER_THRESHOLD: 0.85,
      ENABLE_AUTO_RESPONSE: true,
      ENABLE_TRAINING: true,
      OLLAMA_MAX_CONCURRENT: 1,
      OLLAMA_FIRST_TOKEN_TIMEOUT: 180,
      OLLAMA_STALL_TIMEOUT: 60,
      OLLAMA_ANSWER_TIMEOUT: 0,
      OLLAMA_KEEP_ALIVE: '30m',
      OLLAMA_NUM_CTX: 8192,
      OLLAMA_TEMPERATURE: 0.2,
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
      OLLAMA_FIRST_TOKEN_TIMEOUT: '12.5',
      OLLAMA_KEEP_ALIVE: ' 2H ',
    });
    expect(result.ok && result.config).toMatchObject({
      DISCORD_TOKEN: 'abc.def.ghi',
      DISCORD_GUILD_ID: '123456789012345678',
      OLLAMA_URL: ['http://10.0.0.5:11434'],
      ENABLE_AUTO_RESPONSE: false,
      ENABLE_TRAINING: true,
      OLLAMA_FIRST_TOKEN_TIMEOUT: 12.5,
      OLLAMA_KEEP_ALIVE: '2h',
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
    const result = parseConfig({ TRAINING_CONTEXT_THRESHOLD: '0.9', TRAINED_ANSWER_THRESHOLD: '0.8' });
    expect(result).toEqual({ ok: false, problems: ['TRAINING_CONTEXT_THRESHOLD=0.9 must not be above TRAINED_ANSWER_THRESHOLD=0.8'] });
  });

  it('gives each threshold its own name: the confidence for AI context and the embedding similarity for knowledge', () => {
    const result = parseConfig({ TRAINING_CONTEXT_THRESHOLD: '0.6', KNOWLEDGE_SIMILARITY_THRESHOLD: '0.45' });
    expect(result).toMatchObject({ ok: true, warnings: [], config: { TRAINING_CONTEXT_THRESHOLD: 0.6, KNOWLEDGE_SIMILARITY_THRESHOLD: 0.45 } });
    if (result.ok) expect(result.config).not.toHaveProperty('SIMILARITY_THRESHOLD');
  });

  it('still reads the deprecated SIMILARITY_THRESHOLD for whichever new setting is unset, with a warning', () => {
    const both = parseConfig({ SIMILARITY_THRESHOLD: '0.5' });
    expect(both).toMatchObject({ ok: true, config: { TRAINING_CONTEXT_THRESHOLD: 0.5, KNOWLEDGE_SIMILARITY_THRESHOLD: 0.5 } });
    if (both.ok) expect(both.warnings).toEqual([expect.stringMatching(/SIMILARITY_THRESHOLD is deprecated.*TRAINING_CONTEXT_THRESHOLD.*KNOWLEDGE_SIMILARITY_THRESHOLD/)]);
    const one = parseConfig({ SIMILARITY_THRESHOLD: '0.5', KNOWLEDGE_SIMILARITY_THRESHOLD: '0.8' });
    expect(one).toMatchObject({ ok: true, config: { TRAINING_CONTEXT_THRESHOLD: 0.5, KNOWLEDGE_SIMILARITY_THRESHOLD: 0.8 } });
    expect(parseConfig({ SIMILARITY_THRESHOLD: '0.9', TRAINED_ANSWER_THRESHOLD: '0.8' })).toEqual({
      ok: false,
      problems: ['SIMILARITY_THRESHOLD=0.9 must not be above TRAINED_ANSWER_THRESHOLD=0.8'],
    });
  });

  it('refuses a keep-alive that Ollama would not read, and names the Ollama settings out of range', () => {
    const result = parseConfig({ OLLAMA_KEEP_ALIVE: 'forever', OLLAMA_NUM_CTX: '100', OLLAMA_FIRST_TOKEN_TIMEOUT: '0' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.stringContaining('OLLAMA_FIRST_TOKEN_TIMEOUT="0" must be between 1 and 3600'),
      expect.stringContaining('OLLAMA_KEEP_ALIVE="forever" must be a duration such as 30m'),
      expect.stringContaining('OLLAMA_NUM_CTX="100" must be between 1024'),
    ]);
  });

  it('names the settings the bot no longer reads, and what replaced them', () => {
    const result = parseConfig({ RESPONSE_TIMEOUT: '30', MAX_CONTEXT_LENGTH: '', OLLAMA_MODEL: 'x' });
    expect(result.ok && result.warnings).toEqual([expect.stringContaining('RESPONSE_TIMEOUT is no longer used (it is replaced by OLLAMA_FIRST_TOKEN_TIMEOUT')]);
  });
});
