import { expect, test } from '@playwright/test';

import { demo, hydrated, signIn } from '../support/pages';
import { BASE_URL } from '../support/server';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A request of the organization's identity provider, from outside the browser. */
async function scim(token: string, method: string, path: string, body?: unknown) {
  return fetch(`${BASE_URL}/scim/v2/orgs/${demo.slug}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

test('an org admin connects an identity provider, which provisions a person and then deactivates them', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Provisioning' }).click();
  await expect(page.getByRole('heading', { name: 'Provisioning', level: 1 })).toBeVisible();
  await expect(page.locator('code.credential').first()).toHaveText(`${BASE_URL}/scim/v2/orgs/${demo.slug}`);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Okta');
  await page.getByRole('button', { name: 'Create token' }).click();
  const created = page.getByRole('status').filter({ hasText: 'Token “Okta” created' });
  await expect(created).toContainText('Copy it now: it will not be shown again.');
  const token = ((await created.locator('code.credential').textContent()) ?? '').trim();
  expect(token).toMatch(/^roster_scim_/);

  // The identity provider assigns Sky to the app.
  const email = `sky.${Date.now()}@demo-org-1.example`;
  const made = await scim(token, 'POST', '/Users', {
    schemas: [USER],
    userName: email,
    name: { givenName: 'Sky', familyName: 'Provisioned' },
    emails: [{ value: email, type: 'work', primary: true }],
    active: true,
  });
  expect(made.status).toBe(201);
  const sky = (await made.json()) as { id: string };

  // The admin sees Sky among the members SCIM provisioned.
  await page.goto(`/orgs/${demo.slug}/members?source=scim&q=${encodeURIComponent(email)}`);
  await hydrated(page);
  await expect(page.getByLabel('Source')).toHaveValue('scim');
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('Sky Provisioned');
  await expect(row).toContainText('Active');

  // Offboarded in the directory: Entra's PATCH, with its string boolean.
  const off = await scim(token, 'PATCH', `/Users/${sky.id}`, {
    schemas: [PATCH],
    Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
  });
  expect(off.status).toBe(200);
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Suspended');

  // The Provisioning page lists what the token did, and the audit log names it.
  await page.goto(`/orgs/${demo.slug}/provisioning`);
  const requests = page.getByRole('table', { name: /latest .* requests/i });
  await expect(requests.getByRole('row').filter({ hasText: `PATCH /scim/v2/orgs/${demo.slug}/Users/${sky.id}` })).toContainText('200');
  await expect(requests.getByRole('row').filter({ hasText: 'POST' })).toContainText(`Added ${email}.`);
  await page.goto(`/orgs/${demo.slug}/audit`);
  await expect(page.getByText("SCIM token 'Okta' created by").first()).toBeVisible();
});
