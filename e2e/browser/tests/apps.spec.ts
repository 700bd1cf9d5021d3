import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { signIn, watch } from './support';

// The web app is two apps on one origin: the customers' portal at `/` and the agents' desk under
// `/desk/`. A customer or a visitor never downloads the desk; an agent who opens a portal address
// lands in the desk, a customer who opens a desk address in the portal. A visitor's first load
// makes no request that fails (no session probe without the session marker cookie).

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';

/** Every URL the page asks for, and every answer that failed (status ≥ 400 or no answer). */
function record(page: Page): { urls: string[]; failed: string[] } {
  const seen = { urls: [] as string[], failed: [] as string[] };
  page.on('request', (request) => seen.urls.push(new URL(request.url()).pathname));
  page.on('requestfailed', (request) => seen.failed.push(`${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) seen.failed.push(`${response.url()} answered ${response.status()}`);
  });
  return seen;
}

const isWasmOrScript = (path: string) => /\.(wasm|js)$/.test(path);
const isDesk = (path: string) => path.startsWith('/desk/');

async function newCustomer(request: APIRequestContext): Promise<{ username: string; password: string }> {
  const login = await request.post('/api/auth/login.json', { data: { username: adminUser, password: adminPassword } });
  expect(login.status(), await login.text()).toBe(200);
  const token = (await login.json()).access_token as string;
  const id = `apps${Date.now().toString(36)}`;
  const customer = { username: id, password: `pw-${id}-long-enough` };
  const created = await request.post('/api/users.json', {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    data: { ...customer, email: `${id}@example.com`, name: 'Petra Portal', level: 1 },
  });
  expect(created.status(), await created.text()).toBe(201);
  return customer;
}

test('a visitor’s first load asks for nothing that fails and logs no error', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  // No allowance here, not even for the session probe: a visitor has nothing to restore.
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  const seen = record(page);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  // A desk address sends a visitor to the sign-in page (and back there after it), without the desk.
  await page.goto('/desk/tickets?status=open');
  await expect(page).toHaveURL(/\/login\?next=\/desk\/tickets%3Fstatus%3Dopen$/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(seen.urls).not.toContain('/api/auth/refresh.json');
  expect(seen.urls.filter(isWasmOrScript).filter(isDesk)).toEqual([]);
  expect(seen.failed).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test('signed in as a customer, the browser fetches only the portal', async ({ browser, request }) => {
  expect(adminPassword, 'OXIDESK_ADMIN_PASSWORD must be set').not.toBe('');
  const customer = await newCustomer(request);
  const problems: string[] = [];
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, problems, 'customer');
  const seen = record(page);

  await signIn(page, customer.username, customer.password);
  await expect(page.getByTestId('current-user')).toHaveText('Petra Portal');
  await page.goto('/tickets');
  await expect(page.getByRole('heading', { level: 1, name: 'My tickets' })).toBeVisible();
  await page.goto('/tickets/new');
  await expect(page.getByRole('heading', { level: 1, name: 'New ticket' })).toBeVisible();
  // A desk address sends a customer to the portal's page, without loading the desk's app.
  await page.goto('/desk/tickets');
  await expect(page).toHaveURL(/\/tickets$/);
  await expect(page).not.toHaveURL(/\/desk\//);
  await expect(page.getByRole('heading', { level: 1, name: 'My tickets' })).toBeVisible();
  await page.waitForLoadState('networkidle');

  const assets = seen.urls.filter(isWasmOrScript);
  expect(assets.some((path) => /^\/portal-[0-9a-f]+_bg\.wasm$/.test(path)), assets.join(', ')).toBe(true);
  expect(assets.filter(isDesk), 'the desk’s files were fetched').toEqual([]);
  expect(assets.filter((path) => /desk/.test(path))).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

test('an agent who opens a portal address lands in the desk', async ({ browser }) => {
  const problems: string[] = [];
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, problems, 'admin');
  const seen = record(page);
  await signIn(page, adminUser, adminPassword);
  await expect(page).toHaveURL(/\/desk\/tickets$/);
  // A mail's link goes to the portal's ticket address; the desk shows it.
  await page.goto('/tickets?status=open');
  await expect(page).toHaveURL(/\/desk\/tickets\?status=open$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Tickets' })).toBeVisible();
  expect(seen.urls.some((path) => /^\/desk\/desk-[0-9a-f]+_bg\.wasm$/.test(path))).toBe(true);
  // Precompressed and cached for good: the desk's WASM as the server sends it.
  const wasm = seen.urls.find((path) => /^\/desk\/desk-[0-9a-f]+_bg\.wasm$/.test(path)) ?? '';
  const response = await page.request.get(wasm, { headers: { 'Accept-Encoding': 'gzip, br' } });
  expect(response.headers()['content-encoding']).toBe('br');
  expect(response.headers()['cache-control']).toContain('immutable');
  expect(response.headers()['vary']).toContain('Accept-Encoding');
  expect(response.headers()['content-type']).toBe('application/wasm');
  expect(problems).toEqual([]);
  await context.close();
});
