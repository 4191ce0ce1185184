import { test, expect } from '@playwright/test';
import { hydrated, PASSWORD } from './helpers';

test('the theme can be switched, persists, and is right before first paint', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  const toggle = page.getByRole('button', { name: /theme: click to change/ });
  // system → light → dark
  await toggle.click();
  await toggle.click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.reload({ waitUntil: 'commit' });
  // The server already renders the class from the cookie.
  const html = await (await page.request.get('/login')).text();
  expect(html).toMatch(/<html[^>]*class="dark"/);
  await expect(page.locator('html')).toHaveClass(/dark/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('logging in and reading the dashboard still work', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill('marco@harborhall.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: 'Upcoming events' })).toBeVisible();
  });
});
