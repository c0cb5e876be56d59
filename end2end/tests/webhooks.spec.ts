import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect, test } from '@playwright/test';
import { Webhook } from 'standardwebhooks';

import { demo, hydrated, signIn } from '../support/pages';

/** A webhook receiver on this machine: records every POST, answers 204. */
async function receiver() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/roster-events`, received, close: () => server.close() };
}

test('an org admin registers a webhook, a role change in the UI reaches it signed, and the log shows the delivery', async ({
  page,
}) => {
  const hook = await receiver();
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Endpoint URL', { exact: true }).fill(hook.url);
  await page.getByLabel('Description').fill('The billing app');
  await page.getByRole('checkbox', { name: /member\.role_changed/ }).check();
  await page.getByRole('button', { name: 'Register endpoint' }).click();
  const registered = page.getByRole('status').filter({ hasText: 'Endpoint registered' });
  await expect(registered).toContainText('Copy it now: it will not be shown again.');
  const secret = ((await registered.locator('code.credential').textContent()) ?? '').trim();
  expect(secret).toMatch(/^whsec_/);
  const endpoint = (await registered.getByRole('link', { name: 'Go to the endpoint' }).getAttribute('href')) ?? '';

  // A role change, made in the members table.
  await page.goto(`/orgs/${demo.slug}/members?role=viewer&status=active&sort=name`);
  await hydrated(page);
  const row = page.getByRole('table').getByRole('row').nth(1);
  const name = (await row.getByRole('link').first().textContent())?.trim() ?? '';
  await row.getByRole('button', { name: `Actions for ${name}` }).click();
  await row.getByRole('button', { name: 'Change role…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change members' });
  await dialog.getByLabel('Editor').check();
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} is now an editor.` })).toBeVisible();

  // Delivered by the worker, signed: an independent Standard Webhooks library verifies it.
  await expect.poll(() => hook.received.length, { timeout: 30_000 }).toBeGreaterThan(0);
  const [delivery] = hook.received;
  const headers = Object.fromEntries(
    Object.entries(delivery.headers).map(([key, value]) => [key, String(value)]),
  ) as Record<string, string>;
  const event = new Webhook(secret).verify(delivery.body, headers) as {
    type: string;
    data: { before: { role: string }; after: { role: string }; organization: { slug: string } };
  };
  expect(event.type).toBe('member.role_changed');
  expect(event.data.organization.slug).toBe(demo.slug);
  expect(event.data.before.role).toBe('viewer');
  expect(event.data.after.role).toBe('editor');
  expect(() => new Webhook(`whsec_${Buffer.from('not the secret, not at all').toString('base64')}`).verify(delivery.body, headers)).toThrow();

  // The endpoint's log shows the attempt and its answer.
  await page.goto(endpoint);
  const log = page.getByRole('table').filter({ hasText: 'member.role_changed' });
  await expect(log).toContainText(headers['webhook-id']);
  await expect(log).toContainText('Delivered');
  await expect(log).toContainText('HTTP 204');

  // Back as it was, for the suites after this one; the endpoint goes too.
  await page.goto(`/orgs/${demo.slug}/members?role=editor&status=active&q=${encodeURIComponent(name)}`);
  await hydrated(page);
  const again = page.getByRole('table').getByRole('row').nth(1);
  await again.getByRole('button', { name: `Actions for ${name}` }).click();
  await again.getByRole('button', { name: 'Change role…' }).click();
  await dialog.getByLabel('Viewer').check();
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} is now a viewer.` })).toBeVisible();
  hook.close();
});
