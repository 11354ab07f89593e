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
  /** Answers sent to each Ollama host at once: Ollama itself generates one at a time (OLLAMA_NUM_PARALLEL=1). */
  OLLAMA_MAX_CONCURRENT: integer(1, 64).default(1),
  /** Seconds from sending an answer's request to its first token: Ollama's queue, the model load, prompt evaluation. */
  OLLAMA_FIRST_TOKEN_TIMEOUT: number(1, 3600, 'a number of seconds').default(180),
  /** Seconds without a new token once the answer streams. */
  OLLAMA_STALL_TIMEOUT: number(1, 600, 'a number of seconds').default(60),
  /** Seconds for a whole answer; 0: no limit while it keeps streaming. */
  OLLAMA_ANSWER_TIMEOUT: number(0, 3600, 'a number of seconds').default(0),
  /** How long Ollama keeps the chat and embedding models loaded after their last use: a duration ("30m", "2h", "90s"), or -1 for ever. */
  OLLAMA_KEEP_ALIVE: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(-1|\d+(\.\d+)?(ms|s|m|h))$/, { error: 'must be a duration such as 30m, 2h or 90s, or -1 to keep the model loaded' })
    .default('30m'),
  /** The model's context window in tokens (sent as options.num_ctx); the prompt is budgeted to fit in it. */
  OLLAMA_NUM_CTX: integer(1024, 262_144).default(8192),
  /** The most tokens one answer may generate (sent as options.num_predict; at most a quarter of the window): stops a model that never ends. */
  OLLAMA_MAX_ANSWER_TOKENS: integer(64, 32_768).default(1024),
  /** Sampling temperature: low keeps answers close to the references. */
  OLLAMA_TEMPERATURE: number(0, 2).default(0.2),
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
  /** Calibrated match confidence (0–1) at which a trained answer is posted as is. */
  TRAINED_ANSWER_THRESHOLD: number(0, 1).default(0.85),
  /** Calibrated match confidence (0–1) at which a trained entry goes to the AI as context. Default 0.7 (below). */
  TRAINING_CONTEXT_THRESHOLD: number(0, 1).optional(),
  /** Embedding cosine similarity (0–1) at which a knowledge-base entry found by meaning goes to the AI. Default 0.7 (below). */
  KNOWLEDGE_SIMILARITY_THRESHOLD: number(0, 1).optional(),
  /** Deprecated: meant both of the two above; still read for either one that is not set, with a warning. */
  SIMILARITY_THRESHOLD: number(0, 1).optional(),
  ENABLE_AUTO_RESPONSE: booleanFlag.default(true),
  ENABLE_TRAINING: booleanFlag.default(true),
  STALE_TICKET_HOURS: number(0, 24 * 365, 'a number of hours').default(48),
  /**
   * Minutes without activity before Discord archives a ticket post (hides it from the forum's list).
   * Discord accepts only these four values; the longest keeps tickets in view the longest.
   */
  TICKET_AUTO_ARCHIVE_MINUTES: z.coerce
    .number({ error: 'must be 60, 1440, 4320 or 10080' })
    .pipe(z.union([z.literal(60), z.literal(1440), z.literal(4320), z.literal(10080)], { error: 'must be 60, 1440, 4320 or 10080 (1 hour, 1 day, 3 days, 1 week)' }))
    .default(10080),
  /** The web dashboard's port; not set (the default): no dashboard. */
  DASHBOARD_PORT: integer(1, 65_535).optional(),
  /** Where it listens: 127.0.0.1 keeps it on this machine (put a TLS reverse proxy in front to reach it from elsewhere). */
  DASHBOARD_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** The address staff open, when it is not http://DASHBOARD_HOST:DASHBOARD_PORT (a reverse proxy's https:// URL). */
  DASHBOARD_PUBLIC_URL: httpUrl.optional(),
});

const DEFAULT_TRAINING_CONTEXT_THRESHOLD = 0.7;
const DEFAULT_KNOWLEDGE_SIMILARITY_THRESHOLD = 0.7;

/** Settings the bot no longer reads, and what replaced them: named at start-up so an old .env does not mislead. */
const RETIRED_SETTINGS: Record<string, string> = {
  RESPONSE_TIMEOUT: 'it is replaced by OLLAMA_FIRST_TOKEN_TIMEOUT, OLLAMA_STALL_TIMEOUT and OLLAMA_ANSWER_TIMEOUT',
  MAX_CONTEXT_LENGTH: 'the prompt is now budgeted in tokens from OLLAMA_NUM_CTX',
};

/** One warning per retired setting that is still set. */
function retiredSettingWarnings(env: Record<string, string | undefined>): string[] {
  return Object.entries(RETIRED_SETTINGS)
    .filter(([key]) => (env[key] ?? '').trim() !== '')
    .map(([key, why]) => `${key} is no longer used (${why}); remove it from .env`);
}

type ParsedConfig = z.output<typeof configSchema>;
export type Config = Omit<ParsedConfig, 'SIMILARITY_THRESHOLD' | 'TRAINING_CONTEXT_THRESHOLD' | 'KNOWLEDGE_SIMILARITY_THRESHOLD'> & {
  TRAINING_CONTEXT_THRESHOLD: number;
  KNOWLEDGE_SIMILARITY_THRESHOLD: number;
};

/** `warnings`: settings that still work but should be changed (a deprecated name), to log at start-up. */
export type ConfigResult = { ok: true; config: Config; warnings: string[] } | { ok: false; problems: string[] };

/** The address /dashboard links point at; undefined while the dashboard is off. */
export function dashboardPublicUrl(config: Pick<Config, 'DASHBOARD_PORT' | 'DASHBOARD_HOST' | 'DASHBOARD_PUBLIC_URL'>): string | undefined {
  if (config.DASHBOARD_PORT === undefined) return undefined;
  return config.DASHBOARD_PUBLIC_URL ?? `http://${config.DASHBOARD_HOST}:${config.DASHBOARD_PORT}`;
}

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
  const { config, warnings } = withoutDeprecatedNames(result.data);
  if (config.TRAINING_CONTEXT_THRESHOLD > config.TRAINED_ANSWER_THRESHOLD) {
    const name = result.data.TRAINING_CONTEXT_THRESHOLD === undefined && result.data.SIMILARITY_THRESHOLD !== undefined ? 'SIMILARITY_THRESHOLD' : 'TRAINING_CONTEXT_THRESHOLD';
    return {
      ok: false,
      problems: [`${name}=${config.TRAINING_CONTEXT_THRESHOLD} must not be above TRAINED_ANSWER_THRESHOLD=${config.TRAINED_ANSWER_THRESHOLD}`],
    };
  }
  return { ok: true, config, warnings: [...warnings, ...retiredSettingWarnings(env)] };
}

/**
 * SIMILARITY_THRESHOLD once set two numbers of different scales (a calibrated confidence and an
 * embedding cosine). It still sets whichever of its two successors is not set, with a warning.
 */
function withoutDeprecatedNames(parsed: ParsedConfig): { config: Config; warnings: string[] } {
  const { SIMILARITY_THRESHOLD: legacy, TRAINING_CONTEXT_THRESHOLD: context, KNOWLEDGE_SIMILARITY_THRESHOLD: knowledge, ...rest } = parsed;
  const warnings =
    legacy === undefined
      ? []
      : [
          `SIMILARITY_THRESHOLD is deprecated: it is now two settings, TRAINING_CONTEXT_THRESHOLD (match confidence for trained entries given to the AI) ` +
            `and KNOWLEDGE_SIMILARITY_THRESHOLD (embedding similarity for knowledge-base entries). It still sets whichever of them is not set; rename it in .env.`,
        ];
  return {
    config: {
      ...rest,
      TRAINING_CONTEXT_THRESHOLD: context ?? legacy ?? DEFAULT_TRAINING_CONTEXT_THRESHOLD,
      KNOWLEDGE_SIMILARITY_THRESHOLD: knowledge ?? legacy ?? DEFAULT_KNOWLEDGE_SIMILARITY_THRESHOLD,
    },
    warnings,
  };
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
