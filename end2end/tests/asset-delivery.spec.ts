import { expect, test, type Response } from '@playwright/test';

import { hydrated } from '../support/pages';

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
