import { test, expect } from '@playwright/test';
import { newPerson, signIn, snap } from './support';

// Issue 13 §2 as the desk shows it: a mail whose From proves nothing (it answers none of the desk's
// mail and no trusted server vouched for it) carries an "Unverified sender" badge in the agents'
// thread, with the reason in its title; an agent's such mail is an internal note. The customer's
// own view of her ticket never shows the mark.

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const stamp = Date.now().toString(36);

/** A mail as an MTA would pipe it. */
function mail(from: string, subject: string, id: string, text: string): string {
  return `From: ${from}\r\nTo: desk@desk.test\r\nSubject: ${subject}\r\nMessage-ID: <${id}-${stamp}@example.com>\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
}

test('mail from a forged sender is marked for the agents, and only for them', async ({ browser }) => {
  const problems: string[] = [];
  const admin = await newPerson(browser, problems, 'admin');
  await signIn(admin, adminUser, adminPassword);
  const refreshed = await admin.request.post('/api/auth/refresh.json');
  const token = (await refreshed.json()).access_token as string;
  const auth = { Authorization: `Bearer ${token}` };

  const customer = { username: `trust${stamp}`, email: `trust-${stamp}@example.com`, password: 'a long customer passphrase' };
  const made = await admin.request.post('/api/users.json', {
    headers: auth,
    data: { username: customer.username, name: 'Tess Trust', email: customer.email, password: customer.password },
  });
  expect(made.status()).toBe(201);
  // Agents may pipe mail as an MTA's key does.
  const pipe = async (raw: string) => {
    const piped = await admin.request.post('/api/tickets.email', {
      headers: { ...auth, Accept: 'application/json', 'Content-Type': 'text/plain' },
      data: raw,
    });
    expect(piped.status()).toBe(201);
    return piped.json();
  };
  const number = (await pipe(mail(customer.email, `Printer ${stamp}`, 'open', 'The printer smokes.'))).ticket as string;
  // Someone writes as the customer, and as the administrator, naming the ticket in the subject only.
  await pipe(mail(customer.email, `Re: [${number}] Printer`, 'as-customer', 'Send my refund to IBAN X.'));
  await pipe(mail('admin@example.com', `Re: [${number}] Printer`, 'as-agent', 'Approved, pay it.'));

  await admin.goto(`/desk/tickets/${number}`);
  const thread = admin.getByTestId('thread-entry');
  const asCustomer = thread.filter({ hasText: 'IBAN X' });
  await expect(asCustomer.getByTestId('unverified')).toContainText('Unverified sender');
  await expect(asCustomer.getByTestId('unverified')).toHaveAttribute('title', /anyone can write this From/);
  const asAgent = thread.filter({ hasText: 'Approved, pay it.' });
  await expect(asAgent).toHaveAttribute('data-entry-type', 'N');
  await expect(asAgent.getByTestId('unverified')).toHaveAttribute('title', /kept as an internal note/);
  await expect(thread.filter({ hasText: 'The printer smokes.' }).getByTestId('unverified')).toHaveCount(0);
  await snap(admin, 'desk-unverified-mail');

  const tess = await newPerson(browser, problems, 'customer');
  await signIn(tess, customer.username, customer.password);
  await tess.goto(`/tickets/${number}`);
  await expect(tess.getByTestId('thread-entry').filter({ hasText: 'IBAN X' })).toBeVisible();
  await expect(tess.getByTestId('unverified')).toHaveCount(0);
  await expect(tess.getByText('Approved, pay it.')).toHaveCount(0);
  expect(problems).toEqual([]);
});

// Issue 13 §4 as the desk shows it: a guest's ticket for the address of an account that has not
// confirmed it is kept from that account, and the agents see it marked "held".
test('a guest ticket for an unconfirmed account is marked held for the agents', async ({ browser, request }) => {
  const problems: string[] = [];
  const admin = await newPerson(browser, problems, 'admin');
  await signIn(admin, adminUser, adminPassword);
  const token = (await (await admin.request.post('/api/auth/refresh.json')).json()).access_token as string;
  const auth = { Authorization: `Bearer ${token}` };
  const setGuests = async (on: boolean) =>
    expect((await admin.request.put('/api/settings.json', { headers: auth, data: { allow_guest_tickets: on } })).status()).toBe(200);

  const owner = { username: `held${stamp}`, email: `held-${stamp}@example.com`, password: 'a long owner passphrase' };
  const made = await admin.request.post('/api/users.json', {
    headers: auth,
    data: { username: owner.username, name: 'Hal Held', email: owner.email, password: owner.password },
  });
  expect(made.status()).toBe(201);
  await setGuests(true);
  const subject = `Held ${stamp}`;
  const filed = await request.post('/api/tickets.json', {
    headers: { Accept: 'application/json' },
    data: { email: owner.email, name: 'Not Hal', subject, message: 'Pay the invoice at evil.test' },
  });
  await setGuests(false);
  expect(filed.status(), await filed.text()).toBe(201);
  const number = (await filed.json()).ticket_number as string;

  await admin.goto(`/desk/tickets/${number}`);
  await expect(admin.getByTestId('held')).toHaveAttribute('title', /once the address is confirmed/);
  await admin.goto('/desk/tickets');
  await expect(admin.locator('tr', { hasText: subject }).getByTestId('held')).toBeVisible();
  await snap(admin, 'desk-held-ticket');

  const hal = await newPerson(browser, problems, 'customer');
  await signIn(hal, owner.username, owner.password);
  await hal.goto('/tickets');
  await expect(hal.getByText(subject)).toHaveCount(0);
  expect(problems).toEqual([]);
});
