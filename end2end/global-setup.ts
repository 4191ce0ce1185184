// Waits until the server started by `cargo leptos end-to-end` answers GET /health.
// The server applies migrations and may load demo data before it listens, so allow some time
// (E2E_SERVER_TIMEOUT_MS, default 180 s).
import type { FullConfig } from '@playwright/test';

export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL =
    (config.projects[0]?.use?.baseURL as string | undefined) ?? 'http://127.0.0.1:3000';
  const url = new URL('/health', baseURL).toString();
  const timeoutMs = Number(process.env.E2E_SERVER_TIMEOUT_MS ?? 180_000);
  const started = Date.now();
  let last = 'no answer yet';
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) {
        console.log(`==> server ready at ${baseURL} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return;
      }
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String((err as Error).message ?? err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} not ready after ${timeoutMs} ms (last: ${last})`);
}
