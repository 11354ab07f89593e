import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DashboardAccess } from '../../src/core/dashboard/access.js';
import { openDatabase } from '../../src/db/database.js';
import { median, percentile } from '../lib/stats.js';

export interface DashboardRun {
  samples: number;
  /** The training table (50 rows), pages spread over the whole guild, first to last. */
  p50: number;
  p90: number;
  /** The same table filtered by a search word (every entry's text scanned). */
  searchP50: number;
  pages: number;
}

const PAGE_SIZE = 50;

function get(url: string, agent: Agent, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The dashboard's training page at full size, over real HTTP to the bot process: a staff member's
 * session is opened the way /dashboard's link opens one (a one-time token stored in the bot's
 * database, then the sign-in POST), and each sample is one whole page load, rendered HTML included.
 */
export async function measureDashboardTrainingPage(opts: { dbPath: string; guildId: string; staffId: string; baseUrl: string; entries: number; samples: number; warmUp: number }): Promise<DashboardRun> {
  const db = openDatabase(opts.dbPath);
  const { token } = new DashboardAccess(db).createLoginLink(opts.guildId, opts.staffId);
  db.close();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const origin = new URL(opts.baseUrl).origin;
  const signIn = await get(`${opts.baseUrl}/login/${token}`, agent, { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '0' }, 'POST');
  const cookie = String(signIn.headers['set-cookie'] ?? '').split(';')[0];
  if (signIn.status !== 303 || !cookie) throw new Error(`dashboard sign-in failed (${signIn.status}): ${signIn.body.slice(0, 300)}`);
  const pages = Math.ceil(opts.entries / PAGE_SIZE);
  const timeLoad = async (path: string): Promise<number> => {
    const start = performance.now();
    const res = await get(`${opts.baseUrl}${path}`, agent, { Cookie: cookie });
    const ms = performance.now() - start;
    if (res.status !== 200 || !res.body.includes('<tbody>')) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
    return ms;
  };
  for (let i = 0; i < opts.warmUp; i++) await timeLoad(`/training?page=${1 + ((i * 97) % pages)}`);
  const times: number[] = [];
  // Evenly over every page, so deep pages (large OFFSET) count as much as the first.
  for (let i = 0; i < opts.samples; i++) times.push(await timeLoad(`/training?page=${1 + Math.floor((i * pages) / opts.samples)}`));
  const searches: number[] = [];
  for (const word of ['password', 'refund', 'account', 'error', 'login', 'order', 'payment', 'update', 'email', 'delete']) searches.push(await timeLoad(`/training?q=${word}`));
  agent.destroy();
  return { samples: times.length, p50: median(times), p90: percentile(times, 90), searchP50: median(searches), pages };
}
