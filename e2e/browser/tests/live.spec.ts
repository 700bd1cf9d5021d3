import { test, expect } from '@playwright/test';
import { bearer, newPerson, replicaURL, signIn, snap } from './support';

// Issue 14, "see what changes while you work": two agents on one ticket see each other viewing and
// typing; one sends, and the other's thread shows it without a reload; a new ticket and a
// customer's reply show in an open list, marked until opened.

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const stamp = Date.now().toString(36);

test('two agents on one ticket see each other viewing and typing, and each other\'s replies', async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const alex = await newPerson(browser, problems, 'alex');
  await signIn(alex, adminUser, adminPassword);
  const auth = await bearer(alex);
  const alexName = (await (await alex.request.get('/api/users/me.json', { headers: auth })).json()).fullname as string;
  const beaLogin = `bea${stamp}`;
  const beaPassword = `pw-${stamp}-long-enough`;
  const made = await alex.request.post('/api/users.json', {
    headers: auth,
    data: { username: beaLogin, name: 'Bea Colleague', email: `${beaLogin}@example.com`, password: beaPassword, level: 3 },
  });
  expect(made.status(), await made.text()).toBe(201);
  const bea = await newPerson(browser, problems, 'bea', replicaURL);
  await signIn(bea, beaLogin, beaPassword);
  const ticket = await alex.request.post('/api/tickets.json', {
    headers: auth,
    data: { email: `cleo-${stamp}@example.com`, name: 'Cleo Customer', subject: `Shared ${stamp}`, message: 'The VPN drops' },
  });
  expect(ticket.status(), await ticket.text()).toBe(201);
  const number = (await ticket.json()).ticket_number as string;

  await alex.goto(`/desk/tickets/${number}`);
  await bea.goto(`/desk/tickets/${number}`);
  // Each sees the other there.
  await expect(alex.getByTestId('presence')).toContainText('Bea Colleague is viewing this ticket');
  await expect(bea.getByTestId('presence')).toContainText(`${alexName} is viewing this ticket`);

  // Bea writes: Alex sees her typing.
  await bea.getByLabel('Message', { exact: true }).fill('Please restart the VPN client');
  await expect(alex.getByTestId('presence')).toContainText('Bea Colleague is typing a reply…');
  await snap(alex, 'desk-live-presence');

  // Alex, meanwhile, starts a draft of his own; Bea sends. Alex's thread shows her response
  // without a reload, his draft is still there, and his own send needs no reload either.
  await alex.getByLabel('Message', { exact: true }).fill('I will call her');
  await bea.getByRole('button', { name: 'Send response' }).click();
  await expect(bea.getByTestId('reply-done')).toHaveText('Reply sent.');
  await expect(alex.getByTestId('thread')).toContainText('Please restart the VPN client');
  await expect(alex.getByTestId('ticket-notice')).toHaveText('Bea Colleague sent a response; the ticket is up to date.');
  await expect(alex.getByLabel('Message', { exact: true })).toHaveValue('I will call her');
  await alex.getByRole('button', { name: 'Send response' }).click();
  await expect(alex.getByTestId('reply-done')).toHaveText('Reply sent.');
  await expect(alex.getByTestId('conflict')).toHaveCount(0);
  await expect(bea.getByTestId('thread')).toContainText('I will call her');

  // Bea goes back to the list: Alex no longer sees her; nor once she closes the tab.
  await bea.getByRole('link', { name: '← All tickets' }).click();
  await expect(alex.getByTestId('presence')).not.toContainText('Bea Colleague');
  await bea.goBack();
  await expect(alex.getByTestId('presence')).toContainText('Bea Colleague is viewing this ticket');
  await bea.close();
  await expect(alex.getByTestId('presence')).not.toContainText('Bea Colleague');
  expect(problems).toEqual([]);
});

test('an open list shows new tickets and replies as they come, marked until opened', async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const page = await newPerson(browser, problems, 'agent');
  await signIn(page, adminUser, adminPassword);
  const auth = await bearer(page);
  // A customer of her own, whose requests arrive while the agent watches the list.
  const login = `dana${stamp}`;
  const password = `pw-${stamp}-long-enough`;
  const made = await page.request.post('/api/users.json', {
    headers: auth,
    data: { username: login, name: 'Dana Live', email: `${login}@example.com`, password, level: 1 },
  });
  expect(made.status(), await made.text()).toBe(201);
  // Her own browser context: signing in sets her refresh cookie there, not the agent's.
  const her = await newPerson(browser, problems, 'dana', replicaURL);
  const signedIn = await her.request.post('/api/auth/login.json', { data: { username: login, password } });
  const dana = { Authorization: `Bearer ${(await signedIn.json()).access_token}`, Accept: 'application/json' };

  await page.goto(`/desk/tickets?q=${encodeURIComponent('Dana Live')}`);
  await expect(page.getByTestId('live-state')).toHaveText('Live: changes show as they happen.');
  await expect(page.getByTestId('ticket-row')).toHaveCount(0);

  const filed = await her.request.post('/api/tickets.json', {
    headers: dana,
    data: { subject: `Printer ${stamp}`, message: 'It prints blank pages' },
  });
  expect(filed.status(), await filed.text()).toBe(201);
  const number = (await filed.json()).ticket_number as string;
  const row = page.getByTestId('ticket-row').filter({ hasText: `Printer ${stamp}` });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('unread-message')).toHaveCount(1);
  await snap(page, 'desk-live-list');

  // Opened, it is seen; her reply marks it again, without a reload.
  await row.locator('.ticket-subject').click();
  await expect(page.getByTestId('ticket-number')).toHaveText(number);
  await page.goBack();
  await expect(row.getByTestId('unread-message')).toHaveCount(0);
  const replied = await her.request.put(`/api/tickets.json/${number}`, {
    headers: dana,
    data: { message: 'Still blank' },
  });
  expect(replied.status(), await replied.text()).toBe(200);
  await expect(row.getByTestId('unread-message')).toHaveCount(1);
  expect(problems).toEqual([]);
});
