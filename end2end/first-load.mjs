// Bytes a cold visit transfers, as Chromium counts them (the network's encodedDataLength: headers
// and compressed bodies), per resource and in all. Not part of the test suite: a measurement.
//   node end2end/first-load.mjs [url ...]     (default http://127.0.0.1:3000/login)
// Each URL is loaded in a fresh browser context (no cache, no service worker yet) and measured
// until the page has hydrated and the network has been idle.
import { chromium } from '@playwright/test';

const urls = process.argv.slice(2);
if (urls.length === 0) urls.push('http://127.0.0.1:3000/login');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
for (const url of urls) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const seen = new Map();
  cdp.on('Network.responseReceived', (e) => seen.set(e.requestId, { url: e.response.url, bytes: 0, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '' }));
  cdp.on('Network.loadingFinished', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 }).catch(() => {});
  await page.waitForLoadState('networkidle');
  let total = 0;
  console.log(`${url}`);
  for (const r of seen.values()) {
    total += r.bytes;
    console.log(`  ${String(r.bytes).padStart(9)}  ${(r.encoding || '-').padEnd(5)} ${r.url}`);
  }
  console.log(`  ${String(total).padStart(9)}  total (${(total / 1024).toFixed(1)} KB)`);
  await context.close();
}
await browser.close();
