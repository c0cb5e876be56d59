// What a first visit of each page downloads from /pkg (the bundle, its
// chunks, the stylesheet), in headless Chromium against a running Roster:
// run by `roster-bench --browser` (scripts/bench), not by the test suite.
// The sign-in page is visited signed out; each PATH signed in, each in a
// new browser profile, so nothing comes from a cache.
//
//   node end2end/bench/downloads.mjs BASE EMAIL PASSWORD PATH...
//
// Prints one line per file: page, file name, bytes of the response body as
// they came over the wire (brotli when the browser asked for it), tab
// separated.
import { chromium } from '@playwright/test';

const [base, email, password, ...paths] = process.argv.slice(2);
if (!base || !email || !password || paths.length === 0) {
  console.error('usage: downloads.mjs BASE EMAIL PASSWORD PATH...');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.ROSTER_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
});

async function downloads(path, signedIn) {
  const context = await browser.newContext({ baseURL: base });
  if (signedIn) {
    const response = await context.request.post('/api/sign_in', { form: { email, password }, maxRedirects: 0 });
    if (response.status() >= 400) throw new Error(`signing in as ${email}: ${response.status()}`);
  }
  const page = await context.newPage();
  const files = [];
  page.on('requestfinished', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/pkg/')) files.push(request.sizes().then((sizes) => [url.pathname, sizes]));
  });
  await page.goto(path);
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-hydrated'), null, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  for (const [file, sizes] of await Promise.all(files)) {
    console.log(`${path}\t${file.slice('/pkg/'.length)}\t${sizes.responseBodySize}`);
  }
  await context.close();
}

try {
  await downloads('/sign-in', false);
  for (const path of paths) await downloads(path, true);
} finally {
  await browser.close();
}
