// An HTML message is shown as HTML, but its remote images stay out of the page (a sender would
// learn who read it and when) until the reader presses "Show remote images" for that message:
// the image's requests are counted where the browser would send them (docs/security.md, "HTML
// that the desk passes on").
import { test, expect, type Page } from '@playwright/test';
import { signIn, watch } from './support';

const username = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const password = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const TRACKER = 'https://tracker.example/p.gif?who=';
// A transparent 1×1 GIF: what a tracking pixel serves.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Files a ticket with an HTML message through the app's form (at `/tickets/new` of the desk or
 *  the portal) and checks its thread: the message is HTML, its image a placeholder that requests
 *  nothing, in the page and after a reload, until "Show remote images" loads it. */
async function heldBackUntilAsked(page: Page, newTicket: string, who: string): Promise<void> {
  // Every request for the tracker, answered here: none may leave before the click.
  const requested: string[] = [];
  const tracker = `${TRACKER}${who}`;
  await page.route('https://tracker.example/**', async (route) => {
    requested.push(route.request().url());
    await route.fulfill({ status: 200, contentType: 'image/gif', body: GIF });
  });
  await page.goto(newTicket);
  await page.getByLabel('Subject', { exact: true }).fill(`Newsletter ${Date.now()}`);
  // Markup in a message makes it an HTML message (sanitised by the server).
  await page
    .getByLabel('Message', { exact: true })
    .fill(
      `<p>Hello <b>${who}</b></p><img src="${tracker}" alt="logo"><p>Pay at <a href="https://evil.example/pay">our portal</a></p>`,
    );
  await page.getByRole('button', { name: 'Create ticket' }).click();

  const entry = page.getByTestId('thread-entry').first();
  // Shown as HTML: the emphasis is an element, the link shows its target on hover.
  await expect(entry.locator('.entry-html b')).toHaveText(who);
  await expect(entry.locator('a[href="https://evil.example/pay"]')).toHaveAttribute(
    'title',
    'https://evil.example/pay',
  );
  // The image is a placeholder, in this page and after a reload.
  await expect(entry).toContainText('[image: tracker.example]');
  await expect(page.locator('img[src*="tracker.example"]')).toHaveCount(0);
  await page.reload();
  await expect(entry).toContainText('[image: tracker.example]');
  await expect(page.locator('img[src*="tracker.example"]')).toHaveCount(0);
  expect(requested, 'the remote image was requested before the reader asked').toEqual([]);

  await entry.getByRole('button', { name: 'Show remote images' }).click();
  const image = entry.locator('img');
  await expect(image).toHaveAttribute('src', tracker);
  await expect(image).toHaveAttribute('referrerpolicy', 'no-referrer');
  await expect.poll(() => requested.length).toBe(1);
  expect(requested[0]).toBe(tracker);
  // The policy let it in: it loaded (a refused image would have no width).
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  await expect(entry.getByRole('button', { name: 'Show remote images' })).toHaveCount(0);
}

test('in the desk, remote images of a message load only when the agent asks', async ({ page }) => {
  test.setTimeout(120_000);
  expect(password, 'OXIDESK_ADMIN_PASSWORD must be set').not.toBe('');
  const problems: string[] = [];
  watch(page, problems, 'agent');
  await signIn(page, username, password);
  await heldBackUntilAsked(page, '/desk/tickets/new', 'agents');
  expect(problems).toEqual([]);
});

test('in the portal, remote images of a message load only when the customer asks', async ({ page, request }) => {
  test.setTimeout(120_000);
  expect(password, 'OXIDESK_ADMIN_PASSWORD must be set').not.toBe('');
  const login = await request.post('/api/auth/login.json', { data: { username, password } });
  expect(login.status(), await login.text()).toBe(200);
  const token = (await login.json()).access_token as string;
  const id = `img${Date.now().toString(36)}`;
  const created = await request.post('/api/users.json', {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    data: { username: id, password: `pw-${id}-long-enough`, email: `${id}@example.com`, name: 'Ina Image', level: 1 },
  });
  expect(created.status(), await created.text()).toBe(201);
  const problems: string[] = [];
  watch(page, problems, 'customer');
  await signIn(page, id, `pw-${id}-long-enough`);
  await heldBackUntilAsked(page, '/tickets/new', 'customers');
  expect(problems).toEqual([]);
});
