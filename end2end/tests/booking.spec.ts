import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers';

test('a client books a tasting and can cancel it', async ({ page }) => {
  await logIn(page, 'emma.clark@example.com');
  await page.getByRole('link', { name: 'Book', exact: true }).click();
  await expect(page).toHaveURL(/\/book$/);
  await hydrated(page);
  await page.getByTestId('appointment-type').filter({ hasText: 'Menu tasting' }).click();
  // The first day with free times (staff work Tuesday to Saturday).
  const days = page.getByTestId('day');
  let picked = false;
  for (let i = 0; i < 10 && !picked; i++) {
    await days.nth(i).click();
    await expect(page.getByText(/Nothing free that day|The venue is in/)).toBeVisible();
    picked = (await page.getByTestId('slot').count()) > 0;
  }
  expect(picked).toBe(true);
  const time = (await page.getByTestId('slot').first().textContent())!.trim();
  await page.getByTestId('slot').first().click();
  await expect(page.getByTestId('confirm')).toContainText('Menu tasting');
  await page.getByLabel('Anything we should know? (optional)').fill('Two of us, one vegetarian.');
  await page.getByRole('button', { name: 'Book it' }).click();
  await expect(page.getByTestId('booked')).toContainText(`Booked: Menu tasting`);
  await expect(page.getByTestId('booked')).toContainText(time);
  const row = page.getByTestId('my-appointments').locator('li').first();
  await expect(row).toContainText('Menu tasting');
  await expect(row).toContainText('Priya Natarajan, Tasting kitchen');
  // That time is no longer offered.
  await expect(page.getByTestId('slot').filter({ hasText: new RegExp(`^${time}$`) })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/booking.png', fullPage: true });

  await row.getByRole('button', { name: 'Cancel' }).click();
  await row.getByLabel('Reason').fill('we picked another day');
  await row.getByRole('button', { name: 'Confirm cancel' }).click();
  await expect(page.getByTestId('my-appointments').locator('li').first()).toHaveAttribute('data-status', 'cancelled');
});
