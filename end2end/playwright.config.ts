import { defineConfig, devices } from '@playwright/test';

// Run by `cargo leptos end-to-end` (end2end-cmd = "npx playwright test", end2end-dir = "end2end"),
// which builds the site, starts the server itself and then runs this. So there is no `webServer`
// entry; global-setup.ts waits until the server answers /health, because cargo-leptos starts the
// tests right after spawning the server, without waiting for it.
// No browser download is possible on these machines: Debian's chromium is used (scripts/setup.sh).
const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  // A hang guard, not a speed target: the longest flows (three pages, approvals) take 20-30 s
  // on two cores shared with Chromium and the server.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  workers: 1,
  // One retry in CI, where the embedded model and Chromium share two cores; a real failure
  // fails twice.
  retries: process.env.CI ? 1 : 0,
  reporter: 'list',
  outputDir: './test-results',
  use: {
    baseURL,
    headless: true,
    screenshot: 'only-on-failure',
    // The app registers a service worker (public/pwa.js). Playwright's request interception does
    // not see what a worker answers, so specs run without it; tests/pwa.spec.ts allows it.
    serviceWorkers: 'block',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            // tests/embed.spec.ts frames the widget from another site served by request
            // interception; such a page has no address, so Chromium's local-network checks would
            // treat it as public and refuse to frame a server on 127.0.0.1.
            '--disable-features=LocalNetworkAccessChecks',
          ],
        },
      },
    },
  ],
});
