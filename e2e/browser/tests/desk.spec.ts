import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { signIn as signInAs, watch } from './support';

// The agents' desk and the ticket page, driven as an agent would: by keyboard, in bulk, with
// saved views, on a phone, and against a colleague who changes the same ticket.

const username = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const password = process.env.OXIDESK_ADMIN_PASSWORD ?? '';

/** Fails the test on any page error or console error (a WASM panic shows up only there). */
function watchProblems(page: Page, options: { allow409?: boolean } = {}): string[] {
  const problems: string[] = [];
  watch(page, problems, 'agent', options);
  return problems;
}

// The server allows 10 sign-ins a minute from one address, and these tests sign in often: the API
// session is shared by the whole file, and a refused sign-in waits as long as the server asks.
test.setTimeout(120_000);

function signIn(page: Page, who = username, secret = password): Promise<void> {
  expect(secret, 'OXIDESK_ADMIN_PASSWORD must be set').not.toBe('');
  return signInAs(page, who, secret);
}

/** Signs in over the API, waiting out the sign-in rate limit when the server asks. */
async function apiToken(request: APIRequestContext, who: string, secret: string): Promise<string> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const response = await request.post('/api/auth/login.json', {
      data: { username: who, password: secret },
    });
    if (response.status() === 429) {
      const wait = Number(response.headers()['retry-after'] ?? '10');
      await new Promise((resolve) => setTimeout(resolve, (wait + 1) * 1000));
      continue;
    }
    expect(response.status(), await response.text()).toBe(200);
    return (await response.json()).access_token;
  }
  throw new Error(`could not sign in as ${who} over the API`);
}

let adminToken: string | undefined;

/** The API as a second agent would use it: its own session, no browser. */
class Api {
  constructor(
    private request: APIRequestContext,
    readonly token: string,
  ) {}

  /** The administrator's API session, signed in once for the whole file (tokens last 15 min). */
  static async signIn(request: APIRequestContext): Promise<Api> {
    adminToken ??= await apiToken(request, username, password);
    return new Api(request, adminToken);
  }

  private headers() {
    return { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
  }

  async createTicket(subject: string, message = 'Created by the desk test.'): Promise<string> {
    const response = await this.request.post('/api/tickets.json', {
      headers: this.headers(),
      data: { subject, message },
    });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()).ticket_number;
  }

  async ticket(number: string): Promise<any> {
    const response = await this.request.get(`/api/tickets.json/${number}`, { headers: this.headers() });
    expect(response.status()).toBe(200);
    return response.json();
  }

  async addNote(number: string, message: string): Promise<void> {
    const { version } = await this.ticket(number);
    const response = await this.request.put(`/api/tickets.json/${number}`, {
      headers: this.headers(),
      data: { message, type: 'note', version },
    });
    expect(response.status(), await response.text()).toBe(200);
  }
}

function marker(prefix: string): string {
  return `${prefix}${Date.now()}${Math.floor(Math.random() * 1000)}`;
}

test('keyboard only: search, move through the list, open a ticket, reply, shortcuts help', async ({
  page,
  request,
}) => {
  const problems = watchProblems(page);
  const api = await Api.signIn(request);
  const word = marker('kbd');
  const numbers: string[] = [];
  for (const n of [1, 2, 3]) {
    numbers.push(await api.createTicket(`Keyboard ${word} number ${n}`));
  }

  await signIn(page);
  await page.goto('/desk/tickets');
  await expect(page.getByRole('heading', { level: 1, name: 'Tickets' })).toBeVisible();
  await expect(page.getByTestId('ticket-row').first()).toBeVisible();

  // `/` jumps to the search box; Enter searches; Escape leaves the box for the list.
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search', { exact: true })).toBeFocused();
  await page.keyboard.type(word);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`[?&]q=${word}`));
  const rows = page.getByTestId('ticket-row');
  await expect(rows).toHaveCount(3);
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Search', { exact: true })).not.toBeFocused();

  // j / k move a visible, focused selection.
  await page.keyboard.press('j');
  await expect(rows.nth(0)).toBeFocused();
  await expect(rows.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(rows.nth(2)).toBeFocused();
  await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'true');
  await expect(rows.nth(0)).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('k');
  await expect(rows.nth(1)).toBeFocused();

  // `?` lists the shortcuts; Escape closes the list.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Open the highlighted ticket');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // Enter opens the highlighted ticket.
  const chosen = await rows.nth(1).getAttribute('data-number');
  expect(chosen).toBeTruthy();
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/tickets/${chosen}$`));
  await expect(page.getByTestId('ticket-number')).toHaveText(chosen!);

  // On the ticket: `?` shows its own keys, `r` goes to the reply.
  await page.keyboard.press('?');
  await expect(help).toContainText('Write a reply');
  await expect(help).toContainText('Write an internal note');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  // Keys go to the page again once focus has left the closed dialog.
  await expect.poll(() => page.evaluate(() => !document.activeElement?.closest('dialog'))).toBe(true);
  await page.keyboard.press('n');
  await expect(page.getByLabel('Message', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Internal note (agents only)')).toBeChecked();
  await page.keyboard.press('Tab');
  await page.keyboard.press('r');
  await expect(page.getByLabel('Message', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Response (the customer sees it)')).toBeChecked();
  await page.keyboard.type('Answered without touching the mouse.');
  await page.getByRole('button', { name: 'Send response' }).focus();
  await page.keyboard.press('Enter');
  const entry = page.getByTestId('thread-entry').filter({ hasText: 'without touching the mouse' });
  await expect(entry).toHaveAttribute('data-entry-type', 'R');

  expect(problems).toEqual([]);
});

test('a colleague changes the ticket meanwhile: the draft and its file survive the reload', async ({
  page,
  request,
}) => {
  const problems = watchProblems(page, { allow409: true });
  const api = await Api.signIn(request);
  const number = await api.createTicket(`Collision ${marker('c')}`);

  await signIn(page);
  await page.goto(`/desk/tickets/${number}`);
  await expect(page.getByTestId('ticket-number')).toHaveText(number);

  const draft = 'Please try the blue cable first.';
  await page.getByLabel('Message', { exact: true }).fill(draft);
  await page.getByLabel('Attach files').setInputFiles({
    name: 'cable-photo.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('a photo of the cable, in words'),
  });
  await expect(page.getByTestId('chosen-file')).toHaveCount(1);
  await expect(page.getByTestId('chosen-file')).toContainText('cable-photo.txt');

  // Files can be dropped on the form as well, and removed again before sending.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['dropped text'], 'dropped.txt', { type: 'text/plain' }));
    const form = document.querySelector('[data-testid="reply-form"]');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      form?.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  });
  await expect(page.getByTestId('chosen-file')).toHaveCount(2);
  await page.getByRole('button', { name: 'Remove dropped.txt' }).click();
  await expect(page.getByTestId('chosen-file')).toHaveCount(1);

  // Someone else writes on the ticket in between.
  const theirs = `Colleague was here ${marker('n')}`;
  await api.addNote(number, theirs);

  await page.getByRole('button', { name: 'Send response' }).click();
  const conflict = page.getByTestId('conflict');
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText('Someone else changed this ticket');
  await expect(page.getByRole('button', { name: 'Reload ticket' })).toBeFocused();

  await page.getByRole('button', { name: 'Reload ticket' }).click();
  await expect(conflict).toBeHidden();
  await expect(page.getByTestId('thread-entry').filter({ hasText: theirs })).toBeVisible();
  await expect(page.getByLabel('Message', { exact: true })).toHaveValue(draft);
  await expect(page.getByTestId('chosen-file')).toContainText('cable-photo.txt');

  await page.getByRole('button', { name: 'Send response' }).click();
  const mine = page.getByTestId('thread-entry').filter({ hasText: draft });
  await expect(mine).toBeVisible();
  await expect(mine).toHaveAttribute('data-entry-type', 'R');
  await expect(mine).toContainText('cable-photo.txt');
  // The attachment downloads with the session's credentials.
  const download = page.waitForEvent('download');
  await mine.getByRole('button', { name: 'Download cable-photo.txt' }).click();
  expect((await download).suggestedFilename()).toBe('cable-photo.txt');
  await expect(page.getByLabel('Message', { exact: true })).toHaveValue('');
  await expect(page.getByTestId('chosen-file')).toHaveCount(0);

  // A file over the upload limit is refused before anything is sent.
  const settings = await (await request.get('/api/settings.json')).json();
  if (typeof settings.max_upload_bytes === 'number' && settings.max_upload_bytes < 30 * 1024 * 1024) {
    await page.getByLabel('Attach files').setInputFiles({
      name: 'huge.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(settings.max_upload_bytes + 1),
    });
    await expect(page.getByTestId('file-errors')).toContainText('huge.bin');
    await expect(page.getByTestId('chosen-file')).toHaveCount(0);
  }

  expect(problems).toEqual([]);
});

test('bulk assign, then bulk close with its required resolution', async ({ page, request }) => {
  const problems = watchProblems(page);
  const api = await Api.signIn(request);
  const word = marker('bulk');
  const numbers = [
    await api.createTicket(`Bulk ${word} first`),
    await api.createTicket(`Bulk ${word} second`),
  ];

  await signIn(page);
  await page.goto(`/desk/tickets?q=${word}`);
  await expect(page.getByTestId('ticket-row')).toHaveCount(2);

  await page.getByLabel('Select all on this page').check();
  await expect(page.getByTestId('bulk-count')).toHaveText('2 tickets selected');

  // Assign both to me in one go; the list reloads and the selection is gone.
  await page.getByLabel('Assign to').selectOption('me');
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await expect(page.getByTestId('bulk-done')).toHaveText('2 tickets updated.');
  await expect(page.getByTestId('bulk-count')).toHaveText('No tickets selected');
  for (const row of await page.getByTestId('ticket-row').all()) {
    await expect(row.locator('.col-assignees')).toHaveText(username);
  }

  await page.getByLabel('Select all on this page').check();
  await page.getByRole('button', { name: 'Close…' }).click();
  const resolution = page.getByLabel(/^Resolution for 2/);
  await expect(resolution).toBeFocused();

  // Not without a resolution.
  await page.getByTestId('bulk-apply').click();
  await expect(page.getByText('Resolution must not be empty.')).toBeVisible();

  await resolution.fill('Replaced the switch on floor 3.');
  await page.getByTestId('bulk-apply').click();
  await expect(page.getByTestId('bulk-done')).toHaveText('2 tickets updated.');
  await expect(page.getByTestId('bulk-count')).toHaveText('No tickets selected');
  for (const row of await page.getByTestId('ticket-row').all()) {
    await expect(row.locator('.state-closed')).toBeVisible();
  }
  for (const number of numbers) {
    const ticket = await api.ticket(number);
    expect(ticket.status_state).toBe('closed');
    expect(ticket.resolution).toBe('Replaced the switch on floor 3.');
    expect(ticket.assigned_to.map((a: any) => a.username)).toEqual([username]);
  }

  expect(problems).toEqual([]);
});

test('a saved view keeps a filter one click away; filters live in the URL', async ({ page, request }) => {
  const problems = watchProblems(page);
  const api = await Api.signIn(request);
  const word = marker('view');
  await api.createTicket(`View ${word}`);

  await signIn(page);
  await page.goto('/desk/tickets');
  await page.getByLabel('Status', { exact: true }).selectOption('open');
  await expect(page).toHaveURL(/[?&]status=open/);
  await page.getByLabel('Assignee', { exact: true }).selectOption('none');
  await expect(page).toHaveURL(/[?&]assignee=none/);
  await page.getByLabel('Sort by').selectOption('-created');
  await expect(page).toHaveURL(/[?&]sort=-created/);

  // Reload and back keep what the URL says.
  await page.reload();
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('open');
  await expect(page.getByLabel('Assignee', { exact: true })).toHaveValue('none');
  await page.goBack();
  await expect(page).not.toHaveURL(/sort=-created/);
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('open');
  await page.goForward();
  await expect(page.getByLabel('Sort by')).toHaveValue('-created');

  // Column headers sort too: first click newest/most urgent first, the second turns it around.
  const table = page.getByRole('grid', { name: 'Tickets' });
  await table.getByRole('link', { name: 'Priority' }).click();
  await expect(page).toHaveURL(/sort=-priority/);
  await expect(table.getByRole('columnheader', { name: /Priority/ })).toHaveAttribute('aria-sort', 'descending');
  await table.getByRole('link', { name: 'Priority' }).click();
  await expect(page).toHaveURL(/sort=priority/);
  await expect(table.getByRole('columnheader', { name: /Priority/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByLabel('Sort by')).toHaveValue('priority');
  await page.getByLabel('Sort by').selectOption('-created');

  const name = `Unassigned open ${word}`;
  await page.getByRole('button', { name: 'Save view' }).click();
  await expect(page.getByLabel('View name')).toBeFocused();
  await page.getByLabel('View name').fill(name);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const views = page.getByRole('navigation', { name: 'Saved views' });
  await expect(views.getByRole('link', { name })).toBeVisible();

  await page.goto('/desk/tickets');
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('');
  await views.getByRole('link', { name }).click();
  await expect(page).toHaveURL(/status=open/);
  await expect(page).toHaveURL(/assignee=none/);
  await expect(page.getByLabel('Assignee', { exact: true })).toHaveValue('none');
  await expect(page.getByTestId('ticket-row').filter({ hasText: word })).toBeVisible();

  await views.getByRole('button', { name: `Delete view ${name}` }).click();
  await expect(views.getByRole('link', { name })).toHaveCount(0);

  expect(problems).toEqual([]);
});

test('compact rows fit more tickets on a screen, and the choice stays after a reload', async ({ page, request }) => {
  const problems = watchProblems(page);
  const api = await Api.signIn(request);
  await api.createTicket(`Density ${marker('d')}`);
  await signIn(page);
  await page.goto('/desk/tickets');
  const row = page.getByTestId('ticket-row').first();
  await expect(row).toBeVisible();
  const comfortable = (await row.boundingBox())?.height ?? 0;
  const toggle = page.getByRole('button', { name: 'Compact rows' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const compact = (await row.boundingBox())?.height ?? 0;
  expect(compact, `compact ${compact} px, comfortable ${comfortable} px`).toBeLessThan(comfortable);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Compact rows' })).toHaveAttribute('aria-pressed', 'true');
  expect(await page.evaluate(() => document.documentElement.dataset.density)).toBe('compact');
  await page.getByRole('button', { name: 'Compact rows' }).click();
  expect(await page.evaluate(() => document.documentElement.dataset.density)).toBeUndefined();
  expect(problems).toEqual([]);
});

test('at 390 px the home page, the list and the ticket fit the screen', async ({ page, request }) => {
  const problems = watchProblems(page);
  const api = await Api.signIn(request);
  const number = await api.createTicket(
    `A rather long subject about the phone layout ${marker('w')} that must wrap nicely`,
  );

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  const overflow = () =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  await page.goto('/desk/');
  await expect(page.getByRole('heading', { level: 2, name: 'Tickets I opened' })).toBeVisible();
  await expect(page.getByTestId('home-created').getByRole('link').first()).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);

  await page.goto('/desk/tickets');
  await expect(page.getByTestId('ticket-row').first()).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
  // The filters but the search, and the side bar's lists, fold behind buttons: the first ticket
  // is on the first screen.
  const first = await page.getByTestId('ticket-row').first().boundingBox();
  expect(first && first.y + first.height <= 844, `the first row ends at ${first && first.y + first.height}`).toBeTruthy();
  await expect(page.getByLabel('Status', { exact: true })).toBeHidden();
  await page.getByRole('button', { name: 'Filters' }).click();
  await expect(page.getByLabel('Status', { exact: true })).toBeVisible();
  await expect(page.getByTestId('side-mine')).toBeHidden();
  await page.getByRole('button', { name: 'Lists and views' }).click();
  await expect(page.getByTestId('side-mine')).toBeVisible();

  await page.goto(`/desk/tickets/${number}`);
  await expect(page.getByTestId('ticket-number')).toHaveText(number);
  await expect(page.getByTestId('ticket-side')).toBeVisible();
  // The side panel is below the thread, not beside it.
  const thread = await page.getByTestId('thread').boundingBox();
  const side = await page.getByTestId('ticket-side').boundingBox();
  expect(thread && side && side.y > thread.y).toBeTruthy();
  expect(await overflow()).toBeLessThanOrEqual(0);

  expect(problems).toEqual([]);
});

test('the side panel: assign to me, follow, status needs a resolution, time spent', async ({
  page,
  request,
}) => {
  const problems = watchProblems(page);
  const api = await Api.signIn(request);
  const number = await api.createTicket(`Side panel ${marker('s')}`);

  await signIn(page);
  await page.goto(`/desk/tickets/${number}`);
  const side = page.getByTestId('ticket-side');
  await expect(side.getByTestId('no-assignees')).toBeVisible();

  await side.getByRole('button', { name: 'Assign to me' }).click();
  await expect(side.getByTestId('assignees')).toContainText(username);
  await expect(side.getByRole('button', { name: 'Assign to me' })).toHaveCount(0);
  await expect(page.getByTestId('ticket-assigned')).toContainText(username);

  await side.getByRole('button', { name: 'Follow' }).click();
  await expect(side.getByTestId('follow-toggle')).toHaveText('Unfollow');
  await expect(side.getByTestId('follow-toggle')).toHaveAttribute('aria-pressed', 'true');

  // The home page lists it under both "assigned to me" and "I follow".
  await page.goto('/desk/');
  await expect(page.getByTestId('home-assigned').getByRole('link', { name: /Side panel/ }).first()).toBeVisible();
  await expect(page.getByTestId('home-followed').getByRole('link', { name: /Side panel/ }).first()).toBeVisible();
  await page.getByTestId('home-followed').getByRole('link', { name: /^See all/ }).click();
  await expect(page).toHaveURL(/followed=true/);
  await expect(page.getByTestId('ticket-row').filter({ hasText: number })).toBeVisible();
  await page.goto(`/desk/tickets/${number}`);

  // Leaving the open states needs a resolution, checked before anything is sent.
  await side.getByLabel('Status', { exact: true }).selectOption({ label: 'Resolved' });
  await side.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
  await side.getByRole('button', { name: 'Save changes' }).click();
  const resolution = side.getByLabel('Resolution (required)');
  await expect(resolution).toBeFocused();
  await expect(resolution).toHaveAttribute('aria-invalid', 'true');
  await resolution.fill('Replaced the toner.');
  await side.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('ticket-status')).toHaveText('Resolved');
  await expect(page.getByTestId('ticket-priority')).toHaveText('High');

  await side.getByLabel('Add minutes').fill('0');
  await side.getByRole('button', { name: 'Add time' }).click();
  await expect(side.getByText('Enter whole minutes from 1 to 1440.')).toBeVisible();
  await side.getByLabel('Add minutes').fill('95');
  await side.getByRole('button', { name: 'Add time' }).click();
  await expect(side.getByTestId('time-spent')).toHaveText('1 h 35 min');

  const stored = await api.ticket(number);
  expect(stored.time_spent).toBe(95);
  expect(stored.status_state).toBe('resolved');
  expect(stored.followers.map((f: any) => f.username)).toContain(username);

  expect(problems).toEqual([]);
});

test('a customer sees only "My tickets", replies, closes and reopens, and never sees notes', async ({
  page,
  request,
}) => {
  const problems = watchProblems(page);
  const admin = await Api.signIn(request);
  const id = marker('cust');
  const customer = { username: id, password: `pw-${id}-long-enough`, email: `${id}@example.com` };
  const created = await request.post('/api/users.json', {
    headers: { Authorization: `Bearer ${admin.token}`, Accept: 'application/json' },
    data: { ...customer, name: 'Casey Customer', level: 1 },
  });
  expect(created.status(), await created.text()).toBe(201);

  const asCustomer = new Api(request, await apiToken(request, customer.username, customer.password));
  const number = await asCustomer.createTicket(`My laptop ${id} will not start`);
  const note = `Internal only ${id}`;
  await admin.addNote(number, note);

  await signIn(page, customer.username, customer.password);

  await page.goto('/tickets');
  await expect(page.getByRole('heading', { level: 1, name: 'My tickets' })).toBeVisible();
  await expect(page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
  await expect(page.getByLabel('Assignee', { exact: true })).toHaveCount(0);
  await expect(page.getByTestId('saved-views')).toHaveCount(0);

  await page.getByRole('link', { name: /My laptop/ }).click();
  await expect(page.getByTestId('ticket-number')).toHaveText(number);
  await expect(page.getByText(note)).toHaveCount(0);
  await expect(page.getByLabel('Internal note (agents only)')).toHaveCount(0);
  await page.keyboard.press('n');
  await expect(page.getByLabel('Message', { exact: true })).not.toBeFocused();
  await page.keyboard.press('r');
  await expect(page.getByLabel('Message', { exact: true })).toBeFocused();
  await page.keyboard.type('It beeps three times.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByTestId('thread-entry').filter({ hasText: 'beeps three times' })).toBeVisible();

  await page.getByRole('button', { name: 'Close ticket' }).click();
  await expect(page.getByTestId('ticket-status')).toHaveText('Closed');
  await page.getByRole('button', { name: 'Reopen ticket' }).click();
  await expect(page.getByTestId('ticket-status')).toHaveText('Open');

  expect(problems).toEqual([]);
});
