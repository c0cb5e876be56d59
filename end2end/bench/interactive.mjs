// Time from navigation to interactive, in headless Chromium, for one page of
// a running Roster: run by `roster-bench --browser` (scripts/bench), not by
// the test suite. "Interactive" is the moment the WebAssembly has hydrated
// the server-rendered page: frontend/src/lib.rs marks <html data-hydrated>
// then, and from that moment every control works.
//
//   node end2end/bench/interactive.mjs BASE EMAIL PASSWORD PATH RUNS
//
// Prints one line per kind of visit: what, then each run's milliseconds,
// comma separated. Three kinds of visit: a first one (a new browser profile, so the
// WebAssembly and CSS are downloaded and compiled), a repeat one (the
// same profile, as a user moving between pages would be), and a first one
// over a throttled network: DevTools network emulation at 10 Mbit/s each
// way with 40 ms added to every request, a modest real connection, where
// the bytes of the bundle count (on the loopback interface they do not).
import { chromium } from '@playwright/test';

const [base, email, password, path, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 20);
if (!base || !email || !password || !path || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: interactive.mjs BASE EMAIL PASSWORD PATH RUNS');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.ROSTER_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
});

/** A browser profile with a signed-in session. */
async function signedInContext() {
  const context = await browser.newContext({ baseURL: base });
  const response = await context.request.post('/api/sign_in', {
    form: { email, password },
    maxRedirects: 0,
  });
  if (response.status() >= 400) {
    throw new Error(`signing in as ${email}: ${response.status()}`);
  }
  // Records, in the page's own clock (0 = navigation start), when the
  // attribute appears; set before any of the page's scripts run.
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.documentElement?.hasAttribute('data-hydrated')) {
        window.__rosterInteractiveAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  return context;
}

/** A 10 Mbit/s line with 40 ms round trips, for this page's requests. */
async function throttle(page) {
  const devtools = await page.context().newCDPSession(page);
  await devtools.send('Network.enable');
  await devtools.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 40,
    downloadThroughput: 10_000_000 / 8,
    uploadThroughput: 10_000_000 / 8,
  });
}

/** Milliseconds from navigation start to interactive. */
async function visit(page) {
  await page.goto(path, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__rosterInteractiveAt !== undefined, null, { timeout: 30_000 });
  return page.evaluate(() => window.__rosterInteractiveAt);
}

const first = [];
const repeat = [];
const throttled = [];
try {
  for (let run = 0; run < runs; run++) {
    const context = await signedInContext();
    const page = await context.newPage();
    first.push(await visit(page));
    repeat.push(await visit(page));
    await context.close();
  }
  // Half as many: each takes about a second.
  for (let run = 0; run < Math.max(1, Math.ceil(runs / 2)); run++) {
    const context = await signedInContext();
    const page = await context.newPage();
    await throttle(page);
    throttled.push(await visit(page));
    await context.close();
  }
} finally {
  await browser.close();
}

const line = (what, samples) => console.log(`${what}: ${samples.map((ms) => ms.toFixed(1)).join(',')}`);
line('first visit, navigation to interactive', first);
line('repeat visit, navigation to interactive', repeat);
line('first visit at 10 Mbit/s and 40 ms round trips, navigation to interactive', throttled);
