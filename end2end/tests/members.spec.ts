import AxeBuilder from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';

import { demo, hydrated, signIn, superAdmin } from '../support/pages';

// The demo organization: its admin ("Demo Admin 1") and 40 people made up by
// `roster seed-demo` (see global-setup.ts), of every role and status.
const members = `/orgs/${demo.slug}/members`;

// Columns: select, name, email, role, status, joined, last sign-in, actions.
const column = (page: Page, n: number) => page.getByRole('table').locator(`tbody tr td:nth-child(${n})`);
const names = (page: Page) => column(page, 2);

async function texts(page: Page, n: number) {
  return (await column(page, n).allTextContents()).map((text) => text.trim());
}

test('search, filter, sort and page through members; the URL keeps the view', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(members);
  await hydrated(page);
  const caption = page.getByRole('table').getByRole('caption');
  const everyone = await caption.textContent();
  expect(everyone).toMatch(/^\d+ members/);

  await page.getByLabel('Search name or email').fill('AN');
  await expect(page).toHaveURL(/q=AN/);
  await expect(caption).not.toHaveText(everyone ?? '');
  const found = await texts(page, 2);
  const emails = await texts(page, 3);
  expect(found.length).toBeGreaterThan(0);
  found.forEach((name, i) => expect(`${name} ${emails[i]}`.toLowerCase()).toContain('an'));

  await page.getByLabel('Role').selectOption('editor');
  await expect(page).toHaveURL(/role=editor/);
  await expect.poll(() => texts(page, 4)).not.toContain('Viewer');
  expect(new Set(await texts(page, 4))).toEqual(new Set(['Editor']));
  const ascending = await texts(page, 2);

  await page.getByRole('table').getByRole('link', { name: 'Name' }).click();
  await expect(page).toHaveURL(/dir=desc/);
  await expect(page.getByRole('table').getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'descending');
  const descending = await texts(page, 2);
  expect(descending).toEqual([...descending].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? 1 : -1)));
  expect(new Set(descending)).toEqual(new Set(ascending));

  // Back restores the previous view; reload keeps the current one.
  await page.goBack();
  await expect(page).not.toHaveURL(/dir=desc/);
  await expect(names(page)).toHaveText(ascending);
  await page.reload();
  await expect(page.getByLabel('Role')).toHaveValue('editor');
  await expect(names(page)).toHaveText(ascending);
});

test('pages of members, and a bad link still shows a page', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`${members}?size=10`);
  await hydrated(page);
  const caption = page.getByRole('table').getByRole('caption');
  // (member-controls.spec.ts removes and deletes a few people before this runs.)
  await expect(caption).toContainText(/page 1 of [4-9]/);
  const first = await texts(page, 2);
  await page.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(caption).toContainText('page 2 of');
  await expect(names(page)).not.toHaveText(first);
  await page.goBack();
  await expect(caption).toContainText('page 1 of');
  await expect(names(page)).toHaveText(first);

  // A page far past the end shows the last one.
  const response = await page.goto(`${members}?sort=bogus&page=1000000000&size=5`);
  expect(response?.status()).toBe(200);
  await expect(caption).toContainText(/page (\d+) of \1$/);
});

test('the pager goes to the first, the last and a numbered page, keeping the view', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`${members}?sort=email&size=10`);
  await hydrated(page);
  const caption = page.getByRole('table').getByRole('caption');
  const pager = page.getByRole('navigation', { name: 'Pages' });
  const pages = Number((await caption.textContent())?.match(/of ([\d,]+)$/)?.[1].replace(/,/g, ''));
  expect(pages).toBeGreaterThan(2);
  await expect(pager.getByRole('link', { name: 'First page' })).toHaveAttribute('aria-current', 'page');
  await expect(pager.getByRole('link', { name: 'Previous page' })).toHaveCount(0);

  await pager.getByRole('link', { name: 'Last page' }).click();
  await expect(page).toHaveURL(new RegExp(`page=${pages}`));
  await expect(caption).toContainText(`page ${pages} of ${pages}`);
  await expect(pager.getByRole('link', { name: 'Last page' })).toHaveAttribute('aria-current', 'page');
  await expect(pager.getByRole('link', { name: 'Next page' })).toHaveCount(0);
  await expect(pager.getByRole('link', { name: 'First page' })).not.toHaveAttribute('aria-current', 'page');

  const field = pager.getByLabel('Page number');
  await expect(field).toHaveValue(String(pages));
  await field.fill('2');
  await field.press('Enter');
  await expect(page).toHaveURL(/page=2/);
  await expect(page).toHaveURL(/sort=email/);
  await expect(page).toHaveURL(/size=10/);
  await expect(caption).toContainText(`page 2 of ${pages}`);

  await pager.getByRole('link', { name: 'First page' }).click();
  await expect(caption).toContainText(`page 1 of ${pages}`);
  await expect(page).not.toHaveURL(/page=/);

  // The page-number field is a plain GET form: it works without JavaScript.
  const plain = await browser.newContext({ storageState: await page.context().storageState(), javaScriptEnabled: false });
  const noScript = await plain.newPage();
  await noScript.goto(`${members}?role=viewer&sort=email&size=10`);
  const plainPager = noScript.getByRole('navigation', { name: 'Pages' });
  await plainPager.getByLabel('Page number').fill('2');
  await plainPager.getByRole('button', { name: 'Go' }).click();
  await expect(noScript).toHaveURL(/role=viewer/);
  await expect(noScript).toHaveURL(/page=2/);
  await expect(noScript.getByRole('table').getByRole('caption')).toContainText('page 2 of');
  await plain.close();
});

test('the bulk menu starts on no action, and a bulk suspension names its count before anything changes', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`${members}?status=active&sort=email&size=10`);
  await hydrated(page);
  const before = await texts(page, 2);
  const bar = page.getByRole('region', { name: 'Selected members' });
  const boxes = page.getByRole('table').getByRole('checkbox');
  for (const n of [1, 2, 3]) await boxes.nth(n).check();
  await expect(bar).toContainText('3 selected.');

  const menu = bar.getByLabel('Change');
  await expect(menu).toHaveValue('');
  await expect(menu.getByRole('option', { name: 'Choose an action…' })).toBeDisabled();
  const apply = bar.getByRole('button', { name: 'Apply to selected' });
  const dialog = page.getByRole('dialog', { name: 'Change members' });
  // aria-disabled, not disabled: it stays reachable, and pressing it says why it does nothing.
  await apply.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(bar.getByText('Choose an action first.')).toBeVisible();
  await expect(menu).toBeFocused();

  await menu.selectOption('suspend');
  await expect(bar.getByText('Choose an action first.')).toBeHidden();
  await apply.click();
  await expect(dialog).toContainText('Suspend 3 members?');
  await expect(dialog.getByRole('button', { name: 'Suspend 3 members' })).toBeVisible();

  // Closing the dialog changes nobody.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(apply).toBeFocused();
  await page.reload();
  await expect(names(page)).toHaveText(before);
});

test('a row menu changes one member; the dialog returns focus to it', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`${members}?role=viewer&status=active&size=10`);
  await hydrated(page);
  const name = (await texts(page, 2))[0];
  const row = page.getByRole('row').filter({ hasText: name }).first();
  const menu = row.getByRole('button', { name: `Actions for ${name}` });

  await menu.click();
  await row.getByRole('button', { name: 'Change role…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change members' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText(`New role for ${name}`)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(menu).toBeFocused();

  await menu.click();
  await row.getByRole('button', { name: 'Change role…' }).click();
  await dialog.getByLabel('Editor').check();
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Done.' })).toBeVisible();
  // The view lists viewers: the new editor has left it.
  await expect(names(page)).not.toContainText([name]);
  await page.goto(`${members}?q=${encodeURIComponent(name)}&role=editor`);
  await expect(names(page)).toContainText([name]);
});

test('bulk changes report what happened to each selected member', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`${members}?sort=name&size=10`);
  await hydrated(page);
  const bar = page.getByRole('region', { name: 'Selected members' });
  await expect(bar).toBeHidden();

  // The whole page, the admin's own row among them, made viewers: everyone
  // but the admin changes, and the report says why the admin did not.
  await page.getByLabel('Search name or email').fill('Demo Admin');
  await expect(page.getByRole('table').getByRole('caption')).toContainText(/^1 member ·/);
  await page.getByLabel('Select every member on this page').check();
  await expect(bar).toContainText('1 selected.');
  await bar.getByLabel('Change').selectOption('role:viewer');
  await bar.getByRole('button', { name: 'Apply to selected' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change members' });
  await dialog.getByRole('button', { name: 'Make viewer' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Not done for any' })).toContainText(
    'Nobody changes their own role.',
  );

  // Every suspended member matching a filter, beyond this page: reactivated.
  await page.goto(`${members}?status=suspended&size=10`);
  await hydrated(page);
  const suspended = Number((await page.getByRole('table').getByRole('caption').textContent())?.match(/^(\d+)/)?.[1]);
  expect(suspended).toBeGreaterThan(0);
  await page.getByLabel('Select every member on this page').check();
  if (suspended > 10) {
    await bar.getByRole('button', { name: `Select all ${suspended} matching members` }).click();
    await expect(bar).toContainText(`All ${suspended} matching members selected.`);
  }
  await bar.getByLabel('Change').selectOption('reactivate');
  await bar.getByRole('button', { name: 'Apply to selected' }).click();
  await dialog.getByRole('button', { name: 'Reactivate' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Done' })).toContainText(
    suspended === 1 ? 'Done.' : `Done for all ${suspended} members.`,
  );
  await expect(page.getByText('No member matches this search and these filters.')).toBeVisible();
});

test('a long bulk change says how far it is, then what it did', async ({ page }) => {
  test.setTimeout(180_000);
  // An organization of its own with 300 invited people: three invitations of 100.
  await signIn(page, superAdmin.email, superAdmin.password);
  await page.goto('/orgs');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Batch Works');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByRole('heading', { name: 'Batch Works', level: 1 })).toBeVisible();
  const slug = 'batch-works';
  await page.goto(`/orgs/${slug}/invitations`);
  await hydrated(page);
  for (let round = 0; round < 3; round++) {
    await page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite people' });
    const addresses = Array.from({ length: 100 }, (_, i) => `batch${round * 100 + i}@batch.example`);
    await dialog.getByLabel('Email addresses').fill(addresses.join('\n'));
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    // This round's answer, not the last one's: the request has been served.
    await expect(dialog.getByRole('status')).toContainText(addresses[0]);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  }

  await page.goto(`/orgs/${slug}/members?status=invited&size=10`);
  await hydrated(page);
  await expect(page.getByRole('table').getByRole('caption')).toContainText(/^300 members/);
  const bar = page.getByRole('region', { name: 'Selected members' });
  await page.getByLabel('Select every member on this page').check();
  await bar.getByRole('button', { name: 'Select all 300 matching members' }).click();
  await bar.getByLabel('Change').selectOption('role:editor');
  await bar.getByRole('button', { name: 'Apply to selected' }).click();
  await page.getByRole('dialog', { name: 'Change members' }).getByRole('button', { name: 'Make editor' }).click();
  // Made in batches: the page counts them as they are done.
  const status = page.getByRole('status').filter({ hasText: 'members done' });
  await expect(status).toContainText(/Working on it: [\d,]+ of 300 members done/);
  await expect(status.getByRole('progressbar', { name: 'Members done' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Done for all 300 members.' })).toBeVisible({
    timeout: 60_000,
  });
  await page.goto(`/orgs/${slug}/members?status=invited&role=editor&size=10`);
  await expect(page.getByRole('table').getByRole('caption')).toContainText(/^300 members/);
});

test('super admins see every account with its organizations', async ({ page }) => {
  await signIn(page, superAdmin.email, superAdmin.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'All users' }).click();
  await expect(page.getByRole('heading', { name: 'All users', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Search name or email').fill(demo.admin);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/users\?q=/);
  const row = page.getByRole('row').filter({ hasText: demo.admin });
  await expect(row).toContainText('Demo Org 1 · admin · active');
  await row.getByRole('link', { name: 'Demo Org 1' }).click();
  await expect(page).toHaveURL(members);
});

test('every members control is reachable by keyboard alone, and the page passes an accessibility check', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`${members}?size=10`);
  await hydrated(page);
  await page.getByRole('table').getByRole('checkbox').nth(1).check();
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const reached = new Set<string>();
  // The navigation and header come first: room for them too.
  for (let i = 0; i < 100; i++) {
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
  for (const control of [
    'Search name or email',
    'Role',
    'Status',
    'Last sign-in',
    'Apply',
    'Change',
    'Apply to selected',
    'Clear selection',
    'Select every member on this page',
    'Name',
    'Email',
    'Joined',
    'Rows per page',
  ]) {
    expect([...reached], control).toContain(control);
  }
  expect([...reached].some((label) => label.startsWith('Actions for '))).toBe(true);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
