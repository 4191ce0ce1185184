// make audit: Lighthouse (its default mobile emulation) on /login, the dashboard, the chat and
// the calendar of a running server, as the demo owner for the pages that need a login.
//   AUDIT_URL   the server [http://127.0.0.1:3000]; serve a release build for real numbers
//   AUDIT_MIN   the score every category must reach [95]
// Prints performance, accessibility, best practices and the largest contentful paint per page,
// writes each report to target/audit/<page>.json, and exits 1 when a score is under AUDIT_MIN.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { mkdirSync, writeFileSync } from 'node:fs';

const base = (process.env.AUDIT_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const min = Number(process.env.AUDIT_MIN ?? 95);
const categories = ['performance', 'accessibility', 'best-practices'];

async function session() {
  const body = new URLSearchParams({ email: 'olivia@harborhall.example', password: 'concierge-demo' });
  const res = await fetch(`${base}/api/login`, { method: 'POST', body, redirect: 'manual', headers: { accept: 'application/json' } });
  const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('concierge_session='));
  if (!cookie) throw new Error(`logging in failed: ${res.status}`);
  return cookie;
}

const cookie = await session();
const pages = [
  ['login', '/login', {}],
  ['dashboard', '/', { Cookie: cookie }],
  ['chat', '/chat', { Cookie: cookie }],
  ['calendar', '/calendar', { Cookie: cookie }],
];
mkdirSync('../target/audit', { recursive: true });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
let failed = false;
try {
  console.log(`page        perf  a11y  best  LCP (ms)   (Lighthouse, mobile, ${base})`);
  for (const [name, path, extraHeaders] of pages) {
    const result = await lighthouse(`${base}${path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: categories,
      extraHeaders,
    });
    const lhr = result.lhr;
    writeFileSync(`../target/audit/${name}.json`, result.report);
    const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const scores = categories.map(score);
    const lcp = Math.round(lhr.audits['largest-contentful-paint']?.numericValue ?? 0);
    console.log(`${name.padEnd(10)} ${scores.map((s) => String(s).padStart(5)).join(' ')} ${String(lcp).padStart(9)}`);
    if (scores.some((s) => s < min)) failed = true;
  }
} finally {
  await chrome.kill();
}
if (failed) {
  console.log(`==> a score is under ${min} (AUDIT_MIN)`);
  process.exit(1);
}
