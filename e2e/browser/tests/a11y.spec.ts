import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { bearer, newPerson, signIn } from './support';

// Issue 14, "look like a tool people choose": the main screens of the desk and the portal, in light
// and dark, pass axe-core's WCAG 2 A and AA rules — colour contrast of text and badges (status,
// priority) included — with nothing found.

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const stamp = Date.now().toString(36);

/** What axe finds on the page as it is, in light and in dark, one line per rule and element. */
async function violations(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    // Not a vacuous pass: the contrast rule found text to check, and it passed.
    const checked = result.passes.find((p) => p.id === 'color-contrast')?.nodes.length ?? 0;
    expect(checked, `axe checked the contrast of nothing on ${page.url()}`).toBeGreaterThan(0);
    for (const v of result.violations) {
      for (const node of v.nodes) {
        found.push(`${colorScheme} ${new URL(page.url()).pathname}: ${v.id} at ${node.target.join(' ')}: ${node.failureSummary?.split('\n').slice(1).join(' ')}`);
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

test('the desk and the portal pass axe-core (WCAG 2 AA) in light and dark', async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const agent = await newPerson(browser, problems, 'agent');
  await signIn(agent, adminUser, adminPassword);
  const auth = await bearer(agent);
  const login = `ada${stamp}`;
  const password = `pw-${stamp}-long-enough`;
  const made = await agent.request.post('/api/users.json', {
    headers: auth,
    data: { username: login, name: 'Ada Access', email: `${login}@example.com`, password, level: 1 },
  });
  expect(made.status(), await made.text()).toBe(201);
  const filed = await agent.request.post('/api/tickets.json', {
    headers: auth,
    data: { email: `${login}@example.com`, subject: `Contrast ${stamp}`, message: 'The screen is dim', priority: 'Urgent' },
  });
  expect(filed.status(), await filed.text()).toBe(201);
  const number = (await filed.json()).ticket_number as string;
  const answered = await agent.request.put(`/api/tickets.json/${number}`, {
    headers: auth,
    data: { message: 'Turn the brightness up' },
  });
  expect(answered.status(), await answered.text()).toBe(200);

  const found: string[] = [];
  for (const [path, ready] of [
    ['/desk/', 'current-user'],
    ['/desk/tickets', 'ticket-row'],
    [`/desk/tickets/${number}`, 'thread'],
    ['/desk/tickets/new', 'current-user'],
  ] as const) {
    await agent.goto(path);
    await agent.getByTestId(ready).first().waitFor();
    found.push(...(await violations(agent)));
  }

  const customer = await newPerson(browser, problems, 'ada');
  await customer.goto('/login');
  await customer.getByLabel('User name or email').waitFor();
  found.push(...(await violations(customer)));
  await signIn(customer, login, password);
  for (const [path, ready] of [
    ['/tickets', 'ticket-row'],
    [`/tickets/${number}`, 'thread'],
  ] as const) {
    await customer.goto(path);
    await customer.getByTestId(ready).first().waitFor();
    found.push(...(await violations(customer)));
  }
  expect(found, found.join('\n')).toEqual([]);
  expect(problems).toEqual([]);
});

test('icons come from the sprite in the document, beside their text', async ({ browser }) => {
  const problems: string[] = [];
  const agent = await newPerson(browser, problems, 'agent');
  await signIn(agent, adminUser, adminPassword);
  const auth = await bearer(agent);
  const filed = await agent.request.post('/api/tickets.json', {
    headers: auth,
    data: { email: `ian-${stamp}@example.com`, name: 'Ian Icon', subject: `Icons ${stamp}`, message: 'Hello' },
  });
  expect(filed.status(), await filed.text()).toBe(201);
  await agent.goto(`/desk/tickets/${(await filed.json()).ticket_number}`);
  await expect(agent.getByRole('button', { name: 'Assign to me' })).toBeVisible();
  // Every icon names a symbol of the sprite, is drawn (has a size) and is hidden from screen readers.
  const icons = await agent.locator('svg.icon').evaluateAll((found) =>
    found.map((svg) => {
      const ref = svg.querySelector('use')?.getAttribute('href') ?? '';
      const box = svg.getBoundingClientRect();
      return {
        ref,
        symbol: document.querySelector(ref)?.tagName ?? 'none',
        drawn: box.width > 0 && box.height > 0,
        hidden: svg.getAttribute('aria-hidden'),
      };
    }),
  );
  const names = icons.map((i) => i.ref).sort();
  for (const expected of ['#bell', '#eye', '#paperclip', '#user-plus']) {
    expect(names).toContain(expected);
  }
  for (const icon of icons) {
    expect(icon.symbol, icon.ref).toBe('symbol');
    expect(icon.hidden, icon.ref).toBe('true');
  }
  expect(icons.filter((i) => i.drawn).length).toBeGreaterThanOrEqual(4);
  // No request for icons: they are in the document.
  const requested = await agent.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name));
  expect(requested.filter((n) => /\.svg/.test(n))).toEqual([]);
  expect(problems).toEqual([]);
});
