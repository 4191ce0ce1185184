import { test, expect } from '@playwright/test';
import { hydrated, logIn, logOut, upcoming } from './helpers';

test('staff log in, open an event, add a guest that survives a reload, log out', async ({ page }) => {
  await logIn(page, 'olivia@harborhall.example');
  await expect(page.getByRole('heading', { name: 'Upcoming events' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Pending tasks' })).toBeVisible();

  await upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Emma & Daniel's Wedding" })).toBeVisible();
  await hydrated(page);
  await page.getByRole('link', { name: 'Guests', exact: true }).click();
  await expect(page).toHaveURL(/tab=guests/);

  const name = `Ada Playwright ${Date.now()}`;
  const form = page.getByRole('form', { name: 'Add a guest' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Party size').fill('2');
  await form.getByLabel('Dietary needs').fill('vegetarian');
  await form.getByRole('button', { name: 'Add guest' }).click();
  await expect(page.locator(`tr[data-guest="${name}"]`)).toBeVisible();

  await page.reload();
  await expect(page.locator(`tr[data-guest="${name}"]`)).toContainText('vegetarian');

  await logOut(page);
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Create a venue account' })).toBeVisible();
  await page.goto('/calendar');
  await expect(page).toHaveURL(/\/login\?next=\/calendar$/);
});

test('invalid input is explained next to the field and nothing is saved', async ({ page }) => {
  await logIn(page, 'sam@harborhall.example');
  await upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await hydrated(page);
  await page.getByRole('link', { name: 'Guests', exact: true }).click();
  const summary = await page.getByTestId('guest-summary').textContent();
  const form = page.getByRole('form', { name: 'Add a guest' });
  await form.getByLabel('Party size').fill('-4');
  await form.getByRole('button', { name: 'Add guest' }).click();
  await expect(form.locator('#add-guest-name-error')).toHaveText('Required.');
  await expect(form.locator('#add-guest-party_size-error')).toHaveText('Must be at least 1.');
  await page.reload();
  await expect(page.getByTestId('guest-summary')).toHaveText(summary ?? '');
});

test('staff edit the event overview and the change persists', async ({ page }) => {
  await logIn(page, 'priya@harborhall.example');
  await upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await hydrated(page);
  const count = page.getByLabel('Guest count');
  await count.fill('137');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Guest count')).toHaveValue('137');
  // A date in the wrong format is refused, next to its field.
  await hydrated(page);
  await page.getByLabel('Guest count').fill('-1');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('#event-guest_count-error')).toHaveText('Must be at least 0.');
});
