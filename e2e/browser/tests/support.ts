// What every browser story shares: failing on page and console errors, separate people in
// separate browser contexts, signing in through the UI, and screenshots at desktop and phone width.
import { expect, type Browser, type ConsoleMessage, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const shots = path.join(__dirname, '..', 'screenshots');

/** Console errors a healthy run still logs: the start-up session probe (401 without a refresh
 *  cookie), a sign-in refused by the rate limit (429, waited out by `signIn`), and — where a test
 *  provokes one — a 409 from a ticket changed meanwhile. */
export function isExpected(message: ConsoleMessage, allow409 = false): boolean {
  const text = message.text();
  const url = message.location().url;
  return (
    (text.includes('status of 401') && url.endsWith('/api/auth/refresh.json')) ||
    (text.includes('status of 429') && url.endsWith('/api/auth/login.json')) ||
    (allow409 && text.includes('status of 409') && /\/api\/tickets\.json\//.test(url))
  );
}

/** Collects page errors and unexpected console errors: a WASM panic shows up only there. */
export function watch(page: Page, problems: string[], who: string, options: { allow409?: boolean } = {}): void {
  page.on('pageerror', (error) => problems.push(`${who} pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !isExpected(message, options.allow409 ?? false)) {
      problems.push(`${who} console error: ${message.text()} (${message.location().url})`);
    }
  });
}

/** A person of their own: a fresh browser context (own cookies, own session). */
/**
 * A second server on the same database (PostgreSQL runs of run.sh), else undefined (the first one):
 * the live stories put their second person there, so what they see must travel between replicas.
 */
export const replicaURL: string | undefined = process.env.OXIDESK_REPLICA_URL;

export async function newPerson(browser: Browser, problems: string[], who: string, baseURL?: string): Promise<Page> {
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const page = await context.newPage();
  watch(page, problems, who);
  return page;
}

/** Signs in through the sign-in page, waiting out the server's per-address rate limit. */
export async function signIn(page: Page, who: string, secret: string): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    // A fresh page each time: the alert of a refused attempt must not answer for the next one.
    await page.goto('/login');
    await page.getByLabel('User name or email').fill(who);
    await page.getByLabel('Password', { exact: true }).fill(secret);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    const outcome = await Promise.race([
      page.waitForURL((url) => !url.pathname.startsWith('/login')).then(() => 'in'),
      page.getByRole('alert').filter({ hasText: /try again in/ }).waitFor().then(() => 'limited'),
    ]);
    if (outcome === 'in') {
      // An agent lands in the desk by a page load, which restores the session from the refresh
      // cookie: wait until it has, so that a test's own refresh never races it (a refresh token
      // presented twice ends the session, as it should).
      await page.getByTestId('current-user').waitFor();
      return;
    }
    const text = await page.getByRole('alert').filter({ hasText: /try again in/ }).innerText();
    const seconds = Number(/try again in (\d+)/.exec(text)?.[1] ?? '10');
    await page.waitForTimeout((seconds + 1) * 1000);
  }
  throw new Error(`could not sign in as ${who}`);
}

/** Screenshots at desktop width (light and dark) and at 390 px, and checks nothing is wider than the phone. */
export async function snap(page: Page, name: string): Promise<void> {
  fs.mkdirSync(shots, { recursive: true });
  const desktop = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.screenshot({ path: path.join(shots, `${name}-desktop.png`), fullPage: true });
  // Dark mode follows prefers-color-scheme.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(shots, `${name}-desktop-dark.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${name} is wider than a 390 px screen`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(shots, `${name}-390.png`), fullPage: true });
  await page.setViewportSize(desktop);
}

/** The link (a path to open) in the newest account mail to `recipient` that goes to `page` (e.g.
 *  `/confirm`). The outbox shows `hidden-until-sent` where the token goes (checked in Admin ›
 *  Outbox), and the token is issued only when the mail leaves: so the administrator points the desk
 *  at the plain test SMTP sink of scripts/mail.sh, and the link is read from the mail that arrived
 *  there, found by its Message-ID. */
export async function mailedLink(admin: Page, recipient: string, page: string): Promise<string> {
  const mailDir = process.env.OXIDESK_MAIL_TEST_DIR ?? '';
  if (mailDir === '') throw new Error('OXIDESK_MAIL_TEST_DIR is not set (run scripts/mail.sh)');
  await admin.goto('/desk/admin/outbox');
  const shown = admin.getByTestId('outbox-mail').filter({ hasText: recipient }).first();
  await shown.locator('summary').click();
  await expect(shown.locator('.mail-body')).toContainText(`${page}?token=hidden-until-sent`);

  const refreshed = await admin.request.post('/api/auth/refresh.json');
  const auth = { Authorization: `Bearer ${(await refreshed.json()).access_token as string}` };
  const smtp = { smtp_host: '127.0.0.1', smtp_port: 10025, smtp_security: 'none', from_address: 'desk@desk.test' };
  expect((await admin.request.put('/api/mail/settings.json', { headers: auth, data: smtp })).status()).toBe(200);
  let messageId = '';
  await expect(async () => {
    const outbox = await (await admin.request.get('/api/outbox.json?per_page=100', { headers: auth })).json();
    const mail = (outbox as Array<Record<string, string>>).find(
      (m) => m.recipient === recipient && m.body.includes(`${page}?token=hidden-until-sent`),
    );
    expect(mail?.status).toBe('sent');
    messageId = mail?.message_id ?? '';
  }).toPass({ timeout: 30_000 });

  const dir = path.join(mailDir, 'smtp-plain', 'new');
  for (const name of fs.readdirSync(dir)) {
    const raw = fs.readFileSync(path.join(dir, name), 'utf8');
    const head = raw.split(/\r?\n\r?\n/)[0];
    if (!new RegExp(`^Message-ID:\\s*${messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'mi').test(head)) continue;
    // The text part is quoted-printable: soft line breaks out, `=XX` back to its character.
    const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    const match = new RegExp(`https?://[^\\s"<]*(${page}\\?token=[A-Za-z0-9]+)`).exec(text);
    if (!match) throw new Error(`no ${page} link in the mail ${messageId} to ${recipient}: ${raw}`);
    return match[1];
  }
  throw new Error(`the mail ${messageId} to ${recipient} is not in ${dir}`);
}

/** Headers for the API as the person signed in on `page` (a fresh token from their refresh cookie). */
export async function bearer(page: Page): Promise<Record<string, string>> {
  const token = (await (await page.request.post('/api/auth/refresh.json')).json()).access_token as string;
  return { Authorization: `Bearer ${token}`, Accept: 'application/json' };
}
