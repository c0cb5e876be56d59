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
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signed in once the app has moved on from the sign-in page.
  await expect(page).not.toHaveURL(/\/sign-in/);
}
