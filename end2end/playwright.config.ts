import { defineConfig } from '@playwright/test';

import { RP_URL } from './support/rp';
import { BASE_URL } from './support/server';

// Debian's Chromium, never a downloaded browser build (README "Tests").
const chromium = process.env.ROSTER_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  globalSetup: './support/global-setup.ts',
  // The suite walks one Roster through its life (first run, then sign-in…),
  // so tests run in file order, one at a time.
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // The relying party the OpenID Connect tests sign in to (rp/README.md). It
  // needs no Roster to start: the tests register it in Roster's UI, then
  // POST its credentials to /configure.
  webServer: {
    command: 'node rp/server.mjs',
    cwd: __dirname,
    url: `${RP_URL}/healthz`,
    env: { RP_PORT: new URL(RP_URL).port, RP_BASE_URL: RP_URL },
    reuseExistingServer: false,
    stdout: 'ignore',
    // Refused logout tokens and failed grants are printed here.
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
      ],
    },
  },
});
