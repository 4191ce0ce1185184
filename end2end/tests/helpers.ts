import { expect, type Locator, type Page } from '@playwright/test';

export const PASSWORD = 'concierge-demo';

/** Waits until the wasm has hydrated the page (App sets body[data-hydrated]). The first page
 * of the suite loads the debug wasm cold while the server indexes the demo documents on the same
 * two cores: that can take longer than 20 s (seen: the first spec timed out twice at 20 s). */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 45_000 });
}

export async function logIn(page: Page, email: string): Promise<void> {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hello');
}

export async function logOut(page: Page): Promise<void> {
  await page.locator('summary[aria-label^="Account menu"]').click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** The dashboard's list of events ("Upcoming events" for staff, "Your events" for others). */
export function upcoming(page: Page): Locator {
  return page.locator('section[aria-labelledby="upcoming-h"]');
}
