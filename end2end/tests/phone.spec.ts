import { test, expect, devices } from '@playwright/test';
import { logIn, upcoming } from './helpers';

test.use({ viewport: devices['Pixel 7'].viewport, isMobile: true, hasTouch: true });

test('on a phone, no page scrolls sideways', async ({ page }) => {
  await logIn(page, 'olivia@harborhall.example');
  const fits = async (where: string) => {
    const { scroll, width } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }));
    expect(scroll, `${where}: content ${scroll}px wide in a ${width}px window`).toBeLessThanOrEqual(width);
  };
  await fits('dashboard');
  await upcoming(page).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  for (const tab of ['overview', 'elements', 'guests', 'vendors', 'tasks', 'messages', 'contract']) {
    await page.goto(page.url().replace(/\?.*$/, '') + `?tab=${tab}`);
    await fits(tab);
  }
});
