import { test, expect } from '@playwright/test';
import { bearer, newPerson, replicaURL, signIn, snap } from './support';

// Issue 14: the bell counts an assignment and clears; a note that names an agent tells them; the
// side bar counts open tickets (mine, per queue, per view) and follows changes without a reload;
// unread rows are the server's (bold until read, a dot when the customer wrote); a ticket an
// agent answered shows it waits for the customer.

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const stamp = Date.now().toString(36);

test('the bell counts an assignment and a mention, and clears as the agent reads', async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const admin = await newPerson(browser, problems, 'admin');
  await signIn(admin, adminUser, adminPassword);
  const auth = await bearer(admin);
  const beaLogin = `bell${stamp}`;
  const beaPassword = `pw-${stamp}-long-enough`;
  const made = await admin.request.post('/api/users.json', {
    headers: auth,
    data: { username: beaLogin, name: 'Bea Bell', email: `${beaLogin}@example.com`, password: beaPassword, level: 3 },
  });
  expect(made.status(), await made.text()).toBe(201);
  const beaId = (await made.json()).id as number;
  const bea = await newPerson(browser, problems, 'bea', replicaURL);
  await signIn(bea, beaLogin, beaPassword);

  const filed = await admin.request.post('/api/tickets.json', {
    headers: auth,
    data: { email: `dora-${stamp}@example.com`, name: 'Dora Bell', subject: `Scanner ${stamp}`, message: 'It scans black' },
  });
  expect(filed.status(), await filed.text()).toBe(201);
  const number = (await filed.json()).ticket_number as string;

  // Her signature, which her responses carry when she leaves "Add my signature" ticked.
  await bea.goto('/desk/account');
  await bea.getByLabel('Your signature').fill('Bea Bell\nScanner team, ext. 42');
  await bea.getByRole('button', { name: 'Save signature' }).click();
  await expect(bea.getByText('Signature saved.')).toBeVisible();

  await bea.goto('/desk/tickets');
  const bell = bea.getByTestId('bell');
  await expect(bell).toHaveAccessibleName('Notifications');
  await expect(bea.getByTestId('bell-count')).toHaveCount(0);
  const mine = bea.getByTestId('side-mine');
  await expect(mine.getByTestId('side-count')).toHaveText('0');

  // Assigned by the administrator: the bell counts it, and "Mine" too, without a reload.
  const assigned = await admin.request.put(`/api/tickets.json/${number}`, { headers: auth, data: { assignee_ids: [beaId] } });
  expect(assigned.status(), await assigned.text()).toBe(200);
  await expect(bea.getByTestId('bell-count')).toHaveText('1');
  await expect(bell).toHaveAccessibleName('Notifications, 1 unread');
  await expect(mine.getByTestId('side-count')).toHaveText('1');
  const row = bea.getByTestId('ticket-row').filter({ hasText: `Scanner ${stamp}` });
  await expect(row).toHaveClass(/unread/);
  await expect(row.getByTestId('unread-message')).toHaveCount(1);

  // A note naming her: a second one.
  const note = await admin.request.put(`/api/tickets.json/${number}`, {
    headers: auth,
    data: { message: `@${beaLogin} can you check the lamp?`, type: 'note' },
  });
  expect(note.status(), await note.text()).toBe(200);
  await expect(bea.getByTestId('bell-count')).toHaveText('2');
  await bell.click();
  const items = bea.getByTestId('notification');
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText('mentioned you');
  await expect(items.last()).toContainText('assigned you');
  await snap(bea, 'desk-bell');

  // Opening the ticket reads it and its notifications: the bell clears, the row is no longer bold.
  await items.first().getByRole('link').click();
  await expect(bea.getByTestId('ticket-number')).toHaveText(number);
  await expect(bea.getByTestId('bell-count')).toHaveCount(0);
  await bea.getByLabel('Message', { exact: true }).fill('Please clean the scanner glass');
  await expect(bea.getByLabel('Add my signature')).toBeChecked();
  await bea.getByRole('button', { name: 'Send response' }).click();
  await expect(bea.getByTestId('reply-done')).toHaveText('Reply sent.');
  await expect(bea.getByTestId('thread-entry').filter({ hasText: 'Please clean the scanner glass' })).toContainText(
    'Scanner team, ext. 42',
  );
  await bea.getByRole('link', { name: '← All tickets' }).click();
  await expect(row).not.toHaveClass(/unread/);
  await expect(row.getByTestId('waiting')).toHaveText('Waiting for customer');
  await snap(bea, 'desk-side-bar');

  // "Mark all read" for what came while she was away.
  const status = await admin.request.put(`/api/tickets.json/${number}`, {
    headers: auth,
    data: { message: 'Dora says it works now', type: 'note' },
  });
  expect(status.status(), await status.text()).toBe(200);
  await expect(bea.getByTestId('bell-count')).toHaveText('1');
  await bell.click();
  await bea.getByTestId('bell-mark-all').click();
  await expect(bea.getByTestId('bell-count')).toHaveCount(0);
  await expect(bea.getByTestId('bell-mark-all')).toBeDisabled();
  expect(problems).toEqual([]);
});
