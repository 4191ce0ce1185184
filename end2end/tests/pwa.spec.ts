import { chromium, test, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hydrated, logIn, logOut, PASSWORD } from './helpers';

// The installable app: manifest, service worker, offline page, install button; and what a
// visitor sees (the landing page, redirects to log in).
test.use({ serviceWorkers: 'allow' });

/** Waits until the service worker is active and controls the page. */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return reg?.active?.state === 'activated' && !!navigator.serviceWorker.controller;
  }, undefined, { timeout: 20_000 });
}

async function keptDashboard(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const cache = await caches.open('concierge-private');
    return !!(await cache.match('/offline/last-dashboard'));
  });
}

test('the manifest is valid and the app is installable', async ({ baseURL }) => {
  // Playwright's usual contexts are incognito, where Chromium never offers installation: this
  // check runs in a persistent profile of its own.
  const dir = mkdtempSync(join(tmpdir(), 'concierge-pwa-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
    baseURL,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
    const installable = await cdp.send('Page.getInstallabilityErrors');
    expect(installable.installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the install button appears when the browser offers it and opens its prompt', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const install = page.getByRole('button', { name: 'Install' });
  await expect(install).toBeHidden();
  // What Chromium fires when its install criteria are met (it does not, headless).
  await page.evaluate(() => {
    const offer = new Event('beforeinstallprompt', { cancelable: true }) as Event & { prompt?: () => void };
    offer.prompt = () => {
      (window as unknown as { prompted: boolean }).prompted = true;
    };
    window.dispatchEvent(offer);
  });
  await expect(install).toBeVisible();
  await install.click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { prompted?: boolean }).prompted)).toBe(true);
  await expect(install).toBeHidden();
});

test('offline, a reload shows the offline page with the last dashboard; logging out forgets it', async ({ page, context }) => {
  await logIn(page, 'olivia@harborhall.example');
  await controlled(page);
  // The worker keeps the dashboard from the first load it serves.
  // (A navigation right after the worker claims the page may still go past it: reload until kept.)
  await expect(async () => {
    await page.reload();
    expect(await keptDashboard(page)).toBe(true);
  }).toPass({ timeout: 30_000 });

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: "You're offline" })).toBeVisible();
  const lastSeen = page.locator('#last-seen');
  await expect(lastSeen).toBeVisible();
  await expect(lastSeen.getByRole('heading', { name: 'Upcoming events' })).toBeVisible();
  await expect(lastSeen).toContainText('Hello, Olivia');
  // The copy's main heading is a level down: the page has one main heading, its own.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("You're offline");
  // Read-only: no chat, no buttons from the copy.
  await expect(lastSeen.locator('button, form, textarea')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/offline.png', fullPage: true });

  // Back online, the offline page reloads by itself: the dashboard returns.
  await context.setOffline(false);
  await expect(page.getByRole('heading', { name: "You're offline" })).toBeHidden({ timeout: 15_000 });
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hello, Olivia');
  await hydrated(page);
  await logOut(page);
  await expect.poll(() => keptDashboard(page)).toBe(false);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: "You're offline" })).toBeVisible();
  await expect(page.locator('#last-seen')).toBeHidden();
  await context.setOffline(false);
});

test('a visitor gets the landing page, and a member page sends them to log in and back', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('agents that do the legwork');
  await expect(page.getByRole('link', { name: 'Create a venue account' })).toBeVisible();
  await page.screenshot({ path: 'test-results/landing.png', fullPage: true });
  await page.goto('/calendar');
  await expect(page).toHaveURL(/\/login\?next=\/calendar$/);
  await hydrated(page);
  await page.getByLabel('Email').fill('olivia@harborhall.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/calendar$/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the landing page and the redirect to log in work', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('link', { name: 'Create a venue account' })).toBeVisible();
    const res = await page.request.get('/chat', { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    expect(res.headers()['location']).toBe('/login?next=/chat');
    await page.goto('/chat');
    await expect(page).toHaveURL(/\/login\?next=\/chat$/);
    await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  });
});
