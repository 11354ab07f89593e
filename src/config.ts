import { z } from 'zod';

/** Parses "true"/"false"/"1"/"0"/"yes"/"no"; anything else is a clear error rather than a silent false. */
const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const number = (min: number, max: number, what = 'a number') =>
  z.coerce
    .number({ error: `must be ${what}` })
    .refine((n) => Number.isFinite(n), { error: `must be ${what}` })
    .refine((n) => n >= min && n <= max, { error: `must be between ${min} and ${max}` });

const integer = (min: number, max: number) =>
  number(min, max, 'a whole number').refine(Number.isInteger, { error: 'must be a whole number' });

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s/]+/i.test(v), { error: 'must be an http:// or https:// URL' })
  .transform((v) => v.replace(/\/+$/, ''));

/** One URL, or several separated by commas (OLLAMA_URL); each checked like httpUrl, duplicates dropped. */
const httpUrlList = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const parts = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
    const urls: string[] = [];
    for (const part of parts) {
      const parsed = httpUrl.safeParse(part);
      if (!parsed.success) {
        const message = parts.length === 1 ? 'must be an http:// or https:// URL' : `must be http:// or https:// URLs separated by commas; "${part}" is not one`;
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      urls.push(parsed.data);
    }
    if (urls.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must name at least one http:// or https:// URL' });
      return z.NEVER;
    }
    return [...new Set(urls)];
  });

const snowflake = z
  .string()
  .trim()
  .regex(/^\d{17,20}$/, { error: 'must be a Discord id (17 to 20 digits); leave it empty to register commands globally' });

/** Every variable the bot reads, with its default. `.env.example` documents the same list. */
export const configSchema = z.object({
  DISCORD_TOKEN: z.string().trim().optional(),
  DISCORD_GUILD_ID: z.union([z.literal(''), snowflake]).optional().transform((v) => v || undefined),
  DISCORD_API_URL: httpUrl.default('https://discord.com/api'),
  /** One Ollama host, or several separated by commas. */
  OLLAMA_URL: httpUrlList.default(['http://localhost:11434']),
  OLLAMA_MODEL: z.string().trim().min(1, { error: 'must name a model, e.g. llama3' }).default('llama3'),
  OLLAMA_EMBED_MODEL: z.string().trim().optional().transform((v) => v || undefined),
  OLLAMA_MAX_CONCURRENT: integer(1, 64).default(2),
  BOT_PREFIX: z.string().trim().max(5, { error: 'must be at most 5 characters' }).default('!'),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }))
    .default('info'),
  /** `off` (or `none`): console only. */
  LOG_FILE: z
    .string()
    .trim()
    .default('./logs/bot.log')
    .transform((v) => (/^(off|none)$/i.test(v) ? undefined : v)),
  DB_PATH: z.string().trim().min(1, { error: 'must be a file path' }).default('./data/training.db'),
  SIMILARITY_THRESHOLD: number(0, 1).default(0.7),
  TRAINED_ANSWER_THRESHOLD: number(0, 1).default(0.85),
  MAX_CONTEXT_LENGTH: integer(200, 200_000).default(2000),
  ENABLE_AUTO_RESPONSE: booleanFlag.default(true),
  ENABLE_TRAINING: booleanFlag.default(true),
  RESPONSE_TIMEOUT: number(1, 600, 'a number of seconds').default(30),
  STALE_TICKET_HOURS: number(0, 24 * 365, 'a number of hours').default(48),
});

export type Config = z.output<typeof configSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Validates an environment. Empty strings count as "not set" so a blank line in .env falls back to the default. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'config');
      return `${key}=${JSON.stringify(cleaned[key] ?? '')} ${issue.message}`;
    });
    return { ok: false, problems };
  }
  const config = result.data;
  if (config.SIMILARITY_THRESHOLD > config.TRAINED_ANSWER_THRESHOLD) {
    return {
      ok: false,
      problems: [
        `SIMILARITY_THRESHOLD=${config.SIMILARITY_THRESHOLD} must not be above TRAINED_ANSWER_THRESHOLD=${config.TRAINED_ANSWER_THRESHOLD}`,
      ],
    };
  }
  return { ok: true, config };
}

export const MISSING_TOKEN_HELP = [
  'DISCORD_TOKEN is not set, so the bot cannot log in to Discord.',
  'To fix it:',
  '  1. Copy .env.example to .env (cp .env.example .env).',
  '  2. In the Discord Developer Portal (https://discord.com/developers/applications) open your application,',
  '     go to Bot, press "Reset Token" and copy the token.',
  '  3. Put it in .env as DISCORD_TOKEN=<your token> and run npm start again.',
  'QUICKSTART.md walks through every step.',
].join('\n');

/** Formats validation problems as the one message printed at start-up. */
export function formatConfigProblems(problems: string[]): string {
  return ['Configuration error in .env (or the environment):', ...problems.map((p) => `  - ${p}`), 'See .env.example for every setting and its default.'].join('\n');
}
