import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { hydrated, logIn, logOut } from './helpers';

// The studio: staff order a proposal for an event still being decided (Noah's gala, tentative),
// watch it being written, ask for changes, approve, download, rate and share it (the rating shows on
// the owners' queue); the client then reads it on their event page. (Noah is in no other spec;
// Sofia's password changes in accounts.spec.)

test('a proposal is ordered, watched, regenerated, approved, downloaded (Markdown and PDF), rated and shared with the client', async ({ page }) => {
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
  // The message describes the control at fault.
  await expect(eventSelect).toHaveAttribute('aria-invalid', 'true');
  await expect(eventSelect).toHaveAccessibleDescription(/works from an event/);
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
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).click()]);
  expect(pdf.suggestedFilename()).toMatch(/^proposal-writer-\d+\.pdf$/);
  const bytes = readFileSync((await pdf.path())!);
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(bytes.length).toBeGreaterThan(1500);
  await page.getByRole('button', { name: 'Share with the client' }).click();
  await expect(page.getByText('Shared with the client')).toBeVisible();
  await page.screenshot({ path: 'test-results/studio-order.png', fullPage: true });
  // Olivia ordered it, so she rates it; the owners' queue counts the rating for the specialist.
  await page.getByTestId('rate-up').click();
  await expect(page.getByTestId('rate-up')).toHaveAttribute('aria-pressed', 'true');
  await page.goto('/studio/queue');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Queue');
  const row = page.getByTestId('specialist-stats').getByRole('row', { name: /Proposal Writer/ });
  await expect(row.getByRole('cell').last()).toHaveText('1 / 0');
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/studio-queue-phone.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

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

test('an order that fails after every attempt waits on the queue page and is retried from there', async ({ page }) => {
  test.setTimeout(150_000);
  await logIn(page, 'olivia@harborhall.example');
  await page.goto('/studio');
  await hydrated(page);
  const form = page.getByRole('form', { name: 'New order' });
  await form.getByLabel('Specialist').selectOption({ label: 'Social Post Writer' });
  // The scripted model fails midway whenever the request says so: three attempts, 10 s and 20 s apart.
  await form.getByLabel('Brief', { exact: true }).fill('Winter open house. Please fail midway.');
  await form.getByRole('button', { name: 'Order' }).click();
  await expect(page).toHaveURL(/\/studio\/\d+$/);
  const order = page.url().replace(/^.*\/studio\//, '');
  await expect(page.getByTestId('order-status')).toHaveText('Failed', { timeout: 90_000 });

  await page.getByRole('link', { name: 'Studio' }).first().click();
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(page).toHaveURL(/\/studio\/queue$/);
  await hydrated(page);
  const letter = page.getByTestId('dead-letter').filter({ has: page.locator(`a[href="/studio/${order}"]`) });
  await expect(letter).toHaveCount(1);
  await expect(letter).toContainText('Social Post Writer');
  await expect(letter).toContainText('3 attempts');
  await page.screenshot({ path: 'test-results/studio-dead-letters.png', fullPage: true });
  await letter.getByRole('button', { name: 'Retry' }).click();
  await expect(letter).toHaveCount(0);
  // The order is back in the queue with fresh attempts.
  await page.goto(`/studio/${order}`);
  await expect(page.getByTestId('order-status')).not.toHaveText('Failed');
});
