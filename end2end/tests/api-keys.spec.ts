import { expect, test } from '@playwright/test';

import { demo, hydrated, signIn } from '../support/pages';
import { BASE_URL } from '../support/server';

/** A call to the management API from outside the browser, as a script would make it. */
async function listMembers(key: string) {
  return fetch(`${BASE_URL}/v1/organizations/${demo.slug}/members?limit=5&sort=name`, {
    headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' },
  });
}

test('an org admin creates an API key, a script uses it, and once revoked it is refused', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('warehouse');
  await page.getByRole('button', { name: 'Create key' }).click();
  const created = page.getByRole('status').filter({ hasText: 'Key “warehouse” created' });
  await expect(created).toContainText('Copy it now: it will not be shown again.');
  const key = ((await created.locator('code.credential').textContent()) ?? '').trim();
  expect(key).toMatch(/^roster_/);

  // Used from outside the browser: the organization's members, a slice at a time.
  const answer = await listMembers(key);
  expect(answer.status).toBe(200);
  const slice = (await answer.json()) as { items: { email: string }[]; next_cursor: string | null };
  expect(slice.items).toHaveLength(5);
  expect(slice.next_cursor).toBeTruthy();
  // Without the key, or with a made-up one: refused, and the problem says why.
  const forged = await listMembers(`roster_${'A'.repeat(43)}`);
  expect(forged.status).toBe(401);
  expect(forged.headers.get('content-type')).toContain('application/problem+json');

  // The table shows when it was last used; revoking asks first.
  await page.reload();
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: 'warehouse' });
  await expect(row).toContainText('Active');
  await row.getByText('Revoke…').click();
  await row.getByRole('button', { name: 'Revoke “warehouse”' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'warehouse' })).toContainText('Revoked');
  expect((await listMembers(key)).status).toBe(401);
});

test('the API reference renders the OpenAPI document under its own policy, with nothing blocked', async ({ page }) => {
  // Reached from the API keys page, as an admin finds it.
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}/api-keys`);
  await hydrated(page);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.url()}: ${response.status()}`);
  });
  await page.getByRole('link', { name: 'reference' }).click();
  await expect(page).toHaveURL(/\/docs\/api\/$/);
  await expect(page.getByRole('heading', { name: /Roster management API/ })).toBeVisible();
  // Every operation of the document is listed, grouped by tag.
  const document = (await (await page.request.get('/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  await expect(page.locator('.opblock')).toHaveCount(operations);
  await expect(page.locator('.opblock-summary-path', { hasText: '/v1/organizations/{slug}/members' }).first()).toBeVisible();
  // Its scripts and styles came from Roster itself, and the policy blocked nothing.
  expect(problems, problems.join('\n')).toEqual([]);
});
