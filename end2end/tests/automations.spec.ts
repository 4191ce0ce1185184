import { expect, test } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// Automations: the owner sets one up from an example, dry-runs it (nothing happens), runs it by
// hand and follows the run to its chat, pauses it and deletes it; on a phone, the page fits.

test('an automation is set up, dry-run, run by hand, followed to its chat, paused and deleted', async ({ page }) => {
  test.setTimeout(90_000);
  await logIn(page, 'olivia@harborhall.example');
  await page.goto('/studio');
  await hydrated(page);
  await page.getByRole('link', { name: 'Automations' }).click();
  await expect(page).toHaveURL(/\/studio\/automations$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Automations');
  await expect(page.getByText("Schedules are in the venue's time zone, America/New_York.")).toBeVisible();

  await page.getByRole('button', { name: 'New automation' }).click();
  const form = page.getByRole('form', { name: 'New automation' });
  // The first example is the Monday summary; it runs on Wednesdays too.
  await expect(form.getByLabel('Name')).toHaveValue('Monday summary');
  await form.getByLabel('Name').fill('Weekly summary (e2e)');
  await form.getByLabel('Wed').check();
  await form.getByRole('button', { name: 'Save' }).click();

  const card = page.getByTestId('automation').filter({ hasText: 'Weekly summary (e2e)' });
  await expect(card).toBeVisible();
  await expect(card).toContainText('Every Mon and Wed at 8:00');
  await expect(card).toContainText('runs the venue agent');
  await expect(card).toContainText(/Next run (Monday|Wednesday), \w+ \d+ at 8:00/);

  await card.getByRole('button', { name: 'Dry run' }).click();
  const dry = card.getByTestId('dry-run');
  await expect(dry).toContainText('Dry run: nothing was done');
  await expect(dry).toContainText(/Next: (Monday|Wednesday)/);
  await expect(dry).toContainText('Starts a chat with the venue agent as Olivia');
  await expect(dry.locator('pre')).toContainText("Summarize this week's events for the staff");

  await card.getByRole('button', { name: 'Run now' }).click();
  const run = card.getByTestId('automation-run').first();
  await expect(run).toContainText('run by hand by Olivia');
  await expect(run).toContainText('Done', { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/automations.png', fullPage: true });
  await run.getByRole('link', { name: 'Open the chat' }).click();
  await expect(page).toHaveURL(/\/chat\/\d+$/);
  await expect(page.getByText("Summarize this week's events for the staff").first()).toBeVisible();

  await page.goto('/studio/automations');
  await hydrated(page);
  const again = page.getByTestId('automation').filter({ hasText: 'Weekly summary (e2e)' });
  await again.getByRole('button', { name: 'Pause' }).click();
  await expect(again.getByText('Paused', { exact: true })).toBeVisible();
  await expect(again).not.toContainText('Next run');
  page.once('dialog', (d) => d.accept());
  await again.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('automation').filter({ hasText: 'Weekly summary (e2e)' })).toHaveCount(0);
});

test('automations on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await logIn(page, 'sam@harborhall.example');
  await page.goto('/studio/automations');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Automations');
  // Staff read automations; only owners set them up.
  await expect(page.getByRole('button', { name: 'New automation' })).toHaveCount(0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/automations-phone.png', fullPage: true });
});
