import { test, expect, type Browser, type Page } from '@playwright/test';
import { bearer, newPerson, signIn, snap } from './support';

// Issue 14, "open a ticket for someone", "know who is asking" and "write replies that don't get
// lost": an agent opens a resolved phone ticket for a new customer by address, sees who is asking
// in the customer panel, gives the ticket to a customer found by name, and a draft survives a
// reload, shows in the list, and ends when sent.

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const stamp = Date.now().toString(36);

/** The administrator, signed in as an agent, on a new ticket filed for `name` at `email`. */
async function agentOnNewTicket(
  browser: Browser,
  problems: string[],
  ticket: { email: string; name: string; subject: string; message: string },
): Promise<Page> {
  const page = await newPerson(browser, problems, 'agent');
  await signIn(page, adminUser, adminPassword);
  const made = await page.request.post('/api/tickets.json', { headers: await bearer(page), data: ticket });
  expect(made.status(), await made.text()).toBe(201);
  await page.goto(`/desk/tickets/${(await made.json()).ticket_number}`);
  return page;
}

test('an agent opens a ticket for a new customer by email, then gives it to one found by name', async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const page = await newPerson(browser, problems, 'agent');
  await signIn(page, adminUser, adminPassword);
  const auth = await bearer(page);
  // A customer to find by name, with an older ticket of her own.
  const carolName = `Carol Castle${stamp}`;
  const carolEmail = `carol-${stamp}@example.com`;
  // Carol is known, with her time zone: the panel shows her local time.
  const carol = await page.request.post('/api/users.json', {
    headers: auth,
    data: { name: carolName, email: carolEmail, timezone: 'Asia/Tokyo', language: 'ja' },
  });
  expect(carol.status(), await carol.text()).toBe(201);
  const made = await page.request.post('/api/tickets.json', {
    headers: auth,
    data: { email: carolEmail, name: carolName, subject: `Carol's laptop ${stamp}`, message: 'The fan is loud' },
  });
  expect(made.status(), await made.text()).toBe(201);

  // The phone call: a new address, solved while on the line.
  await page.goto('/desk/tickets/new');
  const customer = page.getByLabel('Customer', { exact: true });
  const noraEmail = `nora-${stamp}@example.com`;
  await customer.fill(noraEmail);
  await expect(page.getByRole('option', { name: `New customer: ${noraEmail}` })).toBeVisible();
  await customer.press('Enter');
  await expect(page.getByTestId('ticket-requester-chosen')).toContainText(`New customer: ${noraEmail}`);
  await page.getByLabel('Their name').fill('Nora New');
  await page.getByLabel('Came in by').selectOption('Phone');
  await page.getByLabel('Subject', { exact: true }).fill(`Black screen ${stamp}`);
  await page.getByLabel('Message', { exact: true }).fill('Her monitor shows nothing since the move.');
  const me = (await (await page.request.get('/api/users/me.json', { headers: auth })).json()).fullname as string;
  await page.getByLabel('Assign to').selectOption({ label: `${me} (me)` });
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Resolved' });
  // Resolved needs a resolution: the form asks for it before sending anything.
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByText('A ticket opened resolved or closed needs a resolution.')).toBeVisible();
  await expect(page.getByLabel('Resolution (required)')).toBeFocused();
  await page.getByLabel('Resolution (required)').fill('The monitor was on the wrong input');
  await page.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
  await snap(page, 'desk-new-ticket-for-someone');
  await page.getByRole('button', { name: 'Create ticket' }).click();

  await expect(page.getByTestId('ticket-subject')).toHaveText(`Black screen ${stamp}`);
  await expect(page.getByTestId('ticket-status')).toHaveText('Resolved');
  await expect(page.getByTestId('ticket-priority')).toHaveText('High');
  await expect(page.getByTestId('ticket-assigned')).toHaveText(me);
  const panel = page.getByTestId('customer-panel');
  await expect(panel.getByTestId('customer-name')).toHaveText('Nora New');
  await expect(panel.getByTestId('customer-email')).toHaveText(noraEmail);
  await expect(panel.getByTestId('customer-last-wrote')).toContainText('Last wrote');
  await expect(panel.getByText('No other open tickets.')).toBeVisible();
  await expect(panel.getByTestId('customer-time')).toHaveCount(0);
  await expect(panel.getByTestId('customer-language')).toHaveCount(0);

  // Wrong person: give it to Carol, found by her name.
  await panel.getByRole('button', { name: 'Change customer' }).click();
  const picker = page.getByLabel('Give the ticket to');
  await picker.fill(carolName.slice(0, 12));
  const option = page.getByRole('option', { name: `${carolName} — ${carolEmail}` });
  await expect(option).toBeVisible();
  await picker.press('ArrowDown');
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await picker.press('Enter');
  await panel.getByRole('button', { name: 'Save customer' }).click();
  await expect(panel.getByTestId('customer-name')).toHaveText(carolName);
  await expect(panel.getByTestId('customer-time')).toHaveText(/^Their time: \d{1,2}:\d{2}.* \(Asia\/Tokyo\)$/);
  await expect(panel.getByTestId('customer-language')).toHaveText('Reads Japanese (ja)');
  await expect(page.getByTestId('thread')).toContainText(`Requester changed from Nora New to ${carolName}`);
  // Her other ticket is in the panel now, open.
  await expect(panel.getByTestId('customer-open')).toContainText(`Carol's laptop ${stamp}`);
  await snap(page, 'desk-customer-panel');
  expect(problems).toEqual([]);
});

test('a draft survives a reload, is marked in the list, and ends when sent', async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const page = await newPerson(browser, problems, 'agent');
  await signIn(page, adminUser, adminPassword);
  const auth = await bearer(page);
  const subject = `Draft story ${stamp}`;
  const made = await page.request.post('/api/tickets.json', {
    headers: auth,
    data: { email: `dora-${stamp}@example.com`, name: 'Dora Draft', subject, message: 'Where is my invoice?' },
  });
  expect(made.status(), await made.text()).toBe(201);
  const number = (await made.json()).ticket_number as string;

  await page.goto(`/desk/tickets/${number}`);
  const message = page.getByLabel('Message', { exact: true });
  await page.getByLabel('Internal note (agents only)').check();
  await message.fill('Checked the billing run: the invoice went to an old address');
  await expect(page.getByTestId('draft-state')).toHaveText('Draft saved.');

  // A reload (or another device) finds it, as a note still.
  await page.reload();
  await expect(message).toHaveValue('Checked the billing run: the invoice went to an old address');
  await expect(page.getByTestId('draft-state')).toContainText('Draft restored');
  await expect(page.getByLabel('Internal note (agents only)')).toBeChecked();

  // The list marks the ticket.
  await page.goto(`/desk/tickets?q=${encodeURIComponent(subject)}`);
  const row = page.getByTestId('ticket-row').filter({ hasText: subject });
  await expect(row.getByTestId('draft-marker')).toBeVisible();

  // Sent: the draft is gone, here and in the list.
  await row.locator('.ticket-subject').click();
  await expect(message).toHaveValue(/old address/);
  await page.getByRole('button', { name: 'Add internal note' }).click();
  await expect(page.getByTestId('reply-done')).toHaveText('Internal note added.');
  await expect(message).toHaveValue('');
  await page.reload();
  await expect(page.getByTestId('thread')).toContainText('went to an old address');
  await expect(message).toHaveValue('');
  await page.goto(`/desk/tickets?q=${encodeURIComponent(subject)}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('draft-marker')).toHaveCount(0);

  // Discarding on purpose clears the server's copy too.
  await row.locator('.ticket-subject').click();
  await message.fill('Never mind');
  await expect(page.getByTestId('draft-state')).toHaveText('Draft saved.');
  await page.getByRole('button', { name: 'Discard draft' }).click();
  await expect(message).toHaveValue('');
  await expect.poll(async () => (await page.request.get(`/api/tickets.json/${number}/draft`, { headers: auth })).status()).toBe(204);
  expect(problems).toEqual([]);
});

test('an agent sends a response and resolves the ticket in one step', async ({ browser }) => {
  const problems: string[] = [];
  const page = await agentOnNewTicket(browser, problems, {
    email: `sol-${stamp}@example.com`, name: 'Sol Solved', subject: `One step ${stamp}`, message: 'Mouse is dead',
  });
  await page.getByLabel('Message', { exact: true }).fill('A new mouse is on its way');
  await page.getByLabel('Then set the status').selectOption({ label: 'Resolved' });
  const send = page.getByRole('button', { name: 'Send and set Resolved' });
  // Leaving the open states needs a resolution, asked for before anything is sent.
  await send.click();
  await expect(page.getByText('A resolution is needed to leave the open states.')).toBeVisible();
  await expect(page.getByLabel('Resolution (required)')).toBeFocused();
  await page.getByLabel('Resolution (required)').fill('Replaced the mouse');
  await send.click();
  await expect(page.getByTestId('reply-done')).toHaveText('Reply sent.');
  await expect(page.getByTestId('ticket-status')).toHaveText('Resolved');
  await expect(page.getByTestId('ticket-resolution')).toHaveText('Replaced the mouse');
  await expect(page.getByTestId('thread')).toContainText('A new mouse is on its way');
  await expect(page.getByRole('button', { name: 'Send response' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('an agent copies people on a new ticket, changes who is copied, blind-copies a response; the copied read it', async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const page = await newPerson(browser, problems, 'agent');
  await signIn(page, adminUser, adminPassword);
  const auth = await bearer(page);
  // Bea has an account (she reads the ticket in the portal); Ola's address is new.
  const bea = { username: `bea${stamp}`, password: `pw-bea-${stamp}-long-enough`, email: `bea-${stamp}@example.com` };
  const made = await page.request.post('/api/users.json', {
    headers: auth,
    data: { ...bea, name: 'Bea Copied', level: 1 },
  });
  expect(made.status(), await made.text()).toBe(201);
  const olaEmail = `ola-${stamp}@example.com`;

  await page.goto('/desk/tickets/new');
  const customer = page.getByLabel('Customer', { exact: true });
  await customer.fill(`cora-${stamp}@example.com`);
  await customer.press('Enter');
  const cc = page.getByLabel('CC', { exact: true });
  // A typo is caught before anything is sent, naming the entry.
  await cc.fill(`${bea.email}, ola at example`);
  await page.getByLabel('Subject', { exact: true }).fill(`Shared drive ${stamp}`);
  await page.getByLabel('Message', { exact: true }).fill('The team cannot open the shared drive.');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByText('CC: “ola at example” is not a valid email address.')).toBeVisible();
  await cc.fill(`${bea.email}, "Nordmann, Ola" <${olaEmail}>`);
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await expect(page.getByTestId('ticket-subject')).toHaveText(`Shared drive ${stamp}`);
  await expect(page.getByTestId('ticket-cc')).toHaveText('Bea Copied, Nordmann, Ola');
  const number = (await page.getByTestId('ticket-number').innerText()).trim();

  // The response's Cc shows who is copied; Ola is taken off, and the boss gets a blind copy.
  const replyCc = page.getByLabel('Cc', { exact: true });
  await expect(replyCc).toHaveValue(`Bea Copied <${bea.email}>, "Nordmann, Ola" <${olaEmail}>`);
  await replyCc.fill(`Bea Copied <${bea.email}>`);
  await page.getByLabel('Bcc', { exact: true }).fill(`boss-${stamp}@example.com`);
  await page.getByLabel('Message', { exact: true }).fill('Permissions are fixed; please try again.');
  await page.getByRole('button', { name: 'Send response' }).click();
  await expect(page.getByTestId('reply-done')).toHaveText('Reply sent.');
  await expect(page.getByTestId('ticket-cc')).toHaveText('Bea Copied');
  await expect(page.getByTestId('thread')).toContainText('CC removed Nordmann, Ola by');
  await expect(page.getByTestId('entry-bcc')).toHaveText(`Bcc: boss-${stamp}@example.com`);
  await expect(page.getByLabel('Bcc', { exact: true })).toHaveValue('');
  await expect(replyCc).toHaveValue(`Bea Copied <${bea.email}>`);
  await snap(page, 'desk-ticket-copies');

  // Bea reads it in the portal and answers; she never sees the blind copy.
  const portal = await newPerson(browser, problems, 'bea');
  await signIn(portal, bea.username, bea.password);
  await portal.goto(`/tickets/${number}`);
  await expect(portal.getByTestId('ticket-subject')).toHaveText(`Shared drive ${stamp}`);
  await expect(portal.getByTestId('thread')).toContainText('Permissions are fixed');
  await expect(portal.getByTestId('entry-bcc')).toHaveCount(0);
  await expect(portal.getByText(`boss-${stamp}`)).toHaveCount(0);
  await portal.getByLabel('Message', { exact: true }).fill('Works now, thank you.');
  await portal.getByRole('button', { name: 'Send reply' }).click();
  await expect(portal.getByTestId('thread')).toContainText('Works now, thank you.');
  expect(problems).toEqual([]);
});

test('a pasted screenshot goes where it was pasted: in the preview, the thread, and attached', async ({ browser }) => {
  const problems: string[] = [];
  const page = await agentOnNewTicket(browser, problems, {
    email: `pia-${stamp}@example.com`, name: 'Pia Picture', subject: `Error dialog ${stamp}`, message: 'See the error',
  });
  const message = page.getByLabel('Message', { exact: true });
  await message.fill('This is what I see:\nDoes that help?');
  // The cursor after the first line; a 2×2 red PNG on the clipboard, as a screenshot tool puts it.
  await message.evaluate((field: HTMLTextAreaElement) => {
    field.focus();
    field.setSelectionRange(20, 20);
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==';
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('chosen-file')).toContainText('pasted-1.png');
  await expect(message).toHaveValue('This is what I see:\n![Pasted picture](cid:pasted-1.png)Does that help?');
  await expect(page.getByLabel('Format with Markdown')).toBeChecked();
  await page.getByRole('button', { name: 'Preview' }).click();
  const previewed = page.getByTestId('markdown-preview').getByRole('img', { name: 'Pasted picture' });
  await expect(previewed).toHaveAttribute('src', /^data:image\/png/);
  await page.getByRole('button', { name: 'Send response' }).click();
  await expect(page.getByTestId('reply-done')).toHaveText('Reply sent.');

  // In the thread the picture stands in its text, read with the session; the other files list.
  const entry = page.getByTestId('thread-entry').filter({ hasText: 'Does that help?' });
  const picture = entry.getByRole('img', { name: 'Pasted picture' });
  await expect(picture).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  await expect(entry.getByTestId('entry-image')).toHaveCount(0);
  await snap(page, 'desk-pasted-picture');

  // A picture only attached (pasted while writing plain text in the portal, or chosen) shows below.
  await message.fill('The log of it');
  await page.getByLabel('Format with Markdown').uncheck();
  await page.locator('#reply-files').setInputFiles({
    name: 'dialog.png', mimeType: 'image/png',
    buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==', 'base64'),
  });
  await page.getByRole('button', { name: 'Send response' }).click();
  await expect(page.getByTestId('reply-done')).toHaveText('Reply sent.');
  const attached = page.getByTestId('thread-entry').filter({ hasText: 'The log of it' }).getByTestId('entry-image');
  await expect(attached).toHaveAttribute('alt', 'Preview of dialog.png');
  await expect.poll(() => attached.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  expect(problems).toEqual([]);
});

test('an agent writes a response in Markdown, previews it, and the thread shows it formatted', async ({ browser }) => {
  const problems: string[] = [];
  const page = await agentOnNewTicket(browser, problems, {
    email: `max-${stamp}@example.com`, name: 'Max Markdown', subject: `Steps ${stamp}`, message: 'How do I reset it?',
  });
  await page.getByLabel('Message', { exact: true }).fill('**Reset** it like this:\n\n1. Hold the button\n2. Wait for `READY`');
  // Nobody is copied: Cc and Bcc wait behind their button.
  await expect(page.getByLabel('Cc', { exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Cc / Bcc' }).click();
  await expect(page.getByLabel('Cc', { exact: true })).toHaveValue('');
  await page.getByLabel('Format with Markdown').check();
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('markdown-preview');
  await expect(preview.locator('strong')).toHaveText('Reset');
  await expect(preview.locator('ol li')).toHaveCount(2);
  await page.getByRole('button', { name: 'Send response' }).click();
  await expect(page.getByTestId('reply-done')).toHaveText('Reply sent.');
  await expect(preview).toHaveCount(0);
  const entry = page.getByTestId('thread-entry').filter({ hasText: 'Hold the button' });
  await expect(entry.locator('strong')).toHaveText('Reset');
  await expect(entry.locator('code')).toHaveText('READY');
  expect(problems).toEqual([]);
});

test('an administrator deletes a ticket for good from its page; an agent is not offered it', async ({ browser }) => {
  const problems: string[] = [];
  const page = await agentOnNewTicket(browser, problems, {
    email: `del-${stamp}@example.com`, name: 'Dell Eted', subject: `Spam ${stamp}`, message: 'Buy cheap watches',
  });
  const number = (await page.getByTestId('ticket-number').textContent())?.trim() ?? '';
  const side = page.getByTestId('ticket-side');
  await side.getByRole('button', { name: `Delete ticket ${number}` }).click();
  await expect(side.getByText(`Delete ticket ${number}?`)).toBeVisible();
  await side.getByRole('button', { name: 'Cancel' }).click();
  await side.getByRole('button', { name: `Delete ticket ${number}` }).click();
  await side.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/desk\/$/);
  const gone = await page.request.get(`/api/tickets.json/${number}`, { headers: await bearer(page) });
  expect(gone.status()).toBe(404);

  // An agent (below the threshold, administrators by default) sees no Delete.
  const agentName = `agent-del-${stamp}`;
  const made = await page.request.post('/api/users.json', {
    headers: await bearer(page),
    data: { username: agentName, name: 'Del Agent', email: `${agentName}@example.com`, level: 3, password: 'a long agent passphrase' },
  });
  expect(made.status(), await made.text()).toBe(201);
  const ticket = await page.request.post('/api/tickets.json', {
    headers: await bearer(page), data: { email: `del2-${stamp}@example.com`, subject: `Kept ${stamp}`, message: 'Stays' },
  });
  const agent = await newPerson(browser, problems, 'del-agent');
  await signIn(agent, agentName, 'a long agent passphrase');
  await agent.goto(`/desk/tickets/${(await ticket.json()).ticket_number}`);
  await expect(agent.getByTestId('ticket-side').getByRole('heading', { name: 'Assignees' })).toBeVisible();
  await expect(agent.getByRole('button', { name: /^Delete ticket/ })).toHaveCount(0);
  expect(problems).toEqual([]);
});
