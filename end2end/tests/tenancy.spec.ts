import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

import { demo, hydrated, signIn, superAdmin } from '../support/pages';

// Runs after the first-run suite, which created the super admin.
test.describe.configure({ mode: 'serial' });

test('a super admin creates two organizations and switches between them', async ({ page }) => {
  await signIn(page, superAdmin.email, superAdmin.password);
  await expect(page.getByRole('heading', { name: `Welcome, ${superAdmin.name}` })).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
  await expect(page.getByRole('heading', { name: 'Organizations', level: 1 })).toBeVisible();
  for (const name of ['Acme Corp', 'Globex']) {
    await page.goto('/orgs');
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }
  await expect(page).toHaveURL('/orgs/globex');

  const switcher = page.getByRole('button', { name: /^Organization:/ });
  await expect(switcher).toHaveText(/Globex/);

  await switcher.click();
  await page.getByLabel('Find an organization').fill('acme');
  await page.getByRole('list', { name: 'Organizations' }).getByRole('link', { name: 'Acme Corp' }).click();
  await expect(page).toHaveURL('/orgs/acme-corp');
  await expect(page.getByRole('heading', { name: 'Acme Corp', level: 1 })).toBeVisible();
  await expect(switcher).toHaveText(/Acme Corp/);

  await switcher.click();
  await page.getByRole('list', { name: 'Organizations' }).getByRole('link', { name: 'Globex' }).click();
  await expect(page).toHaveURL('/orgs/globex');
  await expect(page.getByRole('heading', { name: 'Globex', level: 1 })).toBeVisible();
  await expect(switcher).toHaveText(/Globex/);

  // The address is the context: back and reload keep it.
  await page.goBack();
  await expect(page).toHaveURL('/orgs/acme-corp');
  await expect(page.getByRole('heading', { name: 'Acme Corp', level: 1 })).toBeVisible();
  await page.reload();
  await expect(switcher).toHaveText(/Acme Corp/);
});

test('the organizations list searches and passes an accessibility check', async ({ page }) => {
  await signIn(page, superAdmin.email, superAdmin.password);
  await page.goto('/orgs?q=glob');
  const table = page.getByRole('table');
  await expect(table.getByRole('link', { name: 'Globex' })).toBeVisible();
  await expect(table.getByRole('link', { name: 'Acme Corp' })).toHaveCount(0);
  await hydrated(page);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test('an org admin who edits the URL to another organization sees "not found"', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}`);
  await expect(page.getByRole('heading', { name: demo.organization, level: 1 })).toBeVisible();
  await expect(page.getByText('You are an admin here.')).toBeVisible();

  for (const other of ['acme-corp', 'globex', 'no-such-organization']) {
    const response = await page.goto(`/orgs/${other}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  }
});
