import { test, expect } from '@playwright/test';
import { newPerson, signIn } from './support';

// On a desk that signs people in through the test directory (run.sh's third server, when
// OXIDESK_LDAP_URL is set, as `make test` sets it): a directory user signs in with the
// directory's password, her account appears with the directory's name and address, and a reset
// request mails her nothing (her password lives in the directory).

const directoryDesk = process.env.OXIDESK_DIRECTORY_URL ?? '';
const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';

test('a directory user signs in with the directory password and gets no local reset', async ({ browser }) => {
  test.skip(directoryDesk === '', 'no test directory: run with OXIDESK_LDAP_URL=$(scripts/ldap.sh)');
  const problems: string[] = [];
  const alice = await newPerson(browser, problems, 'alice', directoryDesk);

  await alice.goto('/login');
  await alice.getByLabel('User name or email').fill('alice');
  await alice.getByLabel('Password', { exact: true }).fill('not her password');
  await alice.getByLabel('Password', { exact: true }).press('Enter');
  await expect(alice.getByRole('alert')).toContainText('Wrong user name or password');
  await signIn(alice, 'Alice', 'alice-secret-1');
  await expect(alice.getByTestId('current-user')).toHaveText('Alice Liddell');
  await alice.getByTestId('current-user').click();
  await expect(alice.getByText('alice@oxidesk.test')).toBeVisible();
  await expect(alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })).toHaveCount(0);

  // A reset request is answered as for anyone, and mails nothing.
  await alice.getByRole('button', { name: 'Sign out' }).click();
  // Signing out ends on the sign-in page; going elsewhere before then would cut that navigation.
  await expect(alice.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await alice.goto('/forgot');
  await alice.getByLabel('User name or email').fill('alice');
  await alice.getByRole('button', { name: 'Send the link' }).click();
  await expect(alice.getByTestId('reset-sent')).toBeVisible();
  const admin = await newPerson(browser, problems, 'admin', directoryDesk);
  await signIn(admin, adminUser, adminPassword);
  await admin.goto('/desk/admin/outbox');
  await expect(admin.getByRole('heading', { level: 1, name: 'Outbox' })).toBeVisible();
  await expect(admin.getByTestId('outbox-mail').filter({ hasText: 'alice@oxidesk.test' })).toHaveCount(0);

  // The refused sign-in above is the only error the page logged.
  const provoked = /status of 401.*\/api\/auth\/login\.json/;
  expect(problems.filter((p) => !provoked.test(p))).toEqual([]);
});
