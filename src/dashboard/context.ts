import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../core/core.js';
import type { DashboardSession } from '../core/dashboard/access.js';
import type { SafeHtml } from './html.js';

/** What a page handler gets: the core, the signed-in member's session (its server is the only one it sees), the request. */
export interface PageContext {
  core: Core;
  session: DashboardSession;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The route's captured path parts (ids). */
  params: string[];
  /** The posted form (POST routes only; already size-limited and CSRF-checked). */
  form: Record<string, string | string[]>;
  /** Sends a full page of the dashboard. */
  render(title: string, body: SafeHtml, opts?: { status?: number; error?: string; notice?: string }): void;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Matched against the path; capture groups become `params`. */
  path: RegExp;
  /** Body limit for POST routes (default FORM_BODY_LIMIT). */
  bodyLimit?: number;
  handle(ctx: PageContext): Promise<void> | void;
}
