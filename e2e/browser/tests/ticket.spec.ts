import { test, expect } from '@playwright/test';
import { signIn, watch } from './support';

const username = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const password = process.env.OXIDESK_ADMIN_PASSWORD ?? '';

test('an agent opens a ticket, finds it in the list, and replies', async ({ page }) => {
  test.setTimeout(120_000);
  expect(password, 'OXIDESK_ADMIN_PASSWORD must be set').not.toBe('');

  // A WASM panic shows up only as a page error or a console error.
  const problems: string[] = [];
  watch(page, problems, 'agent');

  // Signed out: the guard sends us to the sign-in page. The app runs under a strict policy:
  // scripts from this server and its own loader only (a violation would be a console error).
  const document = await page.goto('/');
  const policy = document?.headers()['content-security-policy'] ?? '';
  const scripts = /script-src ([^;]*)/.exec(policy)?.[1] ?? '';
  expect(scripts).toContain("'self'");
  expect(scripts).not.toContain('unsafe-inline');
  expect(policy).toContain("frame-ancestors 'none'");
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, username, password);
  // Signed in, the home page has its short lists.
  await page.goto('/desk/');
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();

  // One word no other ticket has, so that both the list and the search can find this one.
  const marker = `toner${Date.now()}`;
  const subject = `Printer smells of ${marker}`;

  // The form checks with the same rules as the server before sending anything.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New ticket' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New ticket' })).toBeVisible();
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByText('Subject must not be empty.')).toBeVisible();
  await expect(page.getByLabel('Subject', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Subject', { exact: true })).toBeFocused();

  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await expect(page.getByLabel('Topic', { exact: true })).toBeVisible();
  await page.getByLabel('Priority', { exact: true }).selectOption('High');
  await page.getByLabel('Message', { exact: true }).fill('Since this morning the printer on floor 2 smells burnt.');
  await page.getByRole('button', { name: 'Create ticket' }).click();

  // Created: we land on the ticket.
  await expect(page.getByTestId('ticket-subject')).toHaveText(subject);
  const number = (await page.getByTestId('ticket-number').innerText()).trim();
  expect(number).not.toBe('');
  await expect(page.getByTestId('thread-entry').first()).toContainText('smells burnt');

  // It is in the list, and the search finds it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
  await expect(page.getByTestId('ticket-row').filter({ hasText: subject })).toBeVisible();
  await page.getByLabel('Search', { exact: true }).fill(marker);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${marker}`));
  await expect(page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(page.getByTestId('page-info')).toContainText('1 ticket');

  // Open it and reply to the customer.
  await page.getByRole('link', { name: subject }).click();
  // From a search, the ticket keeps its words, to mark them in the thread.
  await expect(page).toHaveURL(new RegExp(`/tickets/${number}\\?q=${marker}$`));
  await expect(page.getByTestId('ticket-subject')).toHaveText(subject);

  const response = 'A technician is on the way with a new fuser.';
  await page.getByLabel('Response (the customer sees it)').check();
  await page.getByLabel('Message', { exact: true }).fill(response);
  await page.getByRole('button', { name: 'Send response' }).click();
  const responseEntry = page.getByTestId('thread-entry').filter({ hasText: response });
  await expect(responseEntry).toBeVisible();
  await expect(responseEntry).toHaveAttribute('data-entry-type', 'R');
  await expect(page.getByLabel('Message', { exact: true })).toHaveValue('');

  // An internal note is kept apart from what the customer sees.
  const note = 'Second fuser this month: check the warranty.';
  await page.getByLabel('Internal note (agents only)').check();
  await page.getByLabel('Message', { exact: true }).fill(note);
  await page.getByRole('button', { name: 'Add internal note' }).click();
  const noteEntry = page.getByTestId('thread-entry').filter({ hasText: note });
  await expect(noteEntry).toBeVisible();
  await expect(noteEntry).toHaveAttribute('data-entry-type', 'N');
  await expect(noteEntry).toHaveClass(/entry-note/);

  // Readable on a small phone: nothing wider than the screen.
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);

  // A reload keeps the session (the refresh cookie), though the token lived only in memory.
  await page.reload();
  await expect(page.getByTestId('ticket-subject')).toHaveText(subject);
  await expect(page.getByTestId('thread-entry').filter({ hasText: note })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

  expect(problems).toEqual([]);
});
