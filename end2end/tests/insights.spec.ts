import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers';

test('owners see insights with charts, change the period and price a model', async ({ page }) => {
  await logIn(page, 'olivia@harborhall.example');
  await page.getByRole('link', { name: 'Insights' }).click();
  await expect(page).toHaveURL(/\/insights$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Usage and cost' })).toBeVisible();
  await expect(page.locator('svg[aria-label="Tokens per day"]')).toBeVisible();
  await expect(page.getByRole('table').filter({ hasText: 'By model' })).toContainText('openai/gpt-4o-mini');
  await page.screenshot({ path: 'test-results/insights.png', fullPage: true });

  await page.getByRole('link', { name: '7 days' }).click();
  await expect(page).toHaveURL(/days=7$/);
  await expect(page.getByRole('link', { name: '7 days' })).toHaveAttribute('aria-current', 'page');

  const form = page.getByRole('form', { name: 'Price of embedded/smollm2-135m-instruct' });
  await form.getByLabel('Prompt $/M').fill('1.00');
  await form.getByLabel('Reply $/M').fill('2.00');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('table').filter({ hasText: 'By model' }).getByRole('row').filter({ hasText: 'embedded/smollm2' })).not.toContainText('$0.00');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the insights page reads at phone width', async ({ page }) => {
    await logIn(page, 'olivia@harborhall.example');
    await page.goto('/insights');
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Agent quality' })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/insights-phone.png', fullPage: true });
  });
});
