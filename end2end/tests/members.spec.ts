import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

import { demo, hydrated, signIn } from '../support/pages';

// The demo organization: its admin and 12 members (Demo User 1.1 … 1.12),
// odd-numbered ones editors, even-numbered ones viewers (see global-setup.ts).
const members = `/orgs/${demo.slug}/members`;

test('search, filter, sort and page through members; the URL keeps the view', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(members);
  await hydrated(page);
  const table = page.getByRole('table');
  await expect(table.getByRole('row')).not.toHaveCount(1);

  await page.getByLabel('Search name or email').fill('user 1.1');
  await expect(page).toHaveURL(/q=user%201\.1/);
  const names = table.locator('tbody tr td:first-child');
  await expect(names).toHaveText(['Demo User 1.1', 'Demo User 1.10', 'Demo User 1.11', 'Demo User 1.12']);

  await page.getByLabel('Role').selectOption('editor');
  await expect(page).toHaveURL(/role=editor/);
  await expect(names).toHaveText(['Demo User 1.1', 'Demo User 1.11']);

  await table.getByRole('link', { name: 'Name' }).click();
  await expect(page).toHaveURL(/dir=desc/);
  await expect(names).toHaveText(['Demo User 1.11', 'Demo User 1.1']);
  await expect(table.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'descending');

  // Back restores the previous view; reload keeps the current one.
  await page.goBack();
  await expect(page).not.toHaveURL(/dir=desc/);
  await expect(names).toHaveText(['Demo User 1.1', 'Demo User 1.11']);
  await page.reload();
  await expect(page.getByLabel('Role')).toHaveValue('editor');
  await expect(names).toHaveText(['Demo User 1.1', 'Demo User 1.11']);
});

test('pages of members, and a bad link still shows a page', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`${members}?size=10`);
  await hydrated(page);
  await expect(page.getByRole('table').getByRole('caption')).toContainText('page 1 of');
  await page.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByRole('table').getByRole('caption')).toContainText('page 2 of');
  await page.goBack();
  await expect(page.getByRole('table').getByRole('caption')).toContainText('page 1 of');

  const response = await page.goto(`${members}?sort=bogus&page=1000000000&size=5`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('table')).toBeVisible();
});

test('every members control is reachable by keyboard alone, and the page passes an accessibility check', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(members);
  await hydrated(page);
  const reached = new Set<string>();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    reached.add(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return '';
        const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
        return (label ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
      }),
    );
  }
  for (const control of ['Search name or email', 'Role', 'Status', 'Last sign-in', 'Apply', 'Name', 'Email', 'Joined', 'Last sign-in', 'Rows per page']) {
    expect([...reached], control).toContain(control);
  }
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
