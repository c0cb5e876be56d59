import { expect, test, type Response } from '@playwright/test';

import { demo, hydrated } from '../support/pages';

// A release build (scripts/test) precompresses the site and fingerprints its
// asset names: the browser gets brotli, keeps each file for a year under a
// name that changes with its content, and never keeps a page.
const fingerprinted = /\/pkg\/roster\.[A-Za-z0-9_-]{22}\.(js|wasm|css)$/;
const immutable = 'public, max-age=31536000, immutable';

async function expectCompressedAndKept(response: Response) {
  const headers = await response.allHeaders();
  expect(response.url()).toMatch(fingerprinted);
  expect(response.status()).toBe(200);
  expect(headers['content-encoding']).toBe('br');
  expect(headers['vary']?.toLowerCase()).toContain('accept-encoding');
  expect(headers['cache-control']).toBe(immutable);
}

test('the bundle arrives brotli-compressed and cacheable, the page is never stored', async ({ page }) => {
  const wasm = page.waitForResponse((response) => /\/pkg\/roster\.[^/]*\.wasm$/.test(response.url()));
  const js = page.waitForResponse((response) => /\/pkg\/roster\.[^/]*\.js$/.test(response.url()));
  const css = page.waitForResponse((response) => /\/pkg\/roster\.[^/]*\.css$/.test(response.url()));

  const document = await page.goto('/sign-in');
  expect(document?.headers()['cache-control']).toBe('no-store');
  await hydrated(page);

  for (const response of [await wasm, await js, await css]) {
    await expectCompressedAndKept(response);
  }
  expect((await (await wasm).allHeaders())['content-type']).toBe('application/wasm');
});

// Signing in and the members table each come with a bundle of their own
// (app::bundles), a fraction of the console's; a link from there to a page
// the bundle lacks loads that page from the server, with the console bundle.
test('signing in and the members table load their own smaller bundles, and links lead on to the console', async ({
  page,
}) => {
  const wasmOf = (bundle: RegExp) =>
    page.waitForResponse((response) => bundle.test(new URL(response.url()).pathname));
  const signInBundle = /^\/pkg\/sign-in\/pkg\/roster\.[A-Za-z0-9_-]{22}\.wasm$/;
  const membersBundle = /^\/pkg\/members\/pkg\/roster\.[A-Za-z0-9_-]{22}\.wasm$/;
  const consoleBundle = /^\/pkg\/roster\.[A-Za-z0-9_-]{22}\.wasm$/;

  const signInWasm = wasmOf(signInBundle);
  await page.goto('/sign-in');
  await hydrated(page);
  await expectCompressedAndKept(await signInWasm);
  const signInSize = (await (await signInWasm).request().sizes()).responseBodySize;

  // Signing in moves on to the console, whose bundle the server sends.
  const consoleWasm = wasmOf(consoleBundle);
  await page.getByLabel('Email', { exact: true }).fill(demo.admin);
  await page.getByLabel('Password', { exact: true }).fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
  await expectCompressedAndKept(await consoleWasm);
  const consoleSize = (await (await consoleWasm).request().sizes()).responseBodySize;
  await hydrated(page);

  const membersWasm = wasmOf(membersBundle);
  await page.goto(`/orgs/${demo.slug}/members`);
  await hydrated(page);
  await expectCompressedAndKept(await membersWasm);
  const membersSize = (await (await membersWasm).request().sizes()).responseBodySize;
  expect(signInSize).toBeGreaterThan(0);
  expect(signInSize).toBeLessThan(consoleSize / 2);
  expect(membersSize).toBeLessThan(consoleSize * 0.75);

  // The members bundle works the table: a search narrows it in place,
  // without loading the page again (the mark on the window stays).
  await page.evaluate(() => Object.assign(window, { samePage: true }));
  await page.getByLabel('Search name or email').fill(demo.admin);
  await expect(page).toHaveURL(/\/members\?q=/);
  await expect(page.getByRole('row').filter({ hasText: demo.admin })).toBeVisible();
  expect(await page.evaluate(() => 'samePage' in window)).toBe(true);

  // Invitations are not in it: the page comes from the server, and works.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invitations' }).click();
  await expect(page).toHaveURL(`/orgs/${demo.slug}/invitations`);
  await expect(page.getByRole('heading', { name: 'Invitations', level: 1 })).toBeVisible();
  await hydrated(page);
  expect(await page.evaluate(() => 'samePage' in window)).toBe(false);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invitations' })).toHaveAttribute(
    'aria-current',
    'page',
  );
});

test('a bundle that cannot be downloaded leaves the page readable and says so', async ({ page }) => {
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.abort());
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in to Roster' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'could not finish loading' })).toBeVisible();
  await expect(page.locator('html')).not.toHaveAttribute('data-hydrated', '');

  // Once the download works again, reloading is all it takes.
  await page.unroute(/\/pkg\/.*\.wasm$/);
  await page.getByRole('button', { name: 'Reload' }).click();
  await hydrated(page);
  await expect(page.getByText('could not finish loading')).toHaveCount(0);
});
