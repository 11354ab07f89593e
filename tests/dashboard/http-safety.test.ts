import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.js';
import { testCore } from '../core/helpers.js';
import { GUILD_A } from '../core/temp-db.js';

/**
 * The dashboard's HTTP rules, request by request (what the browser tests cannot set by hand: Host,
 * sizes, raw headers). The server is the real one over a real core; Discord is a stand-in that
 * says who is staff.
 */
const STAFF = '300000000000000003';
type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

let running: RunningDashboard | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(core: Core, publicUrl?: string): Promise<{ port: number; base: string }> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    try {
      running = await startDashboard(core, {
        host: '127.0.0.1',
        port,
        publicUrl: publicUrl ?? `http://127.0.0.1:${port}`,
        directory: { isStaff: async () => true, guildName: () => 'Alpha' },
      });
      return { port, base: `http://127.0.0.1:${port}` };
    } catch (error) {
      if (attempt > 5) throw error;
    }
  }
}

function send(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Signs in as /dashboard's link does; the session cookie and the page's form token. */
async function signIn(core: Core, base: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const { token } = core.dashboardAccess.createLoginLink(GUILD_A, STAFF);
  const res = await send(base, `/login/${token}`, { method: 'POST', headers: { Origin: new URL(base).origin, 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
  expect(res.status).toBe(303);
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';')[0]!;
  const page = await send(base, '/training', { headers: { Cookie: cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return { cookie, csrf, setCookie };
}

describe('dashboard HTTP safety', () => {
  it('every page carries the security headers; the session cookie is HttpOnly and SameSite=Strict', async () => {
    const core = testCore();
    const { base } = await start(core);
    const { cookie, setCookie } = await signIn(core, base);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/); // plain http on 127.0.0.1
    const page = await send(base, '/', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('behind an https reverse proxy the cookie is Secure and __Host- prefixed', async () => {
    const core = testCore();
    const { port } = await start(core, 'https://support.example.org');
    const { token } = core.dashboardAccess.createLoginLink(GUILD_A, STAFF);
    const res = await send(`http://127.0.0.1:${port}`, `/login/${token}`, {
      method: 'POST',
      headers: { Host: 'support.example.org', Origin: 'https://support.example.org', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(res.status).toBe(303);
    expect(String(res.headers['set-cookie'])).toMatch(/^__Host-dashboard_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
  });

  it('refuses a Host that is not the dashboard (DNS rebinding) and pages without a session', async () => {
    const core = testCore();
    const { base } = await start(core);
    expect((await send(base, '/', { headers: { Host: 'evil.example:80' } })).status).toBe(421);
    const anonymous = await send(base, '/training');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toContain('Run /dashboard in your Discord server');
  });

  it('an oversized body is refused with 413, bad input with a clear 400, and nothing changes', async () => {
    const core = testCore();
    const { base } = await start(core);
    const { cookie, csrf } = await signIn(core, base);
    const post = (path: string, form: Record<string, string>) =>
      send(base, path, { method: 'POST', headers: { Cookie: cookie, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...form }).toString() });

    const huge = await post('/training', { question: 'Big?', answer: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body).toContain('too large');
    const empty = await post('/training', { question: '   ', answer: 'An answer.' });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatch(/question/i);
    const badId = await post('/training/abc', { question: 'Q?', answer: 'A.' });
    expect(badId.status).toBe(400);
    expect(badId.body).toContain('must be a number. Nothing was changed.');
    expect(core.training.count(GUILD_A)).toBe(0);

    const added = await post('/training', { question: 'How do I pay?', answer: 'With a card.', more_questions: 'Can I pay by card?\nWhich payment methods?' });
    expect(added.status).toBe(303);
    expect(core.training.all(GUILD_A).map((e) => [e.question, e.answer])).toEqual([
      ['How do I pay?', 'With a card.'],
      ['Can I pay by card?', 'With a card.'],
      ['Which payment methods?', 'With a card.'],
    ]);
  });
});
