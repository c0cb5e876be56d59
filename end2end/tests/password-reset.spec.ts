import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

import { maildevForThisFile, resetLink, waitForEmail } from '../support/maildev';
import { demo, hydrated, signIn } from '../support/pages';

// Real mail: maildev receives what Roster's outbox worker sends over SMTP.
maildevForThisFile();

const newPassword = 'amber lantern quietly 77';

test('an admin sends a password reset: the new password works and the old session is gone', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  await page.goto(`/orgs/${demo.slug}/members?role=viewer&status=active&sort=email&size=10`);
  await hydrated(page);
  const cells = page.getByRole('table').locator('tbody tr').first().locator('td');
  const name = (await cells.nth(1).textContent())?.trim() ?? '';
  const email = (await cells.nth(2).textContent())?.trim() ?? '';
  expect(email).toContain('@');

  // The member is signed in on another device.
  const laptop = await browser.newContext();
  const laptopPage = await laptop.newPage();
  await signIn(laptopPage, email, demo.password);

  const row = page.getByRole('row').filter({ hasText: email });
  await row.getByRole('button', { name: `Actions for ${name}` }).click();
  await row.getByRole('button', { name: 'Send password reset…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change members' });
  await expect(dialog).toContainText('works once, for one hour');
  await dialog.getByRole('button', { name: 'Send password reset' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Done.' })).toBeVisible();

  const mail = await waitForEmail(email);
  expect(mail.subject).toBe('Choose a new password for Roster');
  const phone = await browser.newContext();
  const phonePage = await phone.newPage();
  await phonePage.goto(resetLink(mail));
  await hydrated(phonePage);
  await phonePage.getByLabel('New password', { exact: true }).fill(newPassword);
  await phonePage.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(phonePage).not.toHaveURL(/reset-password/);
  await expect(phonePage.getByRole('button', { name: new RegExp(`Account menu for ${name}`) })).toBeVisible();

  // The laptop's session ended with the reset; the old password no longer works.
  await laptopPage.reload();
  await expect(laptopPage).toHaveURL(/\/sign-in/);
  await hydrated(laptopPage);
  await laptopPage.getByLabel('Email', { exact: true }).fill(email);
  await laptopPage.getByLabel('Password', { exact: true }).fill(demo.password);
  await laptopPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(laptopPage.getByRole('alert')).toContainText('Email or password is incorrect.');
  await signIn(laptopPage, email, newPassword);

  // The link worked once.
  await phonePage.goto(resetLink(mail));
  await expect(phonePage.getByRole('alert')).toContainText('already been used');
  await laptop.close();
  await phone.close();
});

test('forgot password answers the same whether or not the address has an account', async ({ page }) => {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  for (const email of ['nobody@nowhere.example', demo.admin]) {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send link' }).click();
    await expect(page.getByRole('status')).toHaveText(
      `If an account uses ${email}, a link is on its way to it. The link works once, for one hour.`,
    );
  }
  await waitForEmail(demo.admin);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
