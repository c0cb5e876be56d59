import { expect, type Page } from '@playwright/test';

import { BASE_URL } from './server';

/**
 * The suite's relying party (rp/server.mjs), started by playwright.config.ts:
 * an app built on openid-client that signs people in through Roster.
 */
export const RP_URL = 'http://127.0.0.1:3100';

/** What to type into Roster's application form for the RP. */
export const RP_REDIRECT_URI = `${RP_URL}/callback`;
export const RP_POST_LOGOUT_REDIRECT_URI = `${RP_URL}/signed-out`;
export const RP_BACKCHANNEL_LOGOUT_URI = `${RP_URL}/backchannel-logout`;

/**
 * What the RP's home page shows for one claim, found by its label: "Email",
 * "Organization" (org_name), "Organization slug", "Organization ID", "Role",
 * "Subject" (sub) or "Session ID" (sid). "none" when the claim is absent.
 */
export function rpClaim(page: Page, label: string) {
  return page
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: label, exact: true }) })
    .getByRole('cell');
}

/** A back-channel logout the RP accepted, as GET /logouts.json lists it. */
export interface RpLogout {
  sub?: string;
  sid?: string;
  jti: string;
  iat: number;
  typ: string;
  sessions_ended: number;
  received_at: string;
}

/**
 * Hands the RP the credentials Roster showed once when the app was
 * registered. The RP discovers Roster at once and forgets its sessions.
 */
export async function configureRp(clientId: string, clientSecret: string) {
  const response = await fetch(`${RP_URL}/configure`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ issuer: BASE_URL, client_id: clientId, client_secret: clientSecret }),
  });
  expect(response.status, await response.text()).toBe(200);
}

export async function rpLogouts(): Promise<RpLogout[]> {
  return (await fetch(`${RP_URL}/logouts.json`)).json();
}

/** Waits for Roster's outbox worker to deliver a back-channel logout for `sub`. */
export async function waitForRpLogout(sub: string, timeout = 30_000): Promise<RpLogout> {
  await expect.poll(async () => (await rpLogouts()).some((logout) => logout.sub === sub), { timeout }).toBe(true);
  return (await rpLogouts()).find((logout) => logout.sub === sub)!;
}
