import { test, expect } from '@playwright/test';
import { hydrated, logIn, upcoming } from './helpers';

test('a client sees their own event and no one else\'s', async ({ page }) => {
  await logIn(page, 'emma.clark@example.com');
  await expect(page.getByRole('heading', { name: 'Your events' })).toBeVisible();
  await expect(upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ })).toBeVisible();
  await expect(page.getByText('Pending tasks')).toHaveCount(0);

  await upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await expect(page).toHaveURL(/\/my\/events\/\d+/);
  const own = Number(page.url().match(/\/my\/events\/(\d+)/)![1]);

  // Every other event id answers 404, on both the staff and the client URL.
  for (let id = 1; id <= 12; id++) {
    if (id === own) continue;
    for (const path of [`/events/${id}`, `/my/events/${id}`]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(404);
      await expect(page.getByRole('heading', { name: 'We could not find that page' })).toBeVisible();
    }
  }
});

test('a client adds a guest to their own list', async ({ page }) => {
  await logIn(page, 'emma.clark@example.com');
  await upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await hydrated(page);
  await page.getByRole('link', { name: 'Guests', exact: true }).click();
  const name = `Cousin Playwright ${Date.now()}`;
  const form = page.getByRole('form', { name: 'Add a guest' });
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Add guest' }).click();
  await expect(page.locator(`tr[data-guest="${name}"]`)).toBeVisible();
  await page.reload();
  await expect(page.locator(`tr[data-guest="${name}"]`)).toBeVisible();
});

test('a vendor sees only assigned events', async ({ page }) => {
  await logIn(page, 'bloom@vendors.example');
  const links = upcoming(page).locator('a[href^="/my/events/"]');
  await expect(links).toHaveCount(4);
  await expect(upcoming(page).getByRole('link', { name: /Wu Family Reunion/ })).toHaveCount(0);
});
