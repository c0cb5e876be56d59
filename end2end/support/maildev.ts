import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

import { expect, test } from '@playwright/test';

/** The real SMTP server the suite's Roster sends to (see global-setup.ts). */
export const SMTP_URL = 'smtp://127.0.0.1:11025';
const WEB = 'http://127.0.0.1:11080';

export interface Mail {
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}

/** Starts maildev (SMTP and its REST API) and waits until it answers. */
export async function startMaildev(): Promise<ChildProcess> {
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'maildev');
  const child = spawn(bin, ['--smtp', '11025', '--web', '11080', '--ip', '127.0.0.1', '--silent'], { stdio: 'ignore' });
  await expect
    .poll(async () => fetch(`${WEB}/email`).then((r) => r.ok, () => false), { timeout: 20_000 })
    .toBe(true);
  return child;
}

/**
 * Runs maildev around the calling spec file, whose tests then run in order.
 * A test may stop it and start it again through the handle.
 */
export function maildevForThisFile(): { process?: ChildProcess } {
  const handle: { process?: ChildProcess } = {};
  test.describe.configure({ mode: 'serial' });
  test.beforeAll(async () => {
    handle.process = await startMaildev();
  });
  test.afterAll(async () => {
    if (handle.process) await stopMaildev(handle.process);
  });
  return handle;
}

export async function stopMaildev(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export async function emailsTo(address: string): Promise<Mail[]> {
  const all: Mail[] = await (await fetch(`${WEB}/email`)).json();
  return all.filter((mail) => mail.to.some((to) => to.address === address));
}

/** Waits for the first email to `address`; Roster's worker polls every second. */
export async function waitForEmail(address: string, timeout = 30_000): Promise<Mail> {
  await expect.poll(async () => (await emailsTo(address)).length, { timeout }).toBeGreaterThan(0);
  return (await emailsTo(address))[0];
}

export function resetLink(mail: Mail): string {
  const link = mail.text.match(/https?:\/\/\S+\/reset-password\?token=[\w-]+/);
  if (!link) throw new Error(`no reset link in:\n${mail.text}`);
  return link[0];
}

export function invitationLink(mail: Mail): string {
  const link = mail.text.match(/https?:\/\/\S+\/invite\?token=[\w-]+/);
  if (!link) throw new Error(`no invitation link in:\n${mail.text}`);
  return link[0];
}
