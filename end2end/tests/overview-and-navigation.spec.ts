import AxeBuilder from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';

import { demo, hydrated, signIn, superAdmin } from '../support/pages';

const overview = `/orgs/${demo.slug}`;
const members = `${overview}/members`;

/** The total in the members table's caption: "1,234 members · page 1 of 50". */
async function tableTotal(page: Page): Promise<number> {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  if (await page.getByText('No member matches this search and these filters.').isVisible()) return 0;
  const caption = await page.getByRole('table').getByRole('caption').textContent();
  const total = caption?.match(/^([\d,]+) members?/)?.[1];
  expect(total, `a total in "${caption}"`).toBeDefined();
  return Number(total?.replace(/,/g, ''));
}

/** How many invitations the invitations page lists. */
async function invitationRows(page: Page): Promise<number> {
  if (await page.getByText('No pending invitations.').isVisible()) return 0;
  return (await page.getByRole('table').getByRole('row').count()) - 1;
}

/**
 * Presses Tab from the top of the page until a link named `label` in the
 * group `group` of the main navigation has focus, then Enter.
 */
async function followByKeyboard(page: Page, group: string, label: string) {
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const list = el?.closest('nav[aria-label="Main"] ul');
      const heading = list ? document.getElementById(list.getAttribute('aria-labelledby') ?? '') : null;
      return { group: heading?.textContent ?? '', label: el?.textContent?.trim() ?? '' };
    });
    if (focused.group === group && focused.label === label) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  throw new Error(`${group} › ${label} was not reached by Tab`);
}

test('every navigation entry is reached by keyboard and marks its page as current', async ({ page, browser }) => {
  // Thirty full page loads: each entry is followed from the members page,
  // whose bundle has no other page (app::bundles), so every link loads its
  // page from the server and starts the console bundle again.
  test.slow();
  await signIn(page, superAdmin.email, superAdmin.password);
  const entries: [string, string, string][] = [
    [demo.organization, 'Overview', overview],
    [demo.organization, 'Members', members],
    [demo.organization, 'Invitations', `${overview}/invitations`],
    [demo.organization, 'Audit log', `${overview}/audit`],
    [demo.organization, 'Webhooks', `${overview}/webhooks`],
    [demo.organization, 'API keys', `${overview}/api-keys`],
    [demo.organization, 'Provisioning', `${overview}/provisioning`],
    ['Installation', 'Overview', '/'],
    ['Installation', 'Organizations', '/orgs'],
    ['Installation', 'All users', '/users'],
    ['Installation', 'Audit log', '/audit'],
    ['Installation', 'Email outbox', '/outbox'],
    ['Installation', 'Applications', '/apps'],
    ['Installation', 'Webhooks', '/webhooks'],
    ['Installation', 'API keys', '/api-keys'],
  ];
  for (const [group, label, path] of entries) {
    // Each time from an organization's page, where both groups show.
    await page.goto(members);
    await followByKeyboard(page, group, label);
    await expect(page).toHaveURL(path);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const current = nav.getByRole('list', { name: group }).getByRole('link', { name: label, exact: true });
    await expect(current).toHaveAttribute('aria-current', 'page');
    await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
  }

  // An org admin sees the organization's sections and no installation.
  const adminContext = await browser.newContext();
  page = await adminContext.newPage();
  await signIn(page, demo.admin, demo.password);
  await page.goto(overview);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText([
    'Overview',
    'Members',
    'Invitations',
    'Audit log',
    'Webhooks',
    'API keys',
    'Provisioning',
  ]);
  for (const [label, path] of [
    ['Members', members],
    ['Invitations', `${overview}/invitations`],
    ['Audit log', `${overview}/audit`],
    ['Webhooks', `${overview}/webhooks`],
    ['API keys', `${overview}/api-keys`],
    ['Provisioning', `${overview}/provisioning`],
    ['Overview', overview],
  ]) {
    await followByKeyboard(page, demo.organization, label);
    await expect(page).toHaveURL(path);
    await expect(nav.getByRole('link', { name: label })).toHaveAttribute('aria-current', 'page');
  }
});

test("the overview's numbers are the members table's totals, and each lands on that table", async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(overview);
  const tally = page.getByRole('table', { name: /members by role and status/ });
  const cells = await tally
    .getByRole('link')
    .evaluateAll((links) => links.map((a) => ({ href: a.getAttribute('href') ?? '', count: a.textContent ?? '' })));
  expect(cells).toHaveLength(16);
  for (const cell of cells) {
    await page.goto(cell.href);
    expect(await tableTotal(page), cell.href).toBe(Number(cell.count.replace(/,/g, '')));
  }

  await page.goto(overview);
  const attention = page.getByRole('region', { name: 'Needs attention' }).getByRole('link');
  await expect(attention).toHaveCount(5);
  const shown = await attention.evaluateAll((links) =>
    links.map((a) => ({ name: a.textContent ?? '', href: a.getAttribute('href') ?? '' })),
  );
  const counts: Record<string, number> = {};
  for (const link of shown) {
    await page.goto(overview);
    await page.getByRole('region', { name: 'Needs attention' }).getByRole('link', { name: link.name, exact: true }).click();
    await expect(page).toHaveURL(link.href);
    const count = Number(link.name.match(/^([\d,]+)/)?.[1]?.replace(/,/g, ''));
    if (link.href.includes('/invitations')) {
      await expect(page.getByRole('heading', { name: 'Invitations', level: 1 })).toBeVisible();
      const filter = link.href.includes('expired') ? 'Expired' : 'Pending';
      await expect(
        page.getByRole('navigation', { name: 'Invitation filters' }).getByRole('link', { name: filter }),
      ).toHaveAttribute('aria-current', 'page');
      expect(await invitationRows(page), link.name).toBe(count);
      counts[filter] = count;
    } else {
      // The filter the link names is the one the table's form shows.
      await expect(page.getByLabel('Last sign-in')).not.toHaveValue('');
      expect(await tableTotal(page), link.name).toBe(count);
    }
  }
  // Every invited member is a pending or an expired invitation.
  await page.goto(`${members}?status=invited`);
  expect(await tableTotal(page)).toBe(counts.Pending + counts.Expired);
});

test('a notice says what a role change did', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  const change = async (filter: string, label: string) => {
    await page.goto(`${members}?${filter}`);
    await hydrated(page);
    const row = page.getByRole('table').getByRole('row').nth(1);
    const name = (await row.getByRole('link').first().textContent())?.trim() ?? '';
    await row.getByRole('button', { name: `Actions for ${name}` }).click();
    await row.getByRole('button', { name: 'Change role…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change members' });
    await dialog.getByLabel(label).check();
    await dialog.getByRole('button', { name: 'Change role' }).click();
    return name;
  };
  const name = await change('role=viewer&status=active&sort=name', 'Editor');
  await expect(page.getByRole('status').filter({ hasText: `${name} is now an editor.` })).toBeVisible();
  // Back as it was, for the suites after this one.
  await change(`role=editor&status=active&q=${encodeURIComponent(name)}`, 'Viewer');
  await expect(page.getByRole('status').filter({ hasText: `${name} is now a viewer.` })).toBeVisible();
});

// `Referrer-Policy: same-origin` lets a plain form post name the page it
// came from, so the server redirects back to it with the notice.
test('without JavaScript, the notice of a change survives the redirect, and a link cannot make one up', async ({
  browser,
}) => {
  const signedIn = await browser.newContext();
  await signIn(await signedIn.newPage(), demo.admin, demo.password);
  const context = await browser.newContext({ storageState: await signedIn.storageState(), javaScriptEnabled: false });
  await signedIn.close();
  const page = await context.newPage();
  await page.goto('/account');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page).toHaveURL(/\/account\?notice=name-saved$/);
  await expect(page.getByRole('status').filter({ hasText: 'Your name is saved.' })).toBeVisible();

  await page.goto(`/account?notice=${encodeURIComponent('Your account is deleted. Call +1 555 0100.')}`);
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  await expect(page.getByText('Call +1 555 0100')).toHaveCount(0);
  await context.close();
});

/** A member's page, as the members table links to it. */
async function personPage(page: Page): Promise<string> {
  await page.goto(`${members}?sort=name`);
  return (await page.getByRole('table').getByRole('row').nth(1).getByRole('link').first().getAttribute('href')) ?? '';
}

const modes = [
  { name: 'light, desktop', colorScheme: 'light', width: 1280 },
  { name: 'dark, desktop', colorScheme: 'dark', width: 1280 },
  { name: 'light, 375 px', colorScheme: 'light', width: 375 },
  { name: 'dark, 375 px', colorScheme: 'dark', width: 375 },
] as const;

for (const mode of modes) {
  test(`every page passes an accessibility check (${mode.name})`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: mode.width, height: 800 });
    await page.emulateMedia({ colorScheme: mode.colorScheme });
    const check = async (path: string) => {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations, `${path} (${mode.name})`).toEqual([]);
      if (mode.width < 400) {
        // Nothing wider than the screen but what scrolls in its own box.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(overflow, `${path} fits ${mode.width} px`).toBeLessThanOrEqual(mode.width);
      }
    };
    for (const path of ['/sign-in', '/forgot-password']) await check(path);
    await signIn(page, superAdmin.email, superAdmin.password);
    const person = await personPage(page);
    const account = person.replace(`/orgs/${demo.slug}/members/`, '/users/');
    for (const path of [
      '/',
      '/orgs',
      '/users',
      account,
      '/audit',
      '/outbox',
      '/account',
      overview,
      members,
      person,
      `${overview}/invitations`,
      `${overview}/invitations?show=expired`,
      `${overview}/audit`,
      `${overview}/webhooks`,
      `${overview}/api-keys`,
      `${overview}/provisioning`,
      '/webhooks',
      '/api-keys',
      '/apps',
      '/apps/new',
    ]) {
      await check(path);
    }
  });
}

test('screenshots of the overview, the members table and a person, light and dark, desktop and phone', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await signIn(page, demo.admin, demo.password);
  const pages = { overview, members, person: await personPage(page) };
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [device, width] of [
      ['desktop', 1280],
      ['phone', 375],
    ] as const) {
      await page.setViewportSize({ width, height: width > 400 ? 900 : 800 });
      await page.emulateMedia({ colorScheme });
      for (const [name, path] of Object.entries(pages)) {
        await page.goto(path);
        await hydrated(page);
        const file = testInfo.outputPath(`${name}-${colorScheme}-${device}.png`);
        await page.screenshot({ path: file, fullPage: true });
        await testInfo.attach(`${name}, ${colorScheme}, ${device}`, { path: file, contentType: 'image/png' });
      }
    }
  }
});
