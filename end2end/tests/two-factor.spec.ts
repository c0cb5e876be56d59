import AxeBuilder from '@axe-core/playwright';
import { type Browser, type Page, expect, test } from '@playwright/test';

import { emailsTo, invitationLink, maildevForThisFile, waitForEmail } from '../support/maildev';
import { demo, hydrated, signIn } from '../support/pages';
import { totp } from '../support/totp';

// Invitations arrive by real mail: maildev receives what Roster sends.
maildevForThisFile();

const PASSWORD = 'amber lantern quiet 77';

/** Invites `email` to the demo organization as `role`; they accept in a page of their own. */
async function newMember(browser: Browser, admin: Page, email: string, role: string): Promise<Page> {
  await admin.goto(`/orgs/${demo.slug}/invitations`);
  await hydrated(admin);
  await admin.getByRole('button', { name: 'Invite people' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Invite people' });
  await dialog.getByLabel('Email addresses').fill(email);
  await dialog.getByLabel('Role').selectOption(role);
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  await expect(dialog.getByRole('status')).toContainText(`Invited: ${email}`);
  await admin.keyboard.press('Escape');
  const mail = await waitForEmail(email);
  const page = await (await browser.newContext()).newPage();
  await page.goto(invitationLink(mail));
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill(email.split('@')[0]);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account and join' }).click();
  return page;
}

/** Adds an authenticator app on the page in view, reading the key as a person would type it. */
async function addAuthenticator(page: Page): Promise<{ secret: string; codes: string[] }> {
  await page.getByRole('button', { name: 'Add an authenticator app' }).click();
  const key = page.locator('[data-totp-secret]');
  await expect(key).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code of the authenticator app setup' })).toBeVisible();
  const secret = (await key.getAttribute('data-totp-secret')) ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel('Name it').fill('Work phone');
  await page.getByLabel('Code the app shows').fill(totp(secret));
  await page.getByRole('button', { name: 'Add authenticator app' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Authenticator app added.' })).toBeVisible();
  const codes = await page.locator('[data-recovery-code]').allTextContents();
  return { secret, codes };
}

async function signOut(page: Page) {
  await page.context().clearCookies();
}

/** The password step alone: the second step comes next. */
async function passwordStep(page: Page, email: string) {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a person adds an authenticator app, then signs in with its code', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  const email = `tess.${Date.now()}@two-factor.example`;
  const tess = await newMember(browser, page, email, 'viewer');
  await expect(tess).toHaveURL(`/orgs/${demo.slug}`);

  await tess.goto('/account');
  await hydrated(tess);
  await expect(tess.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  const { secret, codes } = await addAuthenticator(tess);
  expect(codes).toHaveLength(10);
  await tess.reload();
  await hydrated(tess);
  const section = tess.getByRole('region', { name: 'Two-factor sign-in' });
  await expect(section.getByRole('row').filter({ hasText: 'Work phone' })).toContainText('Authenticator app');
  await expect(section).toContainText('Recovery codes left: 10');

  // The admin sees it in the members table, filtered on it.
  await page.goto(`/orgs/${demo.slug}/members?2fa=on&q=${encodeURIComponent(email)}`);
  await hydrated(page);
  await expect(page.getByLabel('Two-factor')).toHaveValue('on');
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('On');

  // Signing in again asks for the code after the password.
  await signOut(tess);
  await passwordStep(tess, email);
  await expect(tess).toHaveURL(/\/sign-in\/verify/);
  await expect(tess.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  await hydrated(tess);
  expect((await new AxeBuilder({ page: tess }).analyze()).violations).toEqual([]);
  // By keyboard alone: the code field, then Enter.
  await tess.getByLabel('Code').focus();
  await tess.keyboard.type('000000');
  await tess.keyboard.press('Enter');
  await expect(tess.getByText('That code is not right')).toBeVisible();
  await tess.getByLabel('Code').fill(totp(secret, 1));
  await tess.getByRole('button', { name: 'Continue' }).click();
  await expect(tess).not.toHaveURL(/\/sign-in/);
  await tess.goto('/account');
  await expect(tess.getByRole('cell', { name: 'Signed in with authenticator app' }).first()).toBeVisible();

  // A recovery code stands in for a lost phone, once.
  await signOut(tess);
  await passwordStep(tess, email);
  await expect(tess).toHaveURL(/\/sign-in\/verify/);
  await tess.getByLabel('Code').fill(codes[0]);
  await tess.getByRole('button', { name: 'Continue' }).click();
  await expect(tess).not.toHaveURL(/\/sign-in/);
  await tess.context().close();
});

test('an organization that requires two-factor sends a new admin to set it up; an admin resets it', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}`);
  await hydrated(page);
  const policy = page.getByRole('region', { name: 'Two-factor sign-in' });
  await policy.getByLabel('Require a second factor of').selectOption('admins');
  await policy.getByRole('button', { name: 'Save' }).click();
  await expect(policy.getByRole('status')).toHaveText('Saved.');
  try {
    const email = `ada.${Date.now()}@two-factor.example`;
    const ada = await newMember(browser, page, email, 'admin');
    // Straight to enrollment, and nowhere else until done.
    await expect(ada).toHaveURL(/\/two-factor\/setup/);
    await expect(ada.getByRole('heading', { name: 'Set up two-factor sign-in' })).toBeVisible();
    await hydrated(ada);
    expect((await new AxeBuilder({ page: ada }).analyze()).violations).toEqual([]);
    await ada.goto(`/orgs/${demo.slug}/members`);
    await expect(ada).toHaveURL(/\/two-factor\/setup\?next=/);
    await hydrated(ada);
    await addAuthenticator(ada);
    await ada.getByRole('link', { name: 'Continue' }).click();
    await expect(ada).toHaveURL(`/orgs/${demo.slug}/members`);
    await expect(ada.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible();

    // Ada's phone is lost: the admin resets her second factors.
    await page.goto(`/orgs/${demo.slug}/members?q=${encodeURIComponent(email)}`);
    await hydrated(page);
    await page.getByRole('row').filter({ hasText: email }).getByRole('link').first().click();
    await hydrated(page);
    const factors = page.getByRole('region', { name: 'Two-factor sign-in' });
    await expect(factors.getByRole('row').filter({ hasText: 'Work phone' })).toBeVisible();
    await factors.getByRole('button', { name: 'Reset two-factor…' }).click();
    await factors.getByRole('button', { name: 'Reset two-factor', exact: true }).click();
    await expect(factors.getByRole('status')).toContainText('Their second factors are removed');
    // Told by email, after the invitation.
    await expect.poll(async () => (await emailsTo(email)).map((m) => m.subject), { timeout: 30_000 })
      .toContain('Your second factors for Roster were reset');

    // She is signed out, and sets up a new factor after her password.
    await ada.goto(`/orgs/${demo.slug}/members`);
    await expect(ada).toHaveURL(/\/sign-in/);
    await passwordStep(ada, email);
    await expect(ada).toHaveURL(/\/two-factor\/setup/);
    await ada.context().close();
  } finally {
    await page.goto(`/orgs/${demo.slug}`);
    await hydrated(page);
    await policy.getByLabel('Require a second factor of').selectOption('off');
    await policy.getByRole('button', { name: 'Save' }).click();
    await expect(policy.getByRole('status')).toHaveText('Saved.');
  }
});

/**
 * Gives `page` a passkey device: Chromium's virtual authenticator (Chrome
 * DevTools Protocol), with user verification (PIN or biometrics) that always
 * succeeds and room for passkeys that sign in without a password.
 */
async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  };
}

test('a person adds a passkey, signs in with it after the password and without one, then removes it', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  const email = `pam.${Date.now()}@two-factor.example`;
  const pam = await newMember(browser, page, email, 'editor');
  await expect(pam).toHaveURL(`/orgs/${demo.slug}`);
  const device = await virtualAuthenticator(pam);

  await pam.goto('/account');
  await hydrated(pam);
  const section = pam.getByRole('region', { name: 'Two-factor sign-in' });
  await section.getByLabel('Name the passkey').fill('Work laptop');
  await section.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(section.getByRole('status').filter({ hasText: 'Passkey added.' })).toBeVisible();
  // A first factor brings its recovery codes, shown once.
  await expect(section.locator('[data-recovery-code]')).toHaveCount(10);
  const stored = await device.credentials();
  expect(stored).toHaveLength(1);
  // Discoverable, so it can also sign in without a password.
  expect(stored[0].isResidentCredential).toBe(true);
  await pam.reload();
  await hydrated(pam);
  await expect(section.getByRole('row').filter({ hasText: 'Work laptop' })).toContainText('Passkey');

  // The second step after the password: the passkey answers.
  await signOut(pam);
  await passwordStep(pam, email);
  await expect(pam).toHaveURL(/\/sign-in\/verify/);
  await hydrated(pam);
  expect((await new AxeBuilder({ page: pam }).analyze()).violations).toEqual([]);
  await pam.getByRole('button', { name: 'Use your passkey' }).click();
  await expect(pam).not.toHaveURL(/\/sign-in/);
  await pam.goto('/account');
  await expect(pam.getByRole('cell', { name: 'Signed in with passkey' }).first()).toBeVisible();
  const used = await device.credentials();
  expect(used[0].signCount).toBeGreaterThan(stored[0].signCount);

  // Without a password: the device offers its passkey for Roster.
  await signOut(pam);
  await pam.goto('/sign-in');
  await hydrated(pam);
  await pam.getByRole('button', { name: 'Use a passkey instead' }).click();
  await expect(pam).not.toHaveURL(/\/sign-in/);
  await pam.goto('/account');
  await expect(pam.getByRole('heading', { name: 'Your account' })).toBeVisible();

  // Removed, it no longer signs in, and Roster says so plainly.
  await pam.goto('/account');
  await hydrated(pam);
  await section.getByRole('button', { name: 'Remove Work laptop' }).click();
  await expect(section.getByRole('row').filter({ hasText: 'Work laptop' })).toHaveCount(0);
  await signOut(pam);
  await pam.goto('/sign-in');
  await hydrated(pam);
  await pam.getByRole('button', { name: 'Use a passkey instead' }).click();
  await expect(pam.getByRole('alert').filter({ hasText: 'Roster does not know this passkey' })).toBeVisible();
  await expect(pam).toHaveURL(/\/sign-in/);
  await pam.context().close();
});
