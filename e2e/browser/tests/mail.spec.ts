import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newPerson, signIn, snap } from './support';

// Mail as administrators run it: the SMTP settings with a test mail that really arrives (the
// aiosmtpd sinks of scripts/mail.sh), a refused port, the template editor with its preview, the
// outbox with a mail the server refused and sent again, and ticket mail switched off on the
// account page. Then, once the backend has them, the IMAP test and the quarantine of the mail log.
// Run with OXIDESK_MAIL_TEST_DIR=$(scripts/mail.sh).

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';
const mailDir = process.env.OXIDESK_MAIL_TEST_DIR ?? '';
const stamp = Date.now().toString(36);

// The later tests need the SMTP settings of the first.
test.describe.configure({ mode: 'serial' });
test.setTimeout(120_000);
test.skip(mailDir === '', 'OXIDESK_MAIL_TEST_DIR is not set (run scripts/mail.sh)');

/** What the tests provoke on purpose: refused answers (a port out of range, a template error),
 *  and the sandboxed preview refusing the script Playwright brings to read it. */
const provoked = /status of 422.*\/api\/mail\/(settings\.json|templates\.json\/)|Blocked script execution in 'about:srcdoc'/;

/** The mails the plain SMTP sink accepted for `address` (its envelope, not its headers). */
function sunk(address: string): string[] {
  const dir = path.join(mailDir, 'smtp-plain', 'new');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => fs.readFileSync(path.join(dir, name), 'utf8'))
    .filter((mail) => (/^X-Envelope-To: (.*)$/m.exec(mail)?.[1] ?? '').trim().split(', ').includes(address));
}

function adminNav(page: Page) {
  return page.getByRole('navigation', { name: 'Administration' });
}

async function signedInAdmin(browser: import('@playwright/test').Browser, problems: string[]): Promise<Page> {
  const admin = await newPerson(browser, problems, 'admin');
  await signIn(admin, adminUser, adminPassword);
  return admin;
}

/** An access token of the page's session, for arranging things through the API. */
async function token(page: Page): Promise<string> {
  const refreshed = await page.request.post('/api/auth/refresh.json');
  expect(refreshed.ok()).toBeTruthy();
  return (await refreshed.json()).access_token as string;
}

test('outgoing mail: settings, a refused port, a stored password, a test mail that arrives', async ({ browser }) => {
  const problems: string[] = [];
  const admin = await signedInAdmin(browser, problems);
  await admin.goto('/desk/admin');
  await adminNav(admin).getByRole('link', { name: 'Mail', exact: true }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Mail' })).toBeVisible();
  const smtp = admin.getByRole('region', { name: 'Outgoing (SMTP)' });

  await smtp.getByLabel('Host').fill('127.0.0.1');
  // The port follows the security while it holds the usual one (another story may have set
  // this server already: start from STARTTLS on 587)…
  await smtp.getByLabel('Security').selectOption('starttls');
  await smtp.getByLabel('Port').fill('587');
  await smtp.getByLabel('Security').selectOption('tls');
  await expect(smtp.getByLabel('Port')).toHaveValue('465');
  await smtp.getByLabel('Security').selectOption('none');
  await expect(smtp.getByLabel('Port')).toHaveValue('25');
  // …and stays when typed on purpose.
  await smtp.getByLabel('Port').fill('70000');
  await smtp.getByLabel('Security').selectOption('starttls');
  await expect(smtp.getByLabel('Port')).toHaveValue('70000');
  await smtp.getByLabel('Security').selectOption('none');
  await smtp.getByLabel('From address').fill('desk@desk.test');
  await smtp.getByLabel('From name').fill('Desk Test');
  await smtp.getByRole('button', { name: 'Save' }).click();
  await expect(smtp.locator('#mail-smtp_port-error')).toContainText('must be 1 to 65535');
  await expect(smtp.getByLabel('Port')).toHaveAttribute('aria-invalid', 'true');
  await smtp.getByLabel('Port').fill('10025');
  await smtp.getByRole('button', { name: 'Save' }).click();
  await expect(smtp.getByText('Saved.')).toBeVisible();

  // A password is kept when the field is left empty, and removed only when asked.
  await smtp.getByLabel('Password', { exact: true }).fill('app password');
  await smtp.getByRole('button', { name: 'Save' }).click();
  await expect(smtp.getByLabel('Remove the stored password')).toBeVisible();
  await expect(smtp.getByLabel('Password', { exact: true })).toHaveValue('');
  await admin.reload();
  await expect(smtp.getByLabel('Host')).toHaveValue('127.0.0.1');
  await expect(smtp.getByLabel('Port')).toHaveValue('10025');
  await expect(smtp.getByLabel('Security')).toHaveValue('none');
  await expect(smtp.getByLabel('From address')).toHaveValue('desk@desk.test');
  await smtp.getByLabel('From name').fill('Desk');
  await smtp.getByRole('button', { name: 'Save' }).click();
  await expect(smtp.getByText('Saved.')).toBeVisible();
  await admin.reload();
  await expect(smtp.getByLabel('Remove the stored password')).toBeVisible();
  await smtp.getByLabel('Remove the stored password').check();
  await smtp.getByRole('button', { name: 'Save' }).click();
  await expect(smtp.getByText('Saved.')).toBeVisible();
  await expect(smtp.getByLabel('Remove the stored password')).toBeHidden();

  // The test mail goes through the saved server, and arrives.
  const to = `probe.${stamp}@desk.test`;
  await smtp.getByLabel('Send to (optional)').fill(to);
  await smtp.getByRole('button', { name: 'Send test mail' }).click();
  await expect(smtp.getByTestId('mail-check')).toContainText('It works.');
  await expect(smtp.getByTestId('mail-check')).toContainText(to);
  await expect.poll(() => sunk(to).length).toBe(1);
  expect(sunk(to)[0]).toMatch(/^Subject: Test mail from Desk/m);
  await snap(admin, 'admin-mail');

  expect(problems.filter((p) => !provoked.test(p))).toEqual([]);
});

test('mail templates: a preview, a template error, save and back to the built-in text', async ({ browser }) => {
  const problems: string[] = [];
  const admin = await signedInAdmin(browser, problems);
  await admin.goto('/desk/admin/mail-templates');
  await expect(admin.getByRole('heading', { level: 1, name: 'Mail templates' })).toBeVisible();
  await admin.getByLabel('Template', { exact: true }).selectOption({ label: 'A new ticket: the receipt to the customer' });
  const subject = admin.getByLabel('Subject');
  await expect(subject).toHaveValue('{{ ticket.subject }}');
  await expect(admin.getByTestId('template-state')).toContainText('the built-in text');
  await expect(admin.getByTestId('placeholders')).toContainText('{{ ticket.number }}');

  await subject.fill('We got it: {{ ticket.subject }}');
  await admin.getByRole('button', { name: 'Preview' }).click();
  const preview = admin.getByTestId('mail-preview');
  await expect(preview.getByTestId('preview-subject')).toHaveText(/^\[TCK-1042\] We got it: /);
  await expect(preview.getByTestId('preview-text')).toContainText('TCK-1042');
  // The HTML is shown in a frame that may run nothing.
  await expect(preview.locator('iframe')).toHaveAttribute('sandbox', '');
  await expect(admin.frameLocator('[data-testid="mail-preview"] iframe').locator('body')).toContainText('TCK-1042');
  await snap(admin, 'admin-mail-templates');

  await subject.fill('Oops {{ nope }}');
  await admin.getByRole('button', { name: 'Preview' }).click();
  await expect(admin.locator('#template-subject-error')).not.toBeEmpty();
  await expect(subject).toHaveAttribute('aria-invalid', 'true');

  await subject.fill('We got it: {{ ticket.subject }}');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByTestId('template-state')).toContainText('changed from the built-in text');
  await admin.reload();
  await admin.getByLabel('Template', { exact: true }).selectOption({ label: 'A new ticket: the receipt to the customer' });
  await expect(subject).toHaveValue('We got it: {{ ticket.subject }}');

  await admin.getByRole('button', { name: 'Reset to built-in' }).click();
  await admin.getByRole('button', { name: 'Yes, reset to built-in' }).click();
  await expect(admin.getByTestId('template-state')).toContainText('· the built-in text');
  await expect(subject).toHaveValue('{{ ticket.subject }}');

  expect(problems.filter((p) => !provoked.test(p))).toEqual([]);
});

test('the outbox: what left, and a refused mail sent again', async ({ browser }) => {
  const problems: string[] = [];
  const admin = await signedInAdmin(browser, problems);
  const bearer = await token(admin);
  // The sink refuses every address that starts with "reject" (550); the other one arrives.
  const refused = `reject.${stamp}@example.com`;
  const accepted = `kept.${stamp}@example.com`;
  for (const [email, name] of [
    [refused, 'Rex Reject'],
    [accepted, 'Kim Kept'],
  ]) {
    const created = await admin.request.post('/api/tickets.json', {
      headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' },
      data: { email, name, subject: `Mail for ${name} ${stamp}`, message: 'Does mail reach me?' },
    });
    expect(created.ok()).toBeTruthy();
  }
  await expect.poll(() => sunk(accepted).length, { timeout: 30_000 }).toBeGreaterThan(0);

  await admin.goto('/desk/admin/outbox');
  await expect(admin.getByRole('heading', { level: 1, name: 'Outbox' })).toBeVisible();
  const kept = admin.getByTestId('outbox-mail').filter({ hasText: accepted }).first();
  await expect(kept.getByTestId('mail-state')).toHaveText('Sent');
  // With a link to the ticket it is about.
  await expect(kept.getByRole('link')).toBeVisible();
  // The outbox is paged again (50 a page), with Previous and Next.
  await expect(admin.getByTestId('outbox-page-info')).toContainText(/^Page 1 of \d+ · \d+ entr/);
  await expect(admin.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Previous' })).toBeDisabled();

  // The worker (every 2 s) marks the refused one failed, with the server's answer.
  const failed = admin.getByTestId('outbox-mail').filter({ hasText: refused }).first();
  await expect(async () => {
    await admin.reload();
    await admin.getByLabel('Status').selectOption('failed');
    await expect(failed).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(failed.getByTestId('mail-state')).toHaveText('Failed');
  await expect(failed.getByTestId('mail-problem')).toContainText('550');
  await expect(failed).toContainText('1 attempt');
  await expect(admin.getByTestId('outbox-mail').filter({ hasText: accepted })).toHaveCount(0);
  await snap(admin, 'admin-outbox-failed');

  await failed.getByRole('button', { name: 'Send again' }).click();
  // Due again, it leaves the failed ones, is tried once more and is refused once more.
  await admin.getByLabel('Status').selectOption('');
  // Its attempt counts when the worker takes it, before the server's answer: wait for both.
  await expect(async () => {
    await admin.reload();
    await expect(failed).toContainText('2 attempts', { timeout: 1_000 });
    await expect(failed.getByTestId('mail-state')).toHaveText('Failed', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // The same mail as a job of the job worker (Admin › Jobs): failed, with the server's answer,
  // and run again from there.
  const listed = await admin.request.get('/api/outbox.json?status=failed&per_page=100', {
    headers: { Authorization: `Bearer ${bearer}` },
  });
  const mail = ((await listed.json()) as { id: number; recipient: string }[]).find((m) => m.recipient === refused);
  expect(mail).toBeTruthy();
  await adminNav(admin).getByRole('link', { name: 'Jobs' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
  await admin.getByLabel('Status').selectOption('failed');
  const job = admin.getByTestId('job').filter({ hasText: `{"mail":${mail!.id}}` });
  await expect(job.getByTestId('job-state')).toHaveText('Failed');
  await expect(job).toContainText('mail.send');
  await expect(job).toContainText('2 of 20 attempts');
  await expect(job.getByTestId('job-error')).toContainText('550');
  await snap(admin, 'admin-jobs-failed');
  await job.getByRole('button', { name: 'Run again' }).click();
  await admin.getByLabel('Status').selectOption('');
  await expect(async () => {
    await admin.reload();
    await expect(job).toContainText('3 of 20 attempts', { timeout: 1_000 });
    await expect(job.getByTestId('job-state')).toHaveText('Failed', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  expect(problems).toEqual([]);
});

test('the account page switches ticket mail off and on', async ({ browser }) => {
  const problems: string[] = [];
  const admin = await signedInAdmin(browser, problems);
  await admin.goto('/desk/account');
  const choice = admin.getByLabel('Email me about my tickets');
  await expect(choice).toBeChecked();
  await choice.uncheck();
  await expect(admin.getByText('Saved.')).toBeVisible();
  await admin.reload();
  await expect(choice).not.toBeChecked();
  const me = await admin.request.get('/api/users/me.json', {
    headers: { Authorization: `Bearer ${await token(admin)}`, Accept: 'application/json' },
  });
  expect((await me.json()).email_notifications).toBe(false);
  await choice.check();
  await expect(admin.getByText('Saved.')).toBeVisible();
  await admin.reload();
  await expect(choice).toBeChecked();
  expect(problems).toEqual([]);
});

test.describe('needs the inbound API', () => {
  // A mailbox of this run's own on the test dovecot (any user, password "secret"); dovecot's
  // mail processes run as nobody, hence the open permissions.
  const user = `desk${stamp}`;
  const maildir = path.join(mailDir, 'dovecot', 'home', user, 'Maildir');

  function deliver(raw: string): void {
    for (const sub of ['', 'tmp', 'new', 'cur']) {
      fs.mkdirSync(path.join(maildir, sub), { recursive: true });
      fs.chmodSync(path.join(maildir, sub), 0o777);
    }
    fs.chmodSync(path.dirname(maildir), 0o777);
    const name = `${Date.now()}.${Math.random().toString(16).slice(2)}.test`;
    fs.writeFileSync(path.join(maildir, 'tmp', name), raw);
    fs.renameSync(path.join(maildir, 'tmp', name), path.join(maildir, 'new', name));
  }

  test('incoming mail: the IMAP test, then an unreadable mail quarantined, tried again and discarded', async ({ browser }) => {
    const problems: string[] = [];
    deliver(`From: broken\r\nTo: support@desk.test\r\nSubject: no sender ${stamp}\r\nMessage-ID: <noat-${stamp}@example.test>\r\n\r\nWho am I?\r\n`);
    deliver(`From: stranger-${stamp}@example.test\r\nTo: support@desk.test\r\nSubject: let me in ${stamp}\r\nMessage-ID: <stranger-${stamp}@example.test>\r\n\r\nHello?\r\n`);
    const admin = await signedInAdmin(browser, problems);
    await admin.goto('/desk/admin/mail');
    const imap = admin.getByRole('region', { name: 'Incoming (IMAP)' });
    await imap.getByLabel('Host').fill('127.0.0.1');
    // Whatever an earlier story set: from TLS on its usual port, none follows with 143.
    await imap.getByLabel('Security').selectOption('tls');
    await imap.getByLabel('Port').fill('993');
    await imap.getByLabel('Security').selectOption('none');
    await expect(imap.getByLabel('Port')).toHaveValue('143');
    await imap.getByLabel('Port').fill('10143');
    await imap.getByLabel('User name').fill(user);
    await imap.getByLabel('Password', { exact: true }).fill('secret');
    await expect(imap.getByLabel('Folder')).toHaveValue('INBOX');
    await imap.getByLabel('Check every (seconds)').fill('5');
    await imap.getByRole('button', { name: 'Save' }).click();
    await expect(imap.locator('#mail-imap_poll_seconds-error')).toContainText('10 to 3600');
    await imap.getByLabel('Check every (seconds)').fill('10');
    await imap.getByLabel('Fetch mail from this mailbox').check();
    // Only people with an account open tickets by mail: the stranger's is logged as ignored.
    await expect(imap.getByLabel('Who may open tickets by mail')).toHaveValue('anyone');
    await imap.getByLabel('Who may open tickets by mail').selectOption('known');
    await imap.getByRole('button', { name: 'Save' }).click();
    await expect(imap.getByText('Saved.')).toBeVisible();
    await imap.getByRole('button', { name: 'Test IMAP connection' }).click();
    await expect(imap.getByTestId('mail-check')).toContainText('It works.');

    // The fetcher takes the mail and, unable to read it, keeps it in quarantine.
    await adminNav(admin).getByRole('link', { name: 'Mail log' }).click();
    await expect(admin.getByRole('heading', { level: 1, name: 'Mail log' })).toBeVisible();
    await expect(admin.getByLabel('Outcome')).toHaveValue('quarantined');
    const kept = admin.getByTestId('inbound-mail').first();
    await expect(async () => {
      await admin.reload();
      await expect(kept).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    await expect(kept.getByTestId('mail-state')).toHaveText('Quarantined');
    await expect(kept.getByTestId('mail-problem')).toContainText('sender');
    await expect(admin.getByTestId('mail-log-page-info')).toContainText(/^Page 1 of \d+ · \d+ entr/);
    await snap(admin, 'admin-mail-log');

    const download = admin.waitForEvent('download');
    await kept.getByRole('button', { name: 'Download' }).click();
    const saved = await (await download).path();
    expect(fs.readFileSync(saved, 'utf8')).toContain(`no sender ${stamp}`);

    // Still unreadable: it stays.
    await kept.getByRole('button', { name: 'Try again' }).click();
    await expect(kept.getByTestId('mail-state')).toHaveText('Quarantined');
    await expect(admin.getByTestId('inbound-mail')).toHaveCount(1);

    await kept.getByRole('button', { name: /^Discard/ }).click();
    await kept.getByRole('button', { name: 'Yes, discard' }).click();
    await expect(admin.getByTestId('inbound-mail')).toHaveCount(0);
    await expect(admin.getByText('Nothing here.')).toBeVisible();

    await admin.getByLabel('Outcome').selectOption('ignored');
    const ignored = admin.getByTestId('inbound-mail').filter({ hasText: `stranger-${stamp}@example.test` });
    await expect(ignored.getByTestId('mail-problem')).toContainText('does not take their mail');

    // Back to anyone, for the stories after this one.
    await admin.goto('/desk/admin/mail');
    await imap.getByLabel('Who may open tickets by mail').selectOption('anyone');
    await imap.getByRole('button', { name: 'Save' }).click();
    await expect(imap.getByText('Saved.')).toBeVisible();

    const provokedHere = /status of 422.*\/api\/mail\/settings\.json/;
    expect(problems.filter((p) => !provokedHere.test(p))).toEqual([]);
  });
});
