import type { IncomingMessage, ServerResponse } from 'node:http';
import { SafeHtml } from './html.js';

/** A form post is small; an import (a JSON file pasted or picked) may be as large as the slash command's. */
export const FORM_BODY_LIMIT = 64 * 1024;
export const IMPORT_BODY_LIMIT = 11 * 1024 * 1024;

/** The request is refused with this status and message, nothing changed. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Security headers on every response. The CSP allows only this origin's own stylesheet and script
 * (no inline script, so injected markup could not run even if escaping failed), no framing, and
 * forms posting only here. same-origin keeps a log-in link's token out of any Referer header sent
 * elsewhere (no-referrer would also blank the Origin of our own form posts, which the CSRF check needs).
 */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

export function sendHtml(res: ServerResponse, status: number, body: SafeHtml): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html>\n${body.value}`);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location });
  res.end();
}

export function sendDownload(res: ServerResponse, filename: string, data: unknown): void {
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
  });
  res.end(JSON.stringify(data, null, 2));
}

/** The body, refused with 413 past `limit` bytes (checked on Content-Length first, then while reading). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () => new HttpError(413, `The request is too large (the limit is ${Math.round(limit / 1024)} KB). Nothing was changed.`);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An application/x-www-form-urlencoded body; repeated names (checkboxes) become arrays. */
export async function readForm(req: IncomingMessage, limit = FORM_BODY_LIMIT): Promise<Record<string, string | string[]>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'Forms must be sent as application/x-www-form-urlencoded. Nothing was changed.');
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(await readBody(req, limit))) {
    const existing = form[key];
    form[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return form;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}
