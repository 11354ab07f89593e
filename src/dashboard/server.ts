import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Core } from '../core/core.js';
import type { DashboardSession } from '../core/dashboard/access.js';
import { SESSION_TTL_MS } from '../core/dashboard/access.js';
import { describeStorageFailure, isUserError } from '../core/errors.js';
import { APP_JS, STYLE_CSS } from './assets.js';
import { checkCsrfToken, checkSameOrigin, StaffGate, type DiscordDirectory } from './auth.js';
import type { PageContext, Route } from './context.js';
import { html } from './html.js';
import { FORM_BODY_LIMIT, HttpError, parseCookies, readForm, redirect, sendHtml, setSecurityHeaders } from './http.js';
import { page, plainPage } from './layout.js';
import { dashboardRoutes } from './pages/index.js';

export interface DashboardOptions {
  host: string;
  port: number;
  /** The address staff open (a reverse proxy's https:// URL, or http://host:port). */
  publicUrl: string;
  directory: DiscordDirectory;
}

export interface RunningDashboard {
  /** The address it listens on. */
  listening: string;
  close(): Promise<void>;
}

const NOT_SIGNED_IN = 'You are not signed in, or your session has ended. Run /dashboard in your Discord server to get a new link.';

/** The dashboard's HTTP server: node:http, one route table, every request scoped to the session's server. */
export async function startDashboard(core: Core, opts: DashboardOptions): Promise<RunningDashboard> {
  const log = core.logger.child({ module: 'dashboard' });
  const publicUrl = new URL(opts.publicUrl);
  const secure = publicUrl.protocol === 'https:';
  // __Host- cookies must be Secure; over plain http (localhost) the name has no prefix.
  const cookieName = secure ? '__Host-dashboard_session' : 'dashboard_session';
  const allowedOrigins = new Set([publicUrl.origin, `http://${opts.host}:${opts.port}`]);
  if (opts.host === '127.0.0.1') allowedOrigins.add(`http://localhost:${opts.port}`);
  // A Host header naming another site (DNS rebinding) is refused before anything else.
  const allowedHosts = new Set([...allowedOrigins].map((o) => new URL(o).host));
  const gate = new StaffGate(opts.directory, core.dashboardAccess);
  const routes = dashboardRoutes();

  const sessionOf = (req: IncomingMessage): { id: string; session: DashboardSession } | undefined => {
    const id = parseCookies(req.headers.cookie).get(cookieName);
    const session = id ? core.dashboardAccess.session(id) : undefined;
    return id && session ? { id, session } : undefined;
  };
  const setCookie = (res: ServerResponse, value: string, maxAgeSeconds: number) =>
    res.setHeader('Set-Cookie', `${cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`);

  async function login(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const token = url.pathname.slice('/login/'.length);
    if (req.method === 'GET') {
      // Opening the link does not use it: a link preview or prefetch cannot spend it; the button does.
      return sendHtml(
        res,
        200,
        plainPage('Open the dashboard', html`<p>This link signs you in once. It expires 10 minutes after you ran /dashboard.</p>
<form method="post" action="${url.pathname}"><button id="sign-in">Sign in</button></form>`),
      );
    }
    checkSameOrigin(req, allowedOrigins);
    await readForm(req);
    const redeemed = core.dashboardAccess.redeem(token);
    if (!redeemed) {
      return sendHtml(res, 410, plainPage('This link no longer works', html`<p>Each link works once and for 10 minutes. Run /dashboard in your Discord server for a new one.</p>`));
    }
    await gate.require(redeemed.session, true);
    setCookie(res, redeemed.sessionId, SESSION_TTL_MS / 1000);
    log.info({ guildId: redeemed.session.guildId, userId: redeemed.session.userId }, 'dashboard sign-in');
    redirect(res, '/');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    if (!allowedHosts.has(req.headers.host ?? '')) throw new HttpError(421, 'This address is not the dashboard’s. Open the link /dashboard gave you.');
    const url = new URL(req.url ?? '/', publicUrl.origin);
    if (req.method === 'GET' && url.pathname === '/static/style.css') return sendAsset(res, 'text/css', STYLE_CSS);
    if (req.method === 'GET' && url.pathname === '/static/app.js') return sendAsset(res, 'text/javascript', APP_JS);
    if (/^\/login\/[\w-]{20,100}$/.test(url.pathname) && (req.method === 'GET' || req.method === 'POST')) return login(req, res, url);

    const signedIn = sessionOf(req);
    if (!signedIn) {
      if (req.method === 'POST') checkSameOrigin(req, allowedOrigins);
      return sendHtml(res, 401, plainPage('Sign in from Discord', html`<p>${NOT_SIGNED_IN}</p>`));
    }
    const { session } = signedIn;
    if (req.method === 'POST' && url.pathname === '/logout') {
      checkSameOrigin(req, allowedOrigins);
      checkCsrfToken(session, (await readForm(req))._csrf);
      core.dashboardAccess.end(signedIn.id);
      setCookie(res, '', 0);
      return sendHtml(res, 200, plainPage('Signed out', html`<p>You are signed out. Run /dashboard in Discord to sign in again.</p>`));
    }
    const found = findRoute(routes, req.method ?? 'GET', url.pathname);
    if (!found) throw new HttpError(404, 'There is no such page.');
    const write = found.route.method === 'POST';
    let form: Record<string, string | string[]> = {};
    if (write) {
      checkSameOrigin(req, allowedOrigins);
      form = await readForm(req, found.route.bodyLimit ?? FORM_BODY_LIMIT);
      checkCsrfToken(session, form._csrf);
    }
    await gate.require(session, write);
    const serverName = opts.directory.guildName(session.guildId) ?? `Server ${session.guildId}`;
    const ctx: PageContext = {
      core,
      session,
      req,
      res,
      url,
      params: found.params,
      form,
      render(title, body, extra = {}) {
        sendHtml(res, extra.status ?? 200, page({ title, path: url.pathname, serverName, csrfToken: session.csrfToken, notice: extra.notice, error: extra.error }, body));
      },
    };
    try {
      await found.route.handle(ctx);
    } catch (error) {
      const message = isUserError(error) ? error.message : describeStorageFailure(error);
      if (message === undefined) throw error;
      ctx.render('Nothing was changed', html`<p><a href="${url.pathname}">Back</a></p>`, { status: isUserError(error) ? 400 : 503, error: message });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof HttpError) {
        // Drain nothing more of a refused body; the connection closes after the answer.
        res.setHeader('Connection', 'close');
        const title = error.status === 404 ? 'Not found' : error.status === 503 ? 'Try again' : 'Refused';
        return sendHtml(res, error.status, plainPage(title, html`<p class="error" role="alert">${error.message}</p><p><a href="/">Dashboard home</a></p>`));
      }
      log.error({ err: error, path: req.url?.split('?')[0] }, 'dashboard request failed');
      sendHtml(res, 500, plainPage('Something went wrong', html`<p>The request failed; it has been logged for the bot’s operator.</p>`));
    });
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const listening = `http://${opts.host}:${opts.port}`;
  log.info(`Dashboard listening on ${listening} (staff open it through /dashboard at ${publicUrl.origin})`);
  return {
    listening,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendAsset(res: ServerResponse, type: string, body: string): void {
  res.setHeader('Cache-Control', 'max-age=300');
  res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8` });
  res.end(body);
}

function findRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.path.exec(path);
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}
