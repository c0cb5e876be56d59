import { type Browser, type Page, expect, test } from '@playwright/test';

import { demo, hydrated, signIn, superAdmin } from '../support/pages';

// One test per control of the members table's row menu (password resets:
// password-reset.spec.ts; account suspension: suspension.spec.ts). Each
// picks its member through a different view, so they do not meet.
const members = `/orgs/${demo.slug}/members`;

/**
 * The name and email of the first member a view of the demo organization
 * lists, among the people `seed-demo` made (they share `demo.password`;
 * people who joined by invitation in other specs do not).
 */
async function firstMember(page: Page, query: string) {
  await page.goto(`${members}?q=${demo.slug}.example&${query}`);
  await hydrated(page);
  const cells = page.getByRole('table').locator('tbody tr').first().locator('td');
  const name = (await cells.nth(1).textContent())?.trim() ?? '';
  const email = (await cells.nth(2).textContent())?.trim() ?? '';
  expect(email).toContain('@');
  return { name, email };
}

async function openMenuItem(page: Page, name: string, item: string) {
  const row = page.getByRole('row').filter({ hasText: name }).first();
  await row.getByRole('button', { name: `Actions for ${name}` }).click();
  await row.getByRole('button', { name: item }).click();
}

/** A second browser, signed in as `email`. */
async function device(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, demo.password);
  return { context, page };
}

test('a role change shows at once in the table', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  const { name, email } = await firstMember(page, 'role=viewer&status=active&sort=name&size=10');
  await page.goto(`${members}?q=${encodeURIComponent(email)}`);
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('Viewer');

  await openMenuItem(page, name, 'Change role…');
  const dialog = page.getByRole('dialog', { name: 'Change members' });
  await dialog.getByLabel('Admin').check();
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('Admin');
  await expect(row).not.toContainText('Viewer');
  // It holds on reload: the server has it.
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Admin');
});

test('a suspended member is sent to sign-in on their next click, told so, and let back in on reactivation', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  const { name, email } = await firstMember(page, 'role=editor&status=active&sort=email&size=10');
  const member = await device(browser, email);
  await member.page.goto('/');
  await hydrated(member.page);

  await page.goto(`${members}?q=${encodeURIComponent(email)}`);
  await hydrated(page);
  await openMenuItem(page, name, 'Suspend…');
  const dialog = page.getByRole('dialog', { name: 'Change members' });
  await dialog.getByLabel('Reason (optional)').fill('On leave until March.');
  await dialog.getByRole('button', { name: 'Suspend' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('Suspended');

  // Their next click, inside the already-loaded app, lands on sign-in.
  await member.page.getByRole('main').getByRole('link', { name: demo.organization }).click();
  await expect(member.page).toHaveURL(/\/sign-in/);
  await hydrated(member.page);
  await member.page.getByLabel('Email', { exact: true }).fill(email);
  await member.page.getByLabel('Password', { exact: true }).fill(demo.password);
  await member.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(member.page.getByRole('alert')).toContainText('suspended');

  await openMenuItem(page, name, 'Reactivate…');
  await dialog.getByRole('button', { name: 'Reactivate' }).click();
  await expect(row).toContainText('Active');
  await signIn(member.page, email, demo.password);
  await expect(member.page.getByRole('main').getByRole('link', { name: demo.organization })).toBeVisible();
  await member.context.close();
});

test('removing a member asks for their email; they leave the table but keep their account', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  const { name, email } = await firstMember(page, 'role=viewer&status=active&sort=name&dir=desc&size=10');
  await openMenuItem(page, name, 'Remove from organization…');
  const dialog = page.getByRole('dialog', { name: 'Confirm removal' });
  const confirm = dialog.getByRole('button', { name: 'Remove from organization' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('To confirm, type their email address').fill('someone.else@example.com');
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('To confirm, type their email address').fill(email.toUpperCase());
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `${name} was removed from the organization.` })).toBeVisible();
  await expect(page.getByLabel('Search name or email')).toBeFocused();

  await page.goto(`${members}?q=${encodeURIComponent(email)}`);
  await expect(page.getByText('No member matches')).toBeVisible();
  // The account is still there, in no organization.
  const rootContext = await browser.newContext();
  const root = await rootContext.newPage();
  await signIn(root, superAdmin.email, superAdmin.password);
  await root.goto(`/users?q=${encodeURIComponent(email)}`);
  await expect(root.getByRole('row').filter({ hasText: email })).toBeVisible();
  await rootContext.close();
});

test('deleting an account asks for the email, and the user disappears from search', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  const { name, email } = await firstMember(page, 'role=editor&status=active&sort=name&dir=desc&size=10');
  const member = await device(browser, email);

  await openMenuItem(page, name, 'Delete account…');
  const dialog = page.getByRole('dialog', { name: 'Confirm removal' });
  await expect(dialog).toContainText(`Delete ${name}'s account?`);
  const confirm = dialog.getByRole('button', { name: 'Delete account' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('To confirm, type their email address').fill(email);
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `${name}'s account was deleted.` })).toBeVisible();

  await page.getByLabel('Search name or email').fill(email);
  await expect(page.getByText('No member matches')).toBeVisible();
  // Their session went with the account.
  await member.page.reload();
  await expect(member.page).toHaveURL(/\/sign-in/);
  await member.context.close();
});

test('a super admin deletes an account with its data from the all-users page', async ({ page }) => {
  await signIn(page, superAdmin.email, superAdmin.password);
  const { name, email } = await firstMember(page, 'role=viewer&status=active&sort=joined&size=10');
  await page.goto(`/users?q=${encodeURIComponent(email)}`);
  await hydrated(page);
  await page.getByRole('button', { name: `Delete… ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm removal' });
  await dialog.getByLabel('To confirm, type their email address').fill(email);
  await dialog.getByLabel('Also delete their data').check();
  await dialog.getByRole('button', { name: 'Delete account' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('No user matches.')).toBeVisible();
});
