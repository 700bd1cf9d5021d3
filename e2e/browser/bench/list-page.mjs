// How long the ticket list takes to show its first page in headless Chromium, against a server
// that bench-ui.sh filled with tickets. Prints figures; asserts nothing (timings vary by machine).
// Usage: OXIDESK_URL=… OXIDESK_ADMIN_USER=… OXIDESK_ADMIN_PASSWORD=… node bench/list-page.mjs
import { chromium } from '@playwright/test';

const base = process.env.OXIDESK_URL;
const runs = Number(process.env.RUNS ?? 7);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
const page = await browser.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));

await page.goto(`${base}/login`);
await page.getByLabel('User name or email').fill(process.env.OXIDESK_ADMIN_USER);
await page.getByLabel('Password', { exact: true }).fill(process.env.OXIDESK_ADMIN_PASSWORD);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL((url) => url.pathname.startsWith('/desk/'));
// The desk restores the session from the refresh cookie after its page load; leaving before that
// answer arrives would present the old refresh token again (which ends the session).
await page.getByTestId('current-user').waitFor();

const firstRow = page.getByTestId('ticket-row').first();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A full load: the document, the WASM, the session refresh, then the list request.
const cold = [];
for (let i = 0; i < runs; i++) {
  const start = Date.now();
  await page.goto(`${base}/desk/tickets`);
  await firstRow.waitFor();
  cold.push(Date.now() - start);
}

// Navigation inside the running app: from the new-ticket page back to the list.
const warm = [];
for (let i = 0; i < runs; i++) {
  await page.goto(`${base}/desk/tickets/new`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  const start = Date.now();
  await page.evaluate(() => {
    history.pushState({}, '', '/desk/tickets');
    dispatchEvent(new PopStateEvent('popstate'));
  });
  await firstRow.waitFor();
  warm.push(Date.now() - start);
}

const total = await page.getByTestId('page-info').innerText().catch(() => '?');
console.log(`list page (${total})`);
console.log(`  full load to first row:      median ${median(cold)} ms, min ${Math.min(...cold)} ms, max ${Math.max(...cold)} ms (${runs} runs)`);
console.log(`  in-app navigation to first row: median ${median(warm)} ms, min ${Math.min(...warm)} ms, max ${Math.max(...warm)} ms (${runs} runs)`);
if (errors.length) console.log(`  page errors: ${errors.join('; ')}`);
await browser.close();
