import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from '../free-port.js';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FakeOllama } from '../fakes/ollama.js';
import { ROOT, startBotProcess, type NodeProcess } from '../reliability/helpers.js';
import { botMessages, TRAINED_ENV } from './support-helpers.js';

/**
 * The web dashboard in a real browser: headless Chromium (Debian's `chromium`, installed by
 * .ci/run) driven by puppeteer-core, against the bot as `npm start` runs it, the fake Discord and
 * the fake Ollama. Every assertion is what a staff member sees in the browser or a member in Discord.
 */
/** The page's own globals, inside page.evaluate() callbacks (the test is type-checked without the DOM library). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; other runs write them to a temp folder, so a test run leaves the work tree clean. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'dashboard-shots-'));
const SCRIPT_ANSWER = '<script>alert(1)</script>';

/** A server as the bot meets it: owner, staff role and member, a member, a ticket forum. */
function createServerScene(fake: FakeDiscord, name: string) {
  const guild = fake.createGuild({ name, ownerName: `${name} admin` });
  const staffRole = fake.createRole(guild.id, { name: 'Support', permissions: PermissionFlagsBits.ManageMessages });
  const staff = fake.addMember(guild.id, { username: `${name} staff`, roles: [staffRole.id] });
  const member = fake.addMember(guild.id, { username: `${name} member` });
  const forum = fake.createChannel(guild.id, { type: ChannelType.GuildForum, name: 'tickets' });
  const general = fake.createChannel(guild.id, { type: ChannelType.GuildText, name: 'general' });
  return { guildId: guild.id, adminId: guild.ownerId, staffRoleId: staffRole.id, staffId: staff.id, memberId: member.id, forumId: forum.id, generalId: general.id };
}
type Scene = ReturnType<typeof createServerScene>;

describe('web dashboard in a real browser', () => {
  let fake: FakeDiscord;
  let ollama: FakeOllama;
  let bot: NodeProcess & { dbPath: string };
  let browser: Browser;
  let page: Page;
  let port: number;
  let a: Scene;
  let b: Scene;

  async function command(scene: Scene, userId: string, name: string, options: Record<string, string> = {}, overrideCommandPermissions = false) {
    const handle = await fake.invokeSlashCommand({ guildId: scene.guildId, channelId: scene.generalId, userId, name, options, overrideCommandPermissions });
    return handle.waitForResponse({ timeoutMs: 10_000 });
  }

  /** What /dashboard shows the member; the link in it, if any. */
  async function dashboardLink(scene: Scene, userId: string, overrideCommandPermissions = false): Promise<{ text: string; link: string | undefined }> {
    const reply = await command(scene, userId, 'dashboard', {}, overrideCommandPermissions);
    return { text: reply.content, link: /<(http:\/\/[^>]+\/login\/[\w-]+)>/.exec(reply.content)?.[1] };
  }

  async function signIn(target: Page, link: string): Promise<number | undefined> {
    await target.goto(link);
    const [response] = await Promise.all([target.waitForNavigation(), target.click('#sign-in')]);
    return response?.status();
  }

  const text = (target: Page) => target.$eval('body', (el) => el.innerText);

  /**
   * A form a staff member edited by hand (developer tools) and sent from the dashboard's own page:
   * `fields` as given, plus the page's CSRF token unless `withToken` is false. (The CSP forbids the
   * page any fetch(), so a real form is built and submitted.)
   */
  async function postEditedForm(action: string, fields: Record<string, string>, withToken = true): Promise<{ status: number | undefined; text: string }> {
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(
        (target, values, token) => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = target;
          const all = { ...values, ...(token ? { _csrf: document.querySelector('input[name=_csrf]').value } : {}) };
          for (const [name, value] of Object.entries(all)) form.append(Object.assign(document.createElement('input'), { name, value }));
          document.body.append(form);
          form.submit();
        },
        action,
        fields,
        withToken,
      ),
    ]);
    return { status: response?.status(), text: await text(page) };
  }

  beforeAll(async () => {
    [fake, ollama, port] = await Promise.all([FakeDiscord.start(), FakeOllama.start(), freePort()]);
    a = createServerScene(fake, 'Alpha');
    b = createServerScene(fake, 'Beta');
    bot = await startBotProcess({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      OLLAMA_URL: ollama.url,
      DASHBOARD_PORT: String(port),
      ...TRAINED_ENV,
    });
    await bot.waitForLine(/Dashboard listening/);
    for (const scene of [a, b]) await command(scene, scene.adminId, 'setup', { forum: scene.forumId, staff_role: scene.staffRoleId });
    await command(a, a.staffId, 'train', { question: 'How do I reset my password?', answer: 'Old answer: ask an admin.', category: 'account' });
    await command(a, a.staffId, 'train', { question: 'Can I run scripts?', answer: SCRIPT_ANSWER });
    await command(b, b.staffId, 'train', { question: 'Beta secret question?', answer: 'Beta secret answer.' });
    await command(b, b.staffId, 'kb_create', { name: 'Beta handbook' });
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on('dialog', (dialog) => void dialog.dismiss().then(() => expect.fail(`a dialog opened: ${dialog.message()}`)));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    bot?.child.kill('SIGTERM');
    await bot?.exited;
    await Promise.all([fake?.stop(), ollama?.stop()]);
  }, 30_000);

  it('a member without the staff role gets no link', async () => {
    // Discord hides /dashboard from members without Manage Messages; an admin may still allow it to
    // them in Server Settings → Integrations, and then the bot itself refuses.
    const { text: reply, link } = await dashboardLink(a, a.memberId, true);
    expect(link).toBeUndefined();
    expect(reply).toContain('Only staff');
  });

  it('/dashboard link → sign in → edit a trained answer → the next ticket gets the edited answer', async () => {
    const { text: reply, link } = await dashboardLink(a, a.staffId);
    expect(reply).toContain('works once');
    expect(await signIn(page, link!)).toBe(200);
    expect(await text(page)).toContain('Tickets opened');

    await page.goto(`http://127.0.0.1:${port}/training?q=password`);
    const row = (await page.$$('tbody tr')).length;
    expect(row).toBe(1);
    await page.click('tbody tr details summary');
    await page.$eval('tbody tr form.edit textarea[name=answer]', (el) => ((el as unknown as { value: string }).value = ''));
    await page.type('tbody tr form.edit textarea[name=answer]', 'New answer: use the “Forgot password” link on the sign-in page.');
    await Promise.all([page.waitForNavigation(), page.click('tbody tr form.edit button')]);
    expect(await text(page)).toMatch(/Entry #\d+ saved/);
    expect(await page.$eval('tbody tr td.answer', (el) => el.textContent)).toBe('New answer: use the “Forgot password” link on the sign-in page.');

    const { thread } = fake.createForumPostAsUser({ forumId: a.forumId, userId: a.memberId, title: 'Password', content: 'How do I reset my password?' });
    const answer = await fake.waitFor(() => botMessages({ fake }, thread.id).find((m) => m.content.includes('answer')), 10_000, 'the bot to answer');
    expect(answer.content).toContain('New answer: use the “Forgot password” link');
    expect(answer.content).not.toContain('Old answer');

    // A question nothing matches, answered by the (fake) AI: something for the overview to show.
    ollama.reply = 'The AI answer.';
    const other = fake.createForumPostAsUser({ forumId: a.forumId, userId: a.memberId, title: 'Refund', content: 'Can I get my money back for a yearly plan?' });
    await fake.waitFor(() => botMessages({ fake }, other.thread.id).some((m) => m.content.includes('The AI answer')), 10_000, 'the AI answer');

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.goto(`http://127.0.0.1:${port}/training`);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-training.png') });
    await page.goto(`http://127.0.0.1:${port}/?days=7`);
    expect(await text(page)).toContain('Can I get my money back for a yearly plan?'); // a knowledge gap, with "Train an answer for this"
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-overview.png'), fullPage: true });
  });

  it('a sign-in link works once, and not after it expired', async () => {
    const { link } = await dashboardLink(a, a.staffId);
    const context = await browser.createBrowserContext();
    try {
      const fresh = await context.newPage();
      expect(await signIn(fresh, link!)).toBe(200);
      const again = await context.newPage();
      expect(await signIn(again, link!)).toBe(410);
      expect(await text(again)).toContain('This link no longer works');

      const late = await dashboardLink(a, a.staffId);
      // Ten minutes pass for the bot's stored link (the bot process reads the same database file).
      const db = new BetterSqlite3(bot.dbPath);
      db.prepare('UPDATE dashboard_login_links SET expires_at = ? WHERE used_at IS NULL').run(Date.now() - 1);
      db.close();
      expect(await signIn(again, late.link!)).toBe(410);
    } finally {
      await context.close();
    }
  });

  it("server A's session cannot read or change server B's entries, even with B's ids in the URL", async () => {
    const db = new BetterSqlite3(bot.dbPath, { readonly: true });
    const bEntry = db.prepare('SELECT id FROM training_entries WHERE guild_id = ?').get(b.guildId) as { id: number };
    const bKb = db.prepare('SELECT id FROM knowledge_bases WHERE guild_id = ?').get(b.guildId) as { id: number };
    db.close();

    await page.goto(`http://127.0.0.1:${port}/training?q=Beta`);
    expect(await text(page)).toContain('0 entries matching');
    expect(await text(page)).not.toContain('Beta secret');
    const kbPage = await page.goto(`http://127.0.0.1:${port}/knowledge/${bKb.id}`);
    expect(kbPage?.status()).toBe(404);
    expect(await text(page)).not.toContain('Beta handbook');

    // A hand-made edit of B's entry, posted from A's own session with a valid form token.
    await page.goto(`http://127.0.0.1:${port}/training`);
    const result = await postEditedForm(`/training/${bEntry.id}`, { question: 'Hijacked?', answer: 'Hijacked.', category: '', tags: '' });
    expect(result.status).toBe(400);
    expect(result.text).toContain(`There is no training entry #${bEntry.id} in this server.`);
    const list = await command(b, b.staffId, 'training_list');
    expect(JSON.stringify(list.embeds)).toContain('Beta secret answer.');
    expect(JSON.stringify(list.embeds)).not.toContain('Hijacked');
  });

  it('a training answer "<script>alert(1)</script>" shows as text', async () => {
    await page.goto(`http://127.0.0.1:${port}/training?q=scripts`);
    expect(await page.$eval('tbody tr td.answer', (el) => el.textContent)).toBe(SCRIPT_ANSWER);
    expect(await page.$$eval('main script', (scripts) => scripts.length)).toBe(0);
  });

  it('a cross-site form post is refused and changes nothing; so is a post without the form token', async () => {
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<form method="post" action="http://127.0.0.1:${port}/training"><input name="question" value="Forged question?"><input name="answer" value="Forged."></form>
<script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const response = page.waitForResponse((r) => r.url() === `http://127.0.0.1:${port}/training` && r.request().method() === 'POST');
      await page.goto(`http://127.0.0.1:${(attacker.address() as { port: number }).port}/`);
      expect((await response).status()).toBe(403);
      await page.waitForFunction(() => document.body.innerText.includes('refused'));
      expect(await text(page)).toContain('This form was sent from another site, so it was refused');
    } finally {
      attacker.close();
    }
    await page.goto(`http://127.0.0.1:${port}/training`);
    const noToken = await postEditedForm('/training', { question: 'No token?', answer: 'No.' }, false);
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('did not come from the dashboard');
    await page.goto(`http://127.0.0.1:${port}/training?q=Forged`);
    expect(await text(page)).toContain('0 entries matching');
    await page.goto(`http://127.0.0.1:${port}/training?q=No token`);
    expect(await text(page)).toContain('0 entries matching');
  });

  it('a member who loses the staff role is signed out at their next change', async () => {
    fake.setMemberRoles(a.guildId, a.staffId, []);
    await page.goto(`http://127.0.0.1:${port}/training?q=password`);
    await page.click('tbody tr details summary');
    const [response] = await Promise.all([page.waitForNavigation(), page.click('tbody tr form.edit button')]);
    expect(response?.status()).toBe(403);
    expect(await text(page)).toContain('You are no longer staff in this server');
    const after = await page.goto(`http://127.0.0.1:${port}/training`);
    expect(after?.status()).toBe(401);
  });
});
