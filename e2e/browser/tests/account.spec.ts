import { test, expect } from '@playwright/test';
import { mailedLink, newPerson, signIn, snap } from './support';

// A person's own account: a forgotten password reset through the mailed link (read from the
// outbox until mail is sent), a common password refused on the way, then a password change on
// the account page that signs the other browser out.

const adminUser = process.env.OXIDESK_ADMIN_USER ?? 'admin';
const adminPassword = process.env.OXIDESK_ADMIN_PASSWORD ?? '';

test.setTimeout(180_000);

test('a forgotten password is reset by its link, then changed on the account page', async ({ browser }) => {
  const problems: string[] = [];
  const stamp = `${Date.now()}`;
  const username = `rita${stamp}`.slice(0, 20);
  const email = `rita.${stamp}@example.com`;

  const admin = await newPerson(browser, problems, 'admin');
  await signIn(admin, adminUser, adminPassword);
  await admin.goto('/desk/admin/users');
  const create = admin.getByTestId('create-form');
  await create.getByLabel('User name').fill(username);
  await create.getByLabel('Name', { exact: true }).fill('Rita Reset');
  await create.getByLabel('Email').fill(email);
  await create.getByLabel('Password').fill('the first passphrase');
  await create.getByRole('button', { name: 'Add user' }).click();
  await expect(admin.getByTestId('admin-row').filter({ hasText: username })).toBeVisible();

  // --- Forgotten: ask for a link from the sign-in page. --------------------------------------
  const rita = await newPerson(browser, problems, 'rita');
  await rita.goto('/login');
  await rita.getByRole('link', { name: 'Forgot your password?' }).click();
  await rita.getByLabel('User name or email').fill(email);
  await rita.getByRole('button', { name: 'Send the link' }).click();
  await expect(rita.getByTestId('reset-sent')).toContainText('If an account uses that name');
  await snap(rita, 'forgot-password');

  const resetPath = await mailedLink(admin, email, '/reset');
  await snap(admin, 'admin-outbox');
  await rita.goto(resetPath);
  await rita.getByLabel('New password', { exact: true }).fill('password123');
  await rita.getByLabel('New password again').fill('password123');
  await rita.getByRole('button', { name: 'Set the password' }).click();
  await expect(rita.locator('#reset-password-error')).toContainText('too common');
  await rita.getByLabel('New password', { exact: true }).fill('a second passphrase');
  await rita.getByLabel('New password again').fill('a second passphrase');
  await rita.getByRole('button', { name: 'Set the password' }).click();
  await expect(rita.getByTestId('reset-done')).toBeVisible();
  // The link worked once.
  await rita.goto(resetPath);
  await rita.getByLabel('New password', { exact: true }).fill('a third passphrase');
  await rita.getByLabel('New password again').fill('a third passphrase');
  await rita.getByRole('button', { name: 'Set the password' }).click();
  await expect(rita.getByRole('alert').filter({ hasText: /This link is not valid/ })).toBeVisible();

  // --- Signed in with the new password, she changes it on her account page. ------------------
  await signIn(rita, username, 'a second passphrase');
  const otherBrowser = await newPerson(browser, problems, 'rita-elsewhere');
  await signIn(otherBrowser, username, 'a second passphrase');
  await rita.getByTestId('current-user').click();
  await expect(rita.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await rita.getByLabel('Current password').fill('not my password');
  await rita.getByLabel('New password', { exact: true }).fill('a fourth passphrase');
  await rita.getByLabel('New password again').fill('a fourth passphrase');
  await rita.getByRole('button', { name: 'Change password' }).click();
  await expect(rita.locator('#account-current-error')).toContainText('is not your current password');
  await rita.getByLabel('Current password').fill('a second passphrase');
  await rita.getByRole('button', { name: 'Change password' }).click();
  await expect(rita.getByText('Your password is changed.')).toBeVisible();
  await snap(rita, 'account');
  // This browser stays signed in; the other one is signed out on its next request.
  await rita.goto('/tickets');
  await expect(rita.getByTestId('current-user')).toHaveText('Rita Reset');
  await otherBrowser.goto('/tickets');
  await expect(otherBrowser).toHaveURL(/\/login/);

  // Refused answers the test provoked on purpose (a common password, a used link, a wrong one).
  const provoked = /status of 422.*\/api\/(auth\/reset\/confirm|users\/me\/password)\.json/;
  expect(problems.filter((p) => !provoked.test(p))).toEqual([]);
});
