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
  await page.goto('/chat');
  await fits('chat');
  // The whole header fits: the account menu is on screen.
  const menu = await page.locator('summary[aria-label^="Account menu"]').boundingBox();
  const width = await page.evaluate(() => window.innerWidth);
  await page.setViewportSize({ width: 360, height: 740 });
  const small = await page.locator(`summary[aria-label^="Account menu"]`).boundingBox();
  expect(small && small.x + small.width, "header fits 360 px").toBeLessThanOrEqual(360);
  expect(menu && menu.x + menu.width).toBeLessThanOrEqual(width);
});
