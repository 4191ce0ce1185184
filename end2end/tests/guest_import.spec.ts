import { test, expect } from '@playwright/test';
import { hydrated, logIn, upcoming } from './helpers';

test('a client imports a pasted guest list, sees the refused rows, and undoes it', async ({ page }) => {
  await logIn(page, 'emma.clark@example.com');
  await upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await hydrated(page);
  await page.getByRole('link', { name: 'Guests', exact: true }).click();
  const box = page.getByTestId('guest-import');
  await box.locator('summary').click();
  const stamp = Date.now();
  const rows = [
    'Guest Name\tE-mail\tParty size\tDietary',
    `Import Ann ${stamp}\tann${stamp}@example.com\t2\tvegetarian`,
    `Import Bo ${stamp}\tnot-an-email\t1\t`,
    `Import Cy ${stamp}\tcy${stamp}@example.com\t3\t`,
  ].join('\n');
  await box.getByLabel('Rows').fill(rows);
  // The columns were recognised from the header row.
  await expect(box.getByLabel('Column 2 (E-mail)')).toHaveValue('Email');
  const preview = box.getByTestId('import-preview');
  await expect(preview).toContainText('2 guests ready to import; 1 rows will be skipped.');
  await expect(preview).toContainText('Line 3: email');
  await page.screenshot({ path: 'test-results/guest-import-preview.png', fullPage: true });
  await preview.getByRole('button', { name: 'Import 2 guests' }).click();
  await expect(box.getByTestId('import-report')).toContainText('Imported 2 guests; 1 rows refused.');
  await expect(page.locator(`tr[data-guest="Import Ann ${stamp}"]`)).toBeVisible();
  await expect(page.locator(`tr[data-guest="Import Cy ${stamp}"]`)).toBeVisible();
  await expect(page.locator(`tr[data-guest="Import Bo ${stamp}"]`)).toHaveCount(0);

  await box.getByRole('button', { name: 'Undo this import' }).click();
  await expect(box).toContainText('Import undone: 2 guests removed.');
  await expect(page.locator(`tr[data-guest="Import Ann ${stamp}"]`)).toHaveCount(0);
});
