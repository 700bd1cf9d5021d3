import { test, expect } from '@playwright/test';
import { mailedLink, newPerson, signIn, snap } from './support';

// The main story, across three people in three browsers: the administrator opens
// registrations and creates an agent; a customer registers and files a ticket with an attachment;
// the agent finds it by full-text search, takes it, replies and adds an internal note; the
// customer sees the reply and not the note, answers, closes and reopens; the agent resolves it.
// (The first-run setup itself is admin.spec.ts, on a server without an administrator.)

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';

test.setTimeout(180_000);

test('from registration to resolution: customer, agent and administrator', async ({ browser }) => {
  expect(adminPassword, 'OXIDESK_ADMIN_PASSWORD must be set').not.toBe('');
  const problems: string[] = [];
  const stamp = `${Date.now()}`;
  const word = `fuser${stamp}`; // one word only this ticket has
  const agentName = `agent${stamp}`.slice(0, 20);
  const agentPassword = 'agent passphrase';

  // --- The administrator opens registrations and creates an agent. ---------------------------
  const admin = await newPerson(browser, problems, 'admin');
  await signIn(admin, adminUser, adminPassword);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  const adminNav = admin.getByRole('navigation', { name: 'Administration' });
  await adminNav.getByRole('link', { name: 'Settings' }).click();
  await admin.getByLabel('Allow registrations').check();
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await expect(admin.getByText('Settings saved.')).toBeVisible();
  await adminNav.getByRole('link', { name: 'Users' }).click();
  const create = admin.getByTestId('create-form');
  await create.getByLabel('User name').fill(agentName);
  await create.getByLabel('Name', { exact: true }).fill('Alex Agent');
  await create.getByLabel('Email').fill(`${agentName}@example.com`);
  await create.getByLabel('Password').fill(agentPassword);
  await create.getByLabel('Access level').selectOption('3');
  await create.getByRole('button', { name: 'Add user' }).click();
  // Among many users (the other stories add theirs), the new one is found by a search.
  await expect(create.getByLabel('User name')).toHaveValue('');
  await admin.getByLabel('Search', { exact: true }).fill(agentName);
  await admin.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(admin.getByTestId('admin-row').filter({ hasText: agentName })).toBeVisible();
  await snap(admin, 'admin-users');

  // --- A customer registers and files a ticket with an attachment. --------------------------
  const customer = await newPerson(browser, problems, 'customer');
  await customer.goto('/login');
  await customer.getByRole('link', { name: 'Create an account' }).click();
  await customer.getByLabel('User name').fill(`cust${stamp}`.slice(0, 20));
  await customer.getByLabel('Name', { exact: true }).fill('Cleo Customer');
  await customer.getByLabel('Email').fill(`cleo.${stamp}@example.com`);
  await customer.getByLabel('Password', { exact: true }).fill('customer passphrase');
  await customer.getByLabel('Confirm password').fill('customer passphrase');
  await customer.getByRole('button', { name: 'Create account' }).click();
  // The address is confirmed by the mailed link (read from the outbox until mail is sent).
  await expect(customer.getByTestId('register-pending')).toContainText(`cleo.${stamp}@example.com`);
  await customer.goto(await mailedLink(admin, `cleo.${stamp}@example.com`, '/confirm'));
  await expect(customer.getByTestId('confirm-done')).toBeVisible();
  await signIn(customer, `cust${stamp}`.slice(0, 20), 'customer passphrase');
  await expect(customer.getByTestId('current-user')).toHaveText('Cleo Customer');
  await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New ticket' }).click();
  await customer.getByLabel('Topic').selectOption({ label: 'Report a Problem' });
  const subject = `Laptop fan is loud`;
  await customer.getByLabel('Subject').fill(subject);
  await customer.getByLabel('Message', { exact: true }).fill(`The ${word} process keeps the fan spinning all day.`);
  await customer.getByLabel('Attachments').setInputFiles({
    name: 'top.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(`PID 4242 ${word} 98% CPU\n`),
  });
  await customer.getByRole('button', { name: 'Create ticket' }).click();
  await expect(customer.getByTestId('ticket-subject')).toHaveText(subject);
  const number = (await customer.getByTestId('ticket-number').innerText()).trim();
  await expect(customer.getByRole('link', { name: /top\.txt/ }).or(customer.getByRole('button', { name: /top\.txt/ }))).toBeVisible();

  // --- The agent finds it by a word of its message, takes it, replies and adds a note. -------
  const agent = await newPerson(browser, problems, 'agent');
  await signIn(agent, agentName, agentPassword);
  await agent.goto('/desk/tickets');
  await agent.getByLabel('Search', { exact: true }).fill(word);
  await agent.getByLabel('Search', { exact: true }).press('Enter');
  const row = agent.getByTestId('ticket-row').filter({ hasText: number });
  await expect(row).toBeVisible();
  await expect(agent.getByTestId('ticket-row')).toHaveCount(1);
  await snap(agent, 'desk-list');
  await row.getByRole('link', { name: new RegExp(subject) }).click();
  await expect(agent.getByTestId('ticket-number')).toHaveText(number);
  const side = agent.getByTestId('ticket-side');
  await side.getByRole('button', { name: 'Assign to me' }).click();
  await expect(side.getByTestId('assignees')).toContainText('Alex Agent');

  const reply = `Please quit ${word} from the tray and tell me if it gets quiet.`;
  await agent.getByLabel('Message', { exact: true }).fill(reply);
  await agent.getByRole('button', { name: 'Send response' }).click();
  await expect(agent.getByTestId('thread-entry').filter({ hasText: 'tell me if it gets quiet' })).toBeVisible();
  const note = `Probably the indexer again ${stamp}`;
  await agent.getByLabel('Internal note (agents only)').check();
  await agent.getByLabel('Message', { exact: true }).fill(note);
  await agent.getByRole('button', { name: /note/i }).last().click();
  const noteEntry = agent.getByTestId('thread-entry').filter({ hasText: note });
  await expect(noteEntry).toBeVisible();
  await expect(noteEntry).toHaveAttribute('data-entry-type', 'N');
  await snap(agent, 'desk-ticket');

  // --- The customer sees the reply, never the note; answers, closes, reopens. ----------------
  await customer.reload();
  await expect(customer.getByTestId('thread-entry').filter({ hasText: 'tell me if it gets quiet' })).toBeVisible();
  await expect(customer.getByText(note)).toHaveCount(0);
  await expect(customer.getByText('Internal note')).toHaveCount(0);
  await customer.getByLabel('Message', { exact: true }).fill('Quitting it helped, it is quiet now.');
  await customer.getByRole('button', { name: 'Send reply' }).click();
  await expect(customer.getByTestId('thread-entry').filter({ hasText: 'quiet now' })).toBeVisible();
  await snap(customer, 'portal-ticket');
  await customer.getByRole('button', { name: 'Close ticket' }).click();
  await expect(customer.getByTestId('ticket-status')).toHaveText('Closed');
  await customer.getByRole('button', { name: 'Reopen ticket' }).click();
  await expect(customer.getByTestId('ticket-status')).toHaveText('Open');
  await customer.goto('/tickets');
  await expect(customer.getByRole('heading', { level: 1, name: 'My tickets' })).toBeVisible();
  await snap(customer, 'portal-list');

  // --- The agent resolves it with a resolution; the customer sees it resolved. ---------------
  await agent.reload();
  await expect(agent.getByTestId('thread-entry').filter({ hasText: 'quiet now' })).toBeVisible();
  await side.getByLabel('Status', { exact: true }).selectOption({ label: 'Resolved' });
  await side.getByLabel('Resolution (required)').fill('The indexer was stuck; quitting it fixed the noise.');
  await side.getByRole('button', { name: 'Save changes' }).click();
  await expect(agent.getByTestId('ticket-status')).toHaveText('Resolved');
  await customer.goto(`/tickets/${number}`);
  await expect(customer.getByTestId('ticket-status')).toHaveText('Resolved');
  await expect(customer.getByTestId('ticket-resolution')).toHaveText('The indexer was stuck; quitting it fixed the noise.');
  // The thread tells the story too: the status change with its resolution.
  await expect(customer.getByTestId('thread-entry').filter({ hasText: 'Status Changed' }).last()).toContainText('The indexer was stuck');

  expect(problems).toEqual([]);
});
