import { AttachmentBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';

/** What the download needs of a Discord attachment (discord.js's `Attachment` fits). */
export interface AttachmentSource {
  readonly name: string;
  readonly url: string;
  readonly size: number;
  readonly contentType: string | null;
}

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs?: number;
  /** Stand-in for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** Imports are a few megabytes at most; a slow link gets this long before we give up. */
export const DOWNLOAD_TIMEOUT_MS = 15_000;

const MIB = 1024 * 1024;

/** "10 MB", "52.4 MB", "812 KB", "12 bytes": binary units, the way Discord shows file sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const [value, unit] = bytes < MIB ? [bytes / 1024, 'KB'] : [bytes / MIB, 'MB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}

function tooBig(bytes: number, maxBytes: number): UserError {
  return new UserError(`The file is ${formatBytes(bytes)}; the limit is ${formatBytes(maxBytes)}.`);
}

function downloadFailed(reason: string): UserError {
  return new UserError(`Could not download the file: ${reason}`);
}

/** Text types an export can arrive as; Discord guesses the type from the file name, and may give none. */
function isTextType(contentType: string | null): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || type === 'application/json' || type.endsWith('+json') || type === 'application/octet-stream';
}

/**
 * Downloads an attachment from the URL Discord gives and returns its text: refused before the
 * download when Discord reports it too big or not text, and cut off when it grows past the limit
 * anyway. Every failure is a UserError that says what to do.
 */
export async function downloadTextAttachment(attachment: AttachmentSource, options: DownloadOptions): Promise<string> {
  const { maxBytes, timeoutMs = DOWNLOAD_TIMEOUT_MS } = options;
  if (attachment.size > maxBytes) throw tooBig(attachment.size, maxBytes);
  if (!isTextType(attachment.contentType)) {
    throw new UserError(`${attachment.name} is not a text file (${attachment.contentType}): upload the JSON file an export produced.`);
  }
  const bytes = await fetchLimited(attachment.url, maxBytes, timeoutMs, options.fetch ?? fetch);
  return decodeText(bytes, attachment.name);
}

async function fetchLimited(url: string, maxBytes: number, timeoutMs: number, fetchImpl: typeof fetch): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = () => downloadFailed(`it took longer than ${timeoutMs / 1000} seconds. Try again in a moment.`);
  let response: Response;
  try {
    response = await fetchImpl(url, { signal });
  } catch (error) {
    if (signal.aborted) throw timedOut();
    throw downloadFailed(`${describeNetworkError(error)}. Try again in a moment.`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw downloadFailed(`Discord answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. Try uploading it again.`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig(declared, maxBytes);
  }
  if (!response.body) return new Uint8Array();

  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      // The size Discord reported is only a claim: stop reading the moment it is exceeded.
      if (received > maxBytes) throw tooBig(received, maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof UserError) throw error;
    if (signal.aborted) throw timedOut();
    throw downloadFailed(`${describeNetworkError(error)}. Try again in a moment.`);
  }
  return Buffer.concat(chunks);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return `the connection failed (${cause.code})`;
  return 'the connection failed';
}

/** UTF-8 text, without a byte-order mark; NUL bytes or invalid UTF-8 mean it is not a text file. */
export function decodeText(bytes: Uint8Array, name: string): string {
  const notText = new UserError(`${name} is not a text file: upload the JSON file an export produced.`);
  if (bytes.includes(0)) throw notText;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw notText;
  }
}

/** Discord's upload limit for a bot in a server without boosts. */
export const UPLOAD_LIMIT_BYTES = 10 * MIB;

/**
 * An export as a JSON file to attach: indented for people to read when it fits Discord's upload
 * limit, compact when only that fits, else a clear refusal.
 */
export function jsonFile(data: unknown, name: string): AttachmentBuilder {
  let bytes = Buffer.from(JSON.stringify(data, null, 2), 'utf8');
  if (bytes.length > UPLOAD_LIMIT_BYTES) bytes = Buffer.from(JSON.stringify(data), 'utf8');
  if (bytes.length > UPLOAD_LIMIT_BYTES) {
    throw new UserError(`The export is ${formatBytes(bytes.length)}, over Discord's upload limit of ${formatBytes(UPLOAD_LIMIT_BYTES)}. Delete unused entries and try again.`);
  }
  return new AttachmentBuilder(bytes, { name });
}

/** `training-<guild>-2025-01-31.json`: what, where from, and when, sortable by name. */
export function exportFileName(kind: string, guildId: string, now = new Date()): string {
  return `${kind}-${guildId}-${now.toISOString().slice(0, 10)}.json`;
}
