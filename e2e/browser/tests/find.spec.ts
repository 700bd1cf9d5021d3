import { test, expect } from '@playwright/test';
import { newPerson, signIn, snap } from './support';

// Issue 14, "find anything": a number opens its ticket, a customer's name or address finds their
// tickets with the words marked, every column sorts, the list opens on the tickets still to work
// on, and the pager has numbers, a jump and the total.

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const stamp = Date.now().toString(36);

test('an agent finds tickets by number, customer name and address, sorts and pages them', async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const page = await newPerson(browser, problems, 'agent');
  await signIn(page, adminUser, adminPassword);
  const token = (await (await page.request.post('/api/auth/refresh.json')).json()).access_token as string;
  const auth = { Authorization: `Bearer ${token}` };

  // Thirty tickets of one customer, all with one word no other ticket has.
  const word = `ledger${stamp}`;
  const email = `fiona-${stamp}@example.com`;
  const numbers: string[] = [];
  for (let i = 0; i < 30; i++) {
    const made = await page.request.post('/api/tickets.json', {
      headers: { ...auth, Accept: 'application/json' },
      data: { email, name: 'Fiona Finder', subject: `${word} ${String(i).padStart(2, '0')}`, message: `The ${word} numbers are wrong` },
    });
    expect(made.status(), await made.text()).toBe(201);
    numbers.push((await made.json()).ticket_number);
  }
  const closed = await page.request.put(`/api/tickets.json/${numbers[0]}`, {
    headers: auth,
    data: { status_id: 3, resolution: 'Fixed the formula' },
  });
  expect(closed.status(), await closed.text()).toBe(200);

  // A number opens its ticket.
  await page.goto('/desk/tickets');
  const search = page.getByLabel('Search', { exact: true });
  await search.fill(numbers[7].toLowerCase());
  await search.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/desk/tickets/${numbers[7]}$`));
  await expect(page.getByTestId('ticket-number')).toHaveText(numbers[7]);

  // The address finds her tickets: open and pending ones first, the closed one a click away.
  await page.goto('/desk/tickets');
  await search.fill(email);
  await search.press('Enter');
  await expect(page.getByTestId('page-info')).toHaveText('Page 1 of 2 · 29 tickets');
  const firstRow = page.getByTestId('ticket-row').first();
  await expect(firstRow.locator('.col-customer mark')).toHaveText('Fiona');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Any status' });
  await expect(page.getByTestId('page-info')).toHaveText('Page 1 of 2 · 30 tickets');
  await expect(page).toHaveURL(/status=any/);

  // Her name, with the words marked in the list.
  await search.fill(`finder ${word}`);
  await search.press('Enter');
  await expect(page.getByTestId('page-info')).toHaveText('Page 1 of 2 · 30 tickets');
  await expect(firstRow.locator('.col-subject mark')).toHaveText(word);
  await expect(firstRow.locator('.col-customer mark')).toHaveText('Finder');

  // Every column sorts: names and subjects from A on the first click, then the other way.
  const subjectHeader = page.getByRole('columnheader', { name: 'Subject' });
  await subjectHeader.getByRole('link').click();
  await expect(page).toHaveURL(/sort=subject/);
  await expect(subjectHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(firstRow.locator('.ticket-subject')).toHaveText(`${word} 00`);
  await subjectHeader.getByRole('link').click();
  await expect(subjectHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(firstRow.locator('.ticket-subject')).toHaveText(`${word} 29`);
  for (const column of ['Customer', 'Status', 'Assignees']) {
    const header = page.getByRole('columnheader', { name: column });
    await header.getByRole('link').click();
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
  }

  // Page numbers, and a jump to any page.
  const pages = page.getByRole('navigation', { name: 'Pages' });
  await expect(pages.getByText('1', { exact: true })).toHaveAttribute('aria-current', 'page');
  await pages.getByRole('link', { name: 'Page 2' }).first().click();
  await expect(page.getByTestId('page-info')).toHaveText('Page 2 of 2 · 30 tickets');
  await expect(page.getByTestId('ticket-row')).toHaveCount(5);
  await pages.getByLabel('Go to page').fill('1');
  await pages.getByRole('button', { name: 'Go' }).click();
  await expect(page.getByTestId('page-info')).toHaveText('Page 1 of 2 · 30 tickets');
  await snap(page, 'desk-find');

  // The ticket opened from the search marks its words in the thread too.
  await firstRow.locator('.ticket-subject').click();
  await expect(page.getByTestId('thread').locator('mark').first()).toHaveText(word);
  expect(problems).toEqual([]);
});

test('a number no ticket has is said once, without a "Try again" that cannot help', async ({ browser }) => {
  const problems: string[] = [];
  const page = await newPerson(browser, problems, 'agent');
  await signIn(page, adminUser, adminPassword);
  await page.goto('/desk/tickets/TCK-987654321');
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('alert')).toContainText(/not found|no ticket/i);
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  // A 404 on the page's own request is its answer, not a fault of the page.
  expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
});
