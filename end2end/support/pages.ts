import { type Page, expect } from '@playwright/test';

/** Waits until the WebAssembly has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', '');
}

export const superAdmin = {
  email: 'root@example.com',
  name: 'Root Admin',
  password: 'correct horse battery staple',
};

/** The organization `roster seed-demo` made before the suite (see global-setup.ts). */
export const demo = {
  organization: 'Demo Org 1',
  slug: 'demo-org-1',
  admin: 'admin@demo-org-1.example',
  password: 'demo password for the suite',
};

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  // The sign-in page has a bundle of its own (app::bundles): the page it
  // moves on to is loaded from the server, with the console bundle.
  const next = page.waitForResponse(
    (response) => response.request().resourceType() === 'document' && !new URL(response.url()).pathname.startsWith('/sign-in'),
  );
  await page.getByRole('button', { name: 'Sign in' }).click();
  await next;
  await expect(page).not.toHaveURL(/\/sign-in/);
  await hydrated(page);
}
