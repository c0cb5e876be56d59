import AxeBuilder from '@axe-core/playwright';
import { type Browser, type Page, expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';

import { demo, hydrated, signIn } from '../support/pages';

// Activity (issue #7): a member's page, the audit log and one's own account.
// Each test picks its member through its own view of the demo organization.
const members = `/orgs/${demo.slug}/members`;

async function firstMember(page: Page, query: string) {
  await page.goto(`${members}?q=${demo.slug}.example&${query}`);
  await hydrated(page);
  const cells = page.getByRole('table').locator('tbody tr').first().locator('td');
  const name = (await cells.nth(1).textContent())?.trim() ?? '';
  const email = (await cells.nth(2).textContent())?.trim() ?? '';
  expect(email).toContain('@');
  return { name, email };
}

async function device(browser: Browser, email: string, password = demo.password) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, password);
  return { context, page };
}

async function changeRole(page: Page, email: string, name: string, role: string) {
  await page.goto(`${members}?q=${encodeURIComponent(email)}`);
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: email });
  await row.getByRole('button', { name: `Actions for ${name}` }).click();
  await row.getByRole('button', { name: 'Change role…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change members' });
  await dialog.getByLabel(role).check();
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText(role);
}

test('a member page shows their actions in order, their sign-ins as a chart, and ends a session', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  const { name, email } = await firstMember(page, 'role=viewer&status=active&sort=email&dir=desc&size=10');
  // A wrong password, then a real sign-in in another browser.
  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  await strangerPage.goto('/sign-in');
  await hydrated(strangerPage);
  await strangerPage.getByLabel('Email', { exact: true }).fill(email);
  await strangerPage.getByLabel('Password', { exact: true }).fill('not the password');
  await strangerPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(strangerPage.getByRole('alert')).toContainText('incorrect');
  await stranger.close();
  const member = await device(browser, email);

  await changeRole(page, email, name, 'Editor');
  await changeRole(page, email, name, 'Viewer');
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await hydrated(page);

  const events = page.locator('section', { has: page.getByRole('heading', { name: 'Activity' }) }).locator('tbody tr');
  await expect(events.nth(0)).toContainText('Role changed');
  await expect(events.nth(0)).toContainText('role: viewer');
  await expect(events.nth(1)).toContainText('role: editor');
  for (const index of [0, 1]) {
    await expect(events.nth(index)).toContainText(demo.admin);
    await expect(events.nth(index).locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
  }

  const chart = page.locator('figure.sign-in-chart');
  await expect(chart.locator('rect.chart-bar')).toHaveCount(90);
  await expect(chart.locator('rect.chart-bar').last()).not.toHaveAttribute('data-count', '0');
  await expect(chart.locator('figcaption')).toContainText('in all');
  const attempts = page.locator('table.sign-in-attempts');
  await expect(attempts).toContainText('Wrong password');
  await expect(attempts).toContainText('Signed in');
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // Ending their session sends them to sign-in on their next click.
  await page.locator('table.sessions').getByRole('button', { name: 'End session' }).first().click();
  await expect(events.nth(0)).toContainText('Session ended');
  await member.page.reload();
  await expect(member.page).toHaveURL(/\/sign-in/);
  await member.context.close();
});

test('the audit log narrows with its filters and exports the filtered rows', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}/audit`);
  await hydrated(page);
  const caption = page.locator('table.audit-table caption');
  const total = async () => Number((await caption.textContent())?.match(/^(\d+) events/)?.[1]);
  const everything = await total();
  expect(everything).toBeGreaterThan(0);

  await page.getByLabel('What').selectOption({ label: 'Role changed' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/action=member\.role_changed/);
  const roleChanges = await total();
  expect(roleChanges).toBeGreaterThan(0);
  expect(roleChanges).toBeLessThan(everything);
  const rows = page.locator('table.audit-table tbody tr');
  for (const what of await rows.locator('td:nth-child(2)').allTextContents()) {
    expect(what).toBe('Role changed');
  }

  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('From').fill(today);
  await page.getByLabel('To (included)').fill(today);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`from=${today}`));
  const todays = await total();
  expect(todays).toBeLessThanOrEqual(roleChanges);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export these events as CSV' }).click();
  const csv = await readFile((await (await download).path()) ?? '', 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toMatch(/^At,Action,By name/);
  expect(lines.length - 1).toBe(todays);
  for (const line of lines.slice(1)) {
    expect(line).toContain('Role changed');
  }

  await page.getByLabel('To (included)').fill('2000-01-01');
  await page.getByLabel('From').fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No event matches these filters.')).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test('own account: sign out everywhere else, and a password change that needs the current one', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  const { email } = await firstMember(page, 'role=editor&status=active&sort=email&dir=desc&size=10');
  await page.context().clearCookies();
  const other = await device(browser, email);
  await signIn(page, email, demo.password);

  await page.getByRole('button', { name: /Account menu for/ }).click();
  await page.getByRole('link', { name: 'Your account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await hydrated(page);
  const sessions = page.locator('table.sessions tbody tr');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: 'This session' })).toHaveCount(1);
  await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(page.getByText('Signed out of 1 other session.')).toBeVisible();
  await expect(sessions).toHaveCount(1);
  await other.page.reload();
  await expect(other.page).toHaveURL(/\/sign-in/);
  await other.context.close();

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('a fresh and long passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('That is not your current password.')).toBeVisible();
  await page.getByLabel('Current password').fill(demo.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed.')).toBeVisible();
  await expect(page.locator('section', { has: page.getByRole('heading', { name: 'Activity' }) })).toContainText(
    'Password changed',
  );
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  // The new password works; the old one does not.
  const again = await device(browser, email, 'a fresh and long passphrase');
  await again.context.close();
});
