import { expect, test } from '@playwright/test';

import { demo, hydrated, signIn, superAdmin } from '../support/pages';

test('a super admin suspends an account: its session ends, sign-in says why, reactivation lets it back', async ({ page, browser }) => {
  // Someone of the demo organization, signed in on their own device.
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}/members?role=viewer&status=active&sort=email&dir=desc&size=10`);
  await hydrated(page);
  const cells = page.getByRole('table').locator('tbody tr').first().locator('td');
  const name = (await cells.nth(1).textContent())?.trim() ?? '';
  const email = (await cells.nth(2).textContent())?.trim() ?? '';
  const device = await browser.newContext();
  const member = await device.newPage();
  await signIn(member, email, demo.password);

  const rootContext = await browser.newContext();
  const root = await rootContext.newPage();
  await signIn(root, superAdmin.email, superAdmin.password);
  await root.goto(`/users?q=${encodeURIComponent(email)}`);
  await hydrated(root);
  const row = root.getByRole('row').filter({ hasText: email });
  const suspend = row.getByRole('button', { name: `Suspend… ${name}` });
  await suspend.click();
  const dialog = root.getByRole('dialog', { name: 'Account status' });
  await dialog.getByLabel('Reason (optional)').fill('Left the company.');
  await dialog.getByRole('button', { name: 'Suspend account' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('Suspended');

  // Their next request finds the session gone, and sign-in says the account is suspended.
  await member.reload();
  await expect(member).toHaveURL(/\/sign-in/);
  await hydrated(member);
  await member.getByLabel('Email', { exact: true }).fill(email);
  await member.getByLabel('Password', { exact: true }).fill(demo.password);
  await member.getByRole('button', { name: 'Sign in' }).click();
  await expect(member.getByRole('alert')).toContainText('This account is suspended');

  await row.getByRole('button', { name: `Reactivate… ${name}` }).click();
  await dialog.getByRole('button', { name: 'Reactivate account' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).not.toContainText('Suspended');
  await signIn(member, email, demo.password);
  await device.close();
  await rootContext.close();
});
