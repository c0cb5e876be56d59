import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

import { hydrated, signIn, superAdmin } from '../support/pages';

// One Roster, from first run onwards: each test builds on the one before.
test.describe.configure({ mode: 'serial' });

test('the first-run setup link creates the super admin, who lands signed in', async ({ page }) => {
  await page.goto(process.env.ROSTER_SETUP_LINK!);
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(superAdmin.email);
  await page.getByLabel('Name', { exact: true }).fill(superAdmin.name);
  await page.getByLabel('Password', { exact: true }).fill(superAdmin.password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { name: `Welcome, ${superAdmin.name}` })).toBeVisible();
  await expect(page).toHaveURL('/');
});

test('the setup link works only once', async ({ page }) => {
  await page.goto(process.env.ROSTER_SETUP_LINK!);
  await expect(page.getByRole('alert')).toContainText('already been used');
  await expect(page.getByRole('button', { name: 'Create account' })).toHaveCount(0);
});

test('signed out, the protected page sends you to sign in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Roster' })).toBeVisible();
});

test('sign in, use the hydrated page, sign out', async ({ page }) => {
  await signIn(page, superAdmin.email, superAdmin.password);
  await expect(page.getByRole('heading', { name: `Welcome, ${superAdmin.name}` })).toBeVisible();
  await expect(page).toHaveURL('/');

  // The account menu only opens once the page is hydrated.
  const menu = page.getByRole('button', { name: `Account menu for ${superAdmin.name}` });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByText(superAdmin.email)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');

  await menu.click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Roster' })).toBeVisible();

  // Signing out is one navigation: none follows to interrupt the next.
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a wrong password shows a clear error and keeps focus in the password field', async ({ page }) => {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(superAdmin.email);
  const password = page.getByLabel('Password', { exact: true });

  await password.fill('not the password');
  await password.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await expect(password).toBeFocused();
  await expect(password).toHaveValue('');

  await password.fill('still not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(password).toBeFocused();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('the sign-in and home pages pass an automated accessibility check', async ({ page }) => {
  await page.goto('/sign-in');
  await hydrated(page);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  await signIn(page, superAdmin.email, superAdmin.password);
  await expect(page.getByRole('heading', { name: `Welcome, ${superAdmin.name}` })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
