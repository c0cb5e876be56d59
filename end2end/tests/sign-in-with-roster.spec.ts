import { type Browser, type Page, expect, test } from '@playwright/test';

import { invitationLink, maildevForThisFile, waitForEmail } from '../support/maildev';
import { demo, hydrated, signIn, superAdmin } from '../support/pages';
import {
  RP_BACKCHANNEL_LOGOUT_URI,
  RP_POST_LOGOUT_REDIRECT_URI,
  RP_REDIRECT_URI,
  RP_URL,
  configureRp,
  rpClaim,
  rpLogouts,
} from '../support/rp';

// An app of the operator's, built on openid-client (end2end/rp), signs the
// demo admin in through Roster. They belong to two organizations: the demo
// one (admin) and Initech (viewer), which this file creates.
maildevForThisFile();

const APP_NAME = 'Billing (test app)';
const SECOND = { name: 'Initech', slug: 'initech' };

async function asSuperAdmin(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, superAdmin.email, superAdmin.password);
  return { context, page };
}

/** The RP's sign-in, through Roster, for a browser already signed in to Roster. */
async function rpSignIn(page: Page, query = '') {
  await page.goto(`${RP_URL}/login${query}`);
}

async function openMemberMenu(page: Page, slug: string, email: string, item: string) {
  await page.goto(`/orgs/${slug}/members?q=${encodeURIComponent(email)}`);
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: email });
  await row.getByRole('button', { name: /^Actions for / }).click();
  await row.getByRole('button', { name: item }).click();
  return row;
}

test('a super admin registers the app; it is shown its secret once', async ({ browser }) => {
  const { context, page } = await asSuperAdmin(browser);
  await page.goto('/apps');
  await hydrated(page);
  await expect(page.getByText(/\/\.well-known\/openid-configuration/).first()).toBeVisible();
  await page.getByRole('link', { name: 'Register an application' }).click();
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill(APP_NAME);
  await page.getByRole('radio', { name: 'Confidential' }).check();
  await page.getByLabel('Redirect URIs', { exact: true }).fill(RP_REDIRECT_URI);
  await page.getByLabel('Post-logout redirect URIs', { exact: true }).fill(RP_POST_LOGOUT_REDIRECT_URI);
  await page.getByLabel('Back-channel logout URI', { exact: true }).fill(RP_BACKCHANNEL_LOGOUT_URI);
  await page.getByRole('button', { name: 'Register application' }).click();
  await expect(page.getByText('Copy it now: it will not be shown again.')).toBeVisible();
  const credentials = page.getByRole('status').filter({ hasText: 'Application registered' });
  const codes = credentials.locator('code.credential');
  const clientId = ((await codes.nth(0).textContent()) ?? '').trim();
  const secret = ((await codes.nth(1).textContent()) ?? '').trim();
  expect(clientId.length).toBeGreaterThanOrEqual(20);
  expect(secret.length).toBeGreaterThanOrEqual(43);
  await configureRp(clientId, secret);

  // The demo admin also joins a second organization, as a viewer.
  await page.goto('/orgs');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill(SECOND.name);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByRole('heading', { name: SECOND.name, level: 1 })).toBeVisible();
  await page.goto(`/orgs/${SECOND.slug}/invitations`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Invite people' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite people' });
  await dialog.getByLabel('Email addresses').fill(demo.admin);
  await dialog.getByLabel('Role').selectOption('viewer');
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  await expect(dialog.getByRole('status')).toContainText(`Invited: ${demo.admin}`);
  const link = invitationLink(await waitForEmail(demo.admin));
  await context.close();

  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signIn(adminPage, demo.admin, demo.password);
  await adminPage.goto(link);
  await hydrated(adminPage);
  await adminPage.getByRole('button', { name: `Join ${SECOND.name}` }).click();
  await expect(adminPage).not.toHaveURL(/\/invite/);
  await admin.close();
});

test('signing in to the app names it, asks for the organization, and the tokens carry it', async ({ page }) => {
  await rpSignIn(page);
  // Roster's own sign-in page, saying which app it is for.
  await expect(page).toHaveURL(/\/sign-in/);
  await hydrated(page);
  await expect(page.getByText(`Sign in to continue to ${APP_NAME}`)).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(demo.admin);
  await page.getByLabel('Password', { exact: true }).fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Two organizations: the person chooses.
  await expect(page.getByText(`Choose an organization to sign in to ${APP_NAME}`)).toBeVisible();
  await page.getByRole('link', { name: new RegExp(SECOND.name) }).click();
  await expect(page).toHaveURL(`${RP_URL}/`);
  await expect(page.getByRole('heading', { name: /^Signed in as / })).toBeVisible();
  await expect(rpClaim(page, 'Organization')).toHaveText(SECOND.name);
  await expect(rpClaim(page, 'Organization slug')).toHaveText(SECOND.slug);
  await expect(rpClaim(page, 'Role')).toHaveText('viewer');
  await expect(rpClaim(page, 'Email')).toHaveText(demo.admin);

  // `organization=` pins one; the Roster session is reused (no password).
  await rpSignIn(page, `?organization=${demo.slug}`);
  await expect(page).toHaveURL(`${RP_URL}/`);
  await expect(rpClaim(page, 'Organization slug')).toHaveText(demo.slug);
  await expect(rpClaim(page, 'Role')).toHaveText('admin');

  // An organization they are not in is refused, not silently replaced.
  await rpSignIn(page, '?organization=acme-corp');
  await expect(page.getByRole('heading', { name: 'Sign-in refused: access_denied' })).toBeVisible();

  // The refresh token works while nothing has changed.
  await rpSignIn(page, `?organization=${demo.slug}`);
  await page.getByRole('button', { name: 'Refresh tokens' }).click();
  await expect(page.getByRole('status')).toHaveText('Refresh succeeded');

  // Roster shows the app sign-in on the person's own account page.
  await page.goto('/account');
  await hydrated(page);
  await expect(page.getByText(APP_NAME).first()).toBeVisible();
});

test('a role change ends the app session; the next sign-in carries the new role', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  await rpSignIn(page, `?organization=${SECOND.slug}`);
  await expect(rpClaim(page, 'Role')).toHaveText('viewer');

  const root = await asSuperAdmin(browser);
  await openMemberMenu(root.page, SECOND.slug, demo.admin, 'Change role…');
  const dialog = root.page.getByRole('dialog', { name: 'Change members' });
  await dialog.getByLabel('Editor').check();
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: 'Refresh tokens' }).click();
  await expect(page.getByRole('status')).toHaveText('Refresh failed: invalid_grant');
  await rpSignIn(page, `?organization=${SECOND.slug}`);
  await expect(rpClaim(page, 'Role')).toHaveText('editor');
  await root.context.close();
});

test('a suspension logs the app out through the back-channel, and refresh fails', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  await rpSignIn(page, `?organization=${SECOND.slug}`);
  await expect(rpClaim(page, 'Organization slug')).toHaveText(SECOND.slug);
  const sid = (await rpClaim(page, 'Session ID').textContent())?.trim() ?? '';
  expect(sid).not.toBe('none');

  const root = await asSuperAdmin(browser);
  await openMemberMenu(root.page, SECOND.slug, demo.admin, 'Suspend…');
  const dialog = root.page.getByRole('dialog', { name: 'Change members' });
  await dialog.getByRole('button', { name: 'Suspend' }).click();
  await expect(dialog).toBeHidden();

  // Roster's worker posts the logout token; the app ends its session.
  // The logout of this very app session (the role change above sent one too).
  await expect.poll(async () => (await rpLogouts()).some((l) => l.sid === sid), { timeout: 30_000 }).toBe(true);
  const logout = (await rpLogouts()).find((l) => l.sid === sid)!;
  expect(logout.typ).toBe('logout+jwt');
  expect(logout.sessions_ended).toBe(1);
  await page.goto(`${RP_URL}/`);
  await expect(page.getByRole('heading', { name: 'Signed out by Roster' })).toBeVisible();
  await page.getByRole('button', { name: 'Refresh tokens' }).click();
  await expect(page.getByRole('status')).toHaveText('Refresh failed: invalid_grant');

  // Super admins see the delivery.
  await root.page.goto('/apps/logouts');
  await hydrated(root.page);
  await expect(root.page.getByRole('row').filter({ hasText: APP_NAME }).first()).toContainText(/sent/i);

  // Reactivated, the person may sign in to it again.
  await openMemberMenu(root.page, SECOND.slug, demo.admin, 'Reactivate…');
  await root.page.getByRole('dialog', { name: 'Change members' }).getByRole('button', { name: 'Reactivate' }).click();
  await rpSignIn(page, `?organization=${SECOND.slug}`);
  await expect(rpClaim(page, 'Organization slug')).toHaveText(SECOND.slug);
  await root.context.close();
});

test('signing out of the app signs out of Roster too (RP-initiated logout)', async ({ page }) => {
  await signIn(page, demo.admin, demo.password);
  await rpSignIn(page, `?organization=${demo.slug}`);
  await expect(page.getByRole('heading', { name: /^Signed in as / })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signed-out/);
  await expect(page.getByRole('heading', { name: 'Signed out', exact: true })).toBeVisible();
  await expect(page.getByText('Roster confirmed the sign-out.')).toBeVisible();
  // The Roster session in this browser has ended as well.
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in/);
});
