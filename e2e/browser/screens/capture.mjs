// The main screens as an agent and a customer see them, at desktop width in light and dark and at
// 390 px, into OUT_DIR: the issue notes' before-and-after pictures. Works against any build since
// issue 13 (it finds its way by addresses and labels only). Writes files; asserts nothing.
// Usage: scripts/screens.sh path/to/oxidesk OUT_DIR (which starts a seeded server and runs this).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

const base = process.env.OXIDESK_URL;
const out = process.env.OUT_DIR;
fs.mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

async function signedIn(user, password) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('User name or email').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.getByTestId('current-user').waitFor();
  return page;
}

async function shoot(page, name, address, ready) {
  for (const [suffix, width, scheme] of [['desktop', 1280, 'light'], ['desktop-dark', 1280, 'dark'], ['390', 390, 'light']]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${base}${address}`);
    await page.locator(ready).first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, `${name}-${suffix}.png`), fullPage: false });
  }
}

const agent = await signedIn(process.env.OXIDESK_ADMIN_USER, process.env.OXIDESK_ADMIN_PASSWORD);
const token = (await (await agent.request.post(`${base}/api/auth/refresh.json`)).json()).access_token;
const auth = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
const first = await (await agent.request.get(`${base}/api/tickets.json?per_page=1&threads=false`, { headers: auth })).json();
const number = first[0].ticket_number;
await shoot(agent, 'desk-home', '/desk/', '[data-testid="current-user"]');
await shoot(agent, 'desk-list', '/desk/tickets', '[data-testid="ticket-row"]');
await shoot(agent, 'desk-ticket', `/desk/tickets/${number}`, '[data-testid="thread"]');
await shoot(agent, 'desk-new-ticket', '/desk/tickets/new', 'form');
await browser.close();
console.log(`screens of ${base} written to ${out}`);
