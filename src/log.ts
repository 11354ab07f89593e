import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** JSON-lines log file; omitted: console only. */
  file?: string;
  /** Values never to be written anywhere (the bot token). */
  secrets?: readonly string[];
  /** Console output; defaults to stdout, pretty-printed. Tests pass a stream or false. */
  console?: NodeJS.WritableStream | false;
}

const REDACTED = '[REDACTED]';

/** Field names that hold secrets wherever they appear in a log object. */
const REDACT_PATHS = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
];

/** Replaces every occurrence of a secret (and Discord's "Bot <token>" header form) in a string. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  return out;
}

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const copy: Record<string, unknown> = { type: value.name, message: scrubSecrets(value.message, secrets) };
    if (value.stack) copy.stack = scrubSecrets(value.stack, secrets);
    for (const [k, v] of Object.entries(value)) copy[k] = scrubDeep(v, secrets, depth + 1);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = scrubDeep(v, secrets, depth + 1);
  return copy;
}

/**
 * Console (readable) plus a JSON-lines file. Secrets are removed twice over: by field name
 * (pino's redact) and by value, so a token quoted inside an error message is caught too.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s && s.length >= 8);
  const streams: pino.StreamEntry[] = [];
  if (options.console !== false) {
    streams.push({
      level: options.level as pino.Level,
      stream: pretty({ colorize: options.console === undefined && process.stdout.isTTY, destination: options.console ?? 1, sync: true }),
    });
  }
  if (options.file) {
    const path = resolve(options.file);
    mkdirSync(dirname(path), { recursive: true });
    // Synchronous: a support bot logs little, and an early exit must not lose (or trip over) buffered lines.
    streams.push({ level: options.level as pino.Level, stream: pino.destination({ dest: path, sync: true, mkdir: true }) });
  }
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: {
        logMethod(args, method) {
          if (secrets.length === 0) return method.apply(this, args);
          const cleaned = args.map((a) => scrubDeep(a, secrets)) as Parameters<typeof method>;
          return method.apply(this, cleaned);
        },
      },
      serializers: { err: pino.stdSerializers.err },
    },
    streams.length > 0 ? pino.multistream(streams) : pino.destination('/dev/null'),
  );
}

/** A logger that writes nothing, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
