import { type Page, expect, test } from '@playwright/test';

import { demo, hydrated, signIn, superAdmin } from '../support/pages';

// Issue #8: a name holding markup is shown as text on every page that shows
// it, and nothing in it runs, whether the page was rendered by the server or
// by the WebAssembly after a client-side navigation.
const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

async function showsLiterally(page: Page) {
  await hydrated(page);
  await expect(page.getByText(payload, { exact: true }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('main img[src="x"], main script:not([nonce])').count()).toBe(0);
}

test('markup in a name renders as text and never runs', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}/members?q=${demo.slug}.example&role=editor&status=active&sort=email&dir=asc&size=10`);
  await hydrated(page);
  const email = (await page.getByRole('table').locator('tbody tr').first().locator('td').nth(2).textContent())?.trim() ?? '';
  expect(email).toContain('@');

  // The member names themselves so.
  await page.context().clearCookies();
  await signIn(page, email, demo.password);
  await page.goto('/account');
  await hydrated(page);
  await page.getByLabel('Your name').fill(payload);
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('button', { name: /Account menu for/ })).toContainText('<img');
  await page.reload();
  await showsLiterally(page);

  // Their admin sees it in the members table and on the member's page
  // (reached by a client-side navigation); a super admin in the audit log.
  await page.context().clearCookies();
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}/members?q=${encodeURIComponent(email)}`);
  await showsLiterally(page);
  await page.getByRole('link', { name: payload, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: payload })).toBeVisible();
  await showsLiterally(page);
  await page.context().clearCookies();
  await signIn(page, superAdmin.email, superAdmin.password);
  await page.goto(`/audit?actor=${encodeURIComponent(email)}`);
  await expect(page.locator('tbody tr').first()).toContainText('Name changed');
  await showsLiterally(page);
});
