import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

import { emailsTo, invitationLink, maildevForThisFile, startMaildev, stopMaildev, waitForEmail } from '../support/maildev';
import { demo, hydrated, signIn, superAdmin } from '../support/pages';

// Real mail: maildev receives what Roster's outbox worker sends over SMTP.
const maildev = maildevForThisFile();

async function invite(page: import('@playwright/test').Page, emails: string, role: string) {
  await page.goto(`/orgs/${demo.slug}/invitations`);
  await hydrated(page);
  const opener = page.getByRole('button', { name: 'Invite people' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Invite people' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Email addresses').fill(emails);
  await dialog.getByLabel('Role').selectOption(role);
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  return { dialog, opener };
}

test('an admin invites two people: one joins with the invited role, the other is revoked', async ({ page, browser }) => {
  await signIn(page, demo.admin, demo.password);
  const { dialog, opener } = await invite(page, 'ada@invitee.example\nbob@invitee.example', 'editor');
  await expect(dialog.getByRole('status')).toContainText('Invited: ada@invitee.example, bob@invitee.example');
  expect((await new AxeBuilder({ page }).include('dialog').analyze()).violations).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  const ada = await waitForEmail('ada@invitee.example');
  const bob = await waitForEmail('bob@invitee.example');
  expect(ada.subject).toContain(demo.organization);
  expect(ada.text).toContain('as an editor');

  const adaContext = await browser.newContext();
  const adaPage = await adaContext.newPage();
  await adaPage.goto(invitationLink(ada));
  await hydrated(adaPage);
  await adaPage.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
  await adaPage.getByLabel('Password', { exact: true }).fill('violet kettle orbit 42');
  await adaPage.getByRole('button', { name: 'Create account and join' }).click();
  await expect(adaPage).toHaveURL(`/orgs/${demo.slug}`);
  await expect(adaPage.getByText('You are an editor here.')).toBeVisible();
  await expect(adaPage.getByRole('button', { name: /Account menu for Ada Lovelace/ })).toBeVisible();

  await page.reload();
  await hydrated(page);
  const revoke = page.getByRole('button', { name: 'Revoke the invitation to bob@invitee.example' });
  await revoke.click();
  await expect(revoke).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Revoke the invitation to ada@invitee.example' })).toHaveCount(0);

  await adaPage.goto(invitationLink(bob));
  await expect(adaPage.getByRole('alert')).toContainText('withdrawn');
  await adaPage.goto(invitationLink(ada));
  await expect(adaPage.getByRole('alert')).toContainText('already been used');
  await adaContext.close();
});

test('with the SMTP server down, inviting still succeeds and the email arrives once it is back', async ({ page, browser }) => {
  if (maildev.process) await stopMaildev(maildev.process);
  await signIn(page, demo.admin, demo.password);
  const { dialog } = await invite(page, 'cy@invitee.example', 'viewer');
  await expect(dialog.getByRole('status')).toContainText('Invited: cy@invitee.example');

  // The super admin's outbox shows the failed attempt, queued for a retry.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, superAdmin.email, superAdmin.password);
  await expect
    .poll(async () => {
      await admin.goto('/outbox');
      return admin.getByRole('row').filter({ hasText: 'cy@invitee.example' }).innerText();
    }, { timeout: 20_000 })
    .toContain('next try');
  await adminContext.close();

  maildev.process = await startMaildev();
  await waitForEmail('cy@invitee.example', 60_000);
  // Later retries must not send it again.
  await page.waitForTimeout(4_000);
  expect(await emailsTo('cy@invitee.example')).toHaveLength(1);
});

test('a tampered invitation link changes nothing and says why', async ({ page }) => {
  await page.goto('/invite?token=not-a-real-token');
  await expect(page.getByRole('alert')).toContainText('not valid');
  await expect(page.getByRole('button', { name: /join/i })).toHaveCount(0);
});
