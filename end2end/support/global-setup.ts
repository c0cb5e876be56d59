import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { SMTP_URL } from './maildev';
import { demo } from './pages';
import { BASE_URL, LISTEN_ADDR } from './server';

/**
 * Starts the release build of Roster on a fresh SQLite database, as a new
 * operator would, and hands the first-run setup link it prints to the tests.
 */
export default async function globalSetup() {
  const root = path.resolve(__dirname, '..', '..');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-e2e-'));
  const binary = process.env.ROSTER_E2E_BINARY ?? path.join(root, 'target', 'release', 'roster');
  const log = createWriteStream(path.join(__dirname, '..', 'roster-e2e.log'));

  const env = {
    ...process.env,
    ROSTER_DATABASE_URL: `sqlite://${dataDir}/roster.db`,
    LEPTOS_SITE_ADDR: LISTEN_ADDR,
    ROSTER_PUBLIC_URL: BASE_URL,
    // maildev is started by the suites that read mail; until then Roster keeps mail queued.
    ROSTER_SMTP_URL: SMTP_URL,
    // The webhook tests receive deliveries on this machine.
    ROSTER_WEBHOOKS_ALLOW_PRIVATE: 'true',
  };
  // An organization with an admin who can sign in, made the way an operator would.
  execFileSync(binary, ['seed-demo', '--orgs', '1', '--users', '40', '--password', demo.password], { cwd: root, env });

  const server = spawn(binary, ['serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.pipe(log);

  const setupLink = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Roster printed no setup link within 60 s:\n${output}`)), 60_000);
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      log.write(chunk);
      const link = output.match(/(http\S+\/setup\?token=[\w-]+)/);
      if (link) {
        clearTimeout(timer);
        resolve(link[1]);
      }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Roster exited with code ${code} before it was ready:\n${output}`));
    });
  });
  process.env.ROSTER_SETUP_LINK = setupLink;

  return async () => {
    server.kill('SIGTERM');
    if (server.exitCode === null) await once(server, 'exit');
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
