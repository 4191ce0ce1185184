import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { hydrated, logIn, logOut } from './helpers';

// The studio: staff order a proposal for an event still being decided (Noah's gala, tentative),
// watch it being written, ask for changes, approve, download and share it; the client then reads
// it on their event page. (Noah is in no other spec; Sofia's password changes in accounts.spec.)

test('a proposal is ordered, watched, regenerated, approved, downloaded and shared with the client', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page, 'olivia@harborhall.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Studio' }).click();
  await expect(page).toHaveURL(/\/studio$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Studio');
  await expect(page.getByTestId('specialist')).toHaveCount(6);

  const form = page.getByRole('form', { name: 'New order' });
  await form.getByLabel('Specialist').selectOption({ label: 'Proposal Writer' });
  await expect(page.getByTestId('specialist-role')).toContainText('priced proposal');
  // The Proposal Writer works from an event: without one, the form says so.
  await form.getByRole('button', { name: 'Order' }).click();
  await expect(form.getByRole('alert')).toContainText('works from an event');
  const eventSelect = form.getByLabel(/^Event/);
  const gala = await eventSelect.locator('option', { hasText: 'Lumen Labs Annual Gala' }).getAttribute('value');
  await eventSelect.selectOption(gala!);
  // "long reply": the scripted model writes for about ten seconds, so the progress shows.
  await form.getByLabel('Brief', { exact: true }).fill('Black tie optional, with an awards segment; a long reply, please.');
  await form.getByLabel('High').check();
  await form.getByRole('button', { name: 'Order' }).click();

  await expect(page).toHaveURL(/\/studio\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Proposal Writer · Lumen Labs Annual Gala');
  await expect(page.getByTestId('order-step')).toContainText('Writing', { timeout: 20_000 });
  await expect(page.getByTestId('order-partial')).toContainText('You asked', { timeout: 20_000 });
  await page.screenshot({ path: 'test-results/studio-progress.png', fullPage: true });
  await expect(page.getByTestId('order-status')).toHaveText('Ready for review', { timeout: 60_000 });
  const deliverable = page.getByTestId('deliverable');
  await expect(deliverable.getByRole('heading', { level: 2, name: 'Pricing' })).toBeVisible();
  await expect(deliverable).toContainText('Total:');

  // Ask for changes: a second version, made with the feedback.
  await page.getByLabel('What should change').fill('Mention the awards.');
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByTestId('order-status')).not.toHaveText('Ready for review');
  await expect(page.getByTestId('order-status')).toHaveText('Ready for review', { timeout: 60_000 });
  await expect(page.getByLabel('Version')).toHaveValue('2');
  await expect(page.getByTestId('version-meta')).toBeVisible();
  await expect(deliverable).toContainText('Mention the awards.');

  // Approve, download, share.
  await page.getByRole('button', { name: 'Approve this version' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Approved');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download Markdown' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^proposal-writer-\d+\.md$/);
  const md = readFileSync((await download.path())!, 'utf8');
  expect(md).toContain('# Proposal Writer · Lumen Labs Annual Gala');
  expect(md).toContain('Mention the awards.');
  await page.getByRole('button', { name: 'Share with the client' }).click();
  await expect(page.getByText('Shared with the client')).toBeVisible();
  await page.screenshot({ path: 'test-results/studio-order.png', fullPage: true });

  // The client reads it on their event page.
  await logOut(page);
  await logIn(page, 'noah.patel@example.com');
  await page.getByRole('link', { name: /Lumen Labs Annual Gala/ }).first().click();
  await hydrated(page);
  await page.getByRole('link', { name: 'Documents' }).click();
  const shared = page.getByTestId('shared-deliverable');
  await expect(shared).toHaveCount(1);
  await expect(shared).toContainText('Mention the awards.');
  await expect(shared.getByRole('heading', { name: 'Pricing' })).toBeVisible();
  // The studio is the team's: a client is refused there.
  await page.goto('/studio');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page');
});

test('the studio on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await logIn(page, 'sam@harborhall.example');
  await page.goto('/studio');
  await hydrated(page);
  await expect(page.getByRole('form', { name: 'New order' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/studio-phone.png', fullPage: true });
});
