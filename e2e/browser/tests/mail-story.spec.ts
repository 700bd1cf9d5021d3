import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newPerson, signIn } from './support';

// Issue 5's "done when", as a new administrator would try it: set SMTP and IMAP against the local
// test servers (scripts/mail.sh) in Admin › Mail, send a mail to the mailbox, see the ticket
// appear, reply from the desk, and receive the reply threaded under the mail in the mail client's
// sense (In-Reply-To and References name it; the subject carries the ticket number).

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const mailDir = process.env.OXIDESK_MAIL_TEST_DIR ?? '';
const stamp = Date.now().toString(36);

test.setTimeout(120_000);
test.skip(mailDir === '', 'OXIDESK_MAIL_TEST_DIR is not set (run scripts/mail.sh)');

/** The mails the plain SMTP sink accepted for `address`, oldest first. */
function received(address: string): string[] {
  const dir = path.join(mailDir, 'smtp-plain', 'new');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => path.join(dir, name))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs)
    .map((file) => fs.readFileSync(file, 'utf8'))
    .filter((mail) => (/^X-Envelope-To: (.*)$/m.exec(mail)?.[1] ?? '').trim().split(', ').includes(address));
}

/** A header of a raw mail, unfolded. */
function header(mail: string, name: string): string {
  const head = mail.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1]?.trim() ?? '';
}

test('a mail to the mailbox becomes a ticket, and the desk\'s reply threads under it', async ({ browser }) => {
  const problems: string[] = [];
  const admin = await newPerson(browser, problems, 'admin');
  await signIn(admin, adminUser, adminPassword);

  // A customer the desk knows (mail from strangers needs guest tickets).
  const customer = `story-${stamp}@example.com`;
  const refreshed = await admin.request.post('/api/auth/refresh.json');
  const token = (await refreshed.json()).access_token as string;
  const made = await admin.request.post('/api/users.json', {
    headers: { Authorization: `Bearer ${token}` },
    data: { name: 'Stella Story', email: customer },
  });
  expect(made.status()).toBe(201);

  // Admin › Mail: the local SMTP sink out, the local dovecot in.
  const mailbox = `story${stamp}`;
  await admin.goto('/desk/admin/mail');
  const smtp = admin.getByRole('region', { name: 'Outgoing (SMTP)' });
  await smtp.getByLabel('Host').fill('127.0.0.1');
  await smtp.getByLabel('Security').selectOption('none');
  await smtp.getByLabel('Port').fill('10025');
  await smtp.getByLabel('From address').fill('desk@desk.test');
  await smtp.getByRole('button', { name: 'Save' }).click();
  await expect(smtp.getByText('Saved.')).toBeVisible();
  const imap = admin.getByRole('region', { name: 'Incoming (IMAP)' });
  await imap.getByLabel('Host').fill('127.0.0.1');
  await imap.getByLabel('Security').selectOption('none');
  await imap.getByLabel('Port').fill('10143');
  await imap.getByLabel('User name').fill(mailbox);
  await imap.getByLabel('Password', { exact: true }).fill('secret');
  await imap.getByLabel('Check every (seconds)').fill('10');
  await imap.getByLabel('Fetch mail from this mailbox').check();
  await imap.getByRole('button', { name: 'Save' }).click();
  await expect(imap.getByText('Saved.')).toBeVisible();

  // The customer writes to the mailbox (delivered as an MTA does: tmp/, then new/).
  const maildir = path.join(mailDir, 'dovecot', 'home', mailbox, 'Maildir');
  for (const sub of ['', 'tmp', 'new', 'cur']) {
    fs.mkdirSync(path.join(maildir, sub), { recursive: true });
    fs.chmodSync(path.join(maildir, sub), 0o777);
  }
  fs.chmodSync(path.dirname(maildir), 0o777);
  const messageId = `<story-${stamp}@example.com>`;
  const subject = `Printer on fire ${stamp}`;
  const raw = `From: Stella Story <${customer}>\r\nTo: desk@desk.test\r\nSubject: ${subject}\r\nMessage-ID: ${messageId}\r\n` +
    `Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe printer on floor 2 smokes.\r\n\r\n-- \r\nStella\r\n`;
  fs.writeFileSync(path.join(maildir, 'tmp', 'story.mail'), raw);
  fs.renameSync(path.join(maildir, 'tmp', 'story.mail'), path.join(maildir, 'new', 'story.mail'));

  // The ticket appears on the desk.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
  const row = admin.getByTestId('ticket-row').filter({ hasText: subject });
  await expect(async () => {
    await admin.reload();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await admin.getByRole('link', { name: subject }).click();
  await expect(admin.getByTestId('ticket-subject')).toHaveText(subject);
  const number = (await admin.getByTestId('ticket-number').innerText()).trim();
  await expect(admin.getByTestId('thread-entry').first()).toContainText('The printer on floor 2 smokes.');

  // The desk answers.
  await admin.getByLabel('Response (the customer sees it)').check();
  await admin.getByLabel('Message', { exact: true }).fill('Switch it off; a technician is on the way.');
  await admin.getByRole('button', { name: 'Send response' }).click();
  await expect(admin.getByTestId('thread-entry').filter({ hasText: 'a technician is on the way' })).toBeVisible();

  // The receipt and the answer arrive, threaded under the customer's mail.
  let mails: string[] = [];
  await expect(async () => {
    mails = received(customer);
    expect(mails.length).toBe(2);
  }).toPass({ timeout: 30_000 });
  const answer = mails.find((m) => m.includes('a technician is on the way')) ?? '';
  expect(answer).not.toBe('');
  expect(header(answer, 'Subject')).toContain(`[${number}]`);
  expect(header(answer, 'In-Reply-To')).toBe(messageId);
  expect(header(answer, 'References')).toContain(messageId);
  expect(header(answer, 'References')).toContain(`<${number}@desk.test>`);
  expect(header(answer, 'Auto-Submitted')).toBe('auto-generated');
  expect(problems).toEqual([]);
});
