import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { DiscordHttpError, ErrorCode, unauthorized } from './errors.js';
import type { UploadedFile } from './message-input.js';
import type { RateLimits, RequestInfo } from './rate-limits.js';

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
  headers: IncomingHttpHeaders;
}

export interface RestReply {
  status: number;
  body?: unknown;
  /** Extra headers (a route's own 429 carries Retry-After). */
  headers?: Record<string, string>;
}

export type Handler = (req: RestRequest) => RestReply | Promise<RestReply>;

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  keys: string[];
  auth: boolean;
  handler: Handler;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  at: number;
  /** Discord error code, when the answer was an error. */
  code?: number;
  /** The JSON body (or multipart payload_json) the client sent. */
  body?: unknown;
  files?: string[];
  /** The connection was closed without an answer (`FakeDiscord.faults.dropNext`); `status` stays 0. */
  dropped?: true;
  /** With `faults.dropNext({ lose: 'response' })`: the request was carried out, and this is the answer the client never got. */
  lostAnswer?: { status: number; code?: number };
}

/** Routes written as `/channels/:channelId/messages`; `auth: false` for interaction and webhook-token routes. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler, opts: { auth?: boolean } = {}): void {
    const keys: string[] = [];
    const pattern = template.replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ method, template, regex: new RegExp(`^${pattern}$`), keys, auth: opts.auth ?? true, handler });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
      return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

const MAX_BODY_BYTES = 100 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new DiscordHttpError(413, ErrorCode.RequestTooLarge, 'Request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses JSON or multipart/form-data (files plus `payload_json`), as discord.js sends them. */
async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    // The platform's own multipart parser (fetch Request), so the fake needs no parsing code of its own.
    const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
    const files: UploadedFile[] = [];
    const fields: Record<string, unknown> = {};
    let body: unknown;
    for (const [field, value] of form) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = parseJson(value);
        else fields[field] = value;
      } else {
        files.push({ field, filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { body: body ?? fields, files };
  }
  return { body: parseJson(raw.toString('utf8')), files: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.');
  }
}

/** Turns a path into the template and top-level id Discord keys rate-limit buckets on. */
export function requestInfo(method: string, path: string): RequestInfo {
  const webhook = /^\/webhooks\/(\d+)\/([^/]+)/.exec(path);
  const major = /^\/(?:channels|guilds)\/(\d+)/.exec(path);
  const template = path
    .replace(/^\/webhooks\/(\d+)\/([^/]+)/, '/webhooks/:id/:token')
    .replace(/^\/interactions\/(\d+)\/([^/]+)/, '/interactions/:id/:token')
    .replace(/\/\d{15,21}(?=\/|$)/g, '/:id')
    .replace(/\/@original(?=\/|$)/g, '/:id');
  return { method, path, template, majorId: webhook ? `${webhook[1]}/${webhook[2]}` : (major?.[1] ?? '') };
}

export interface RestServerDeps {
  router: Router;
  token: () => string;
  limits: RateLimits;
  log: RequestLogEntry[];
  /** Raw files the fake serves itself (attachment URLs). */
  serveFile: (path: string) => { data: Buffer; contentType: string } | undefined;
  onRejected: (params: Record<string, string>, req: { method: string; path: string }, err: DiscordHttpError) => void;
  onUnexpected: (err: unknown) => void;
  /** Throws Discord's refusal when the request names a server the bot is not in (guild-membership.ts). */
  access: (params: Record<string, string>, method: string, path: string) => void;
  /** Resolves when Discord may handle this request, or send its answer (`FakeDiscord.faults.holdNext` keeps some waiting). */
  held: (method: string, path: string, phase: 'request' | 'response', body: unknown) => Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Handles one HTTP request: CDN files, or `/api/v10/...` with auth, rate limits, faults and the route. */
export async function handleRequest(deps: RestServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const file = method === 'GET' ? deps.serveFile(url.pathname) : undefined;
  if (file) {
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.data.length }).end(file.data);
    return;
  }
  const api = /^\/api\/v(\d+)(\/.*)$/.exec(url.pathname);
  if (!api) return sendJson(res, 404, { message: '404: Not Found', code: 0 });
  const path = api[2]!;
  const entry: RequestLogEntry = { method, path, status: 0, at: Date.now() };
  deps.log.push(entry);
  let params: Record<string, string> = {};
  let loseAnswer: RequestLogEntry | undefined;
  /** Sends the answer, or with `faults.dropNext({ lose: 'response' })` closes the connection instead, the work done. */
  const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
    if (!loseAnswer) return sendJson(res, status, body, headers);
    const code = (body as { code?: unknown } | undefined)?.code;
    loseAnswer.lostAnswer = { status, ...(status >= 400 && typeof code === 'number' ? { code } : {}) };
    loseAnswer.status = 0;
    delete loseAnswer.code;
    loseAnswer.dropped = true;
    req.socket.destroy();
  };
  try {
    if (api[1] !== '10') throw new DiscordHttpError(400, ErrorCode.InvalidApiVersion, 'Invalid API version');
    const matched = deps.router.match(method, path);
    if (matched === undefined) throw new DiscordHttpError(404, 0, '404: Not Found');
    if (matched === 'method') throw new DiscordHttpError(405, 0, '405: Method Not Allowed');
    params = matched.params;
    if (matched.route.auth && req.headers.authorization !== `Bot ${deps.token()}`) throw unauthorized();
    if (matched.route.auth) deps.access(params, method, path);

    const info = requestInfo(method, path);
    const limited = deps.limits.intercept(info);
    if (limited?.drop === 'request') {
      await readBody(req);
      entry.dropped = true;
      req.socket.destroy();
      return;
    }
    // Discord does the work; only its answer is lost (see `answer` below).
    if (limited?.drop === 'response') loseAnswer = entry;
    else if (limited) {
      entry.status = limited.status;
      return sendJson(res, limited.status, limited.body, limited.headers);
    }
    const { body, files } = await parseBody(await readBody(req), req.headers['content-type'] ?? '');
    await deps.held(method, path, 'request', body);
    if (body !== undefined) entry.body = body;
    if (files.length) entry.files = files.map((f) => f.filename);
    const reply = await matched.route.handler({ method, path, params, query: url.searchParams, body, files, headers: req.headers });
    entry.status = reply.status;
    if (reply.status === 429) deps.limits.answered.push({ status: 429, path, method, at: Date.now() });
    await deps.held(method, path, 'response', body);
    answer(reply.status, reply.body, { ...(reply.status < 400 ? deps.limits.successHeaders(info) : {}), ...reply.headers });
  } catch (err) {
    if (err instanceof DiscordHttpError) {
      entry.status = err.status;
      entry.code = err.code;
      deps.onRejected(params, { method, path }, err);
      return answer(err.status, err.toJSON());
    }
    deps.onUnexpected(err);
    entry.status = 500;
    answer(500, { message: `500: Internal Server Error (fake: ${String(err)})`, code: 0 });
  }
}
