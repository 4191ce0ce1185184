import { test, expect } from '@playwright/test';

// Placeholder: proves the server is up and the toolchain works. Real specs live beside it.
test('GET /health answers {"status":"ok"}', async ({ request }) => {
  const res = await request.get('/health');
  expect(res.ok()).toBeTruthy();
  expect(res.headers()['content-type'] ?? '').toContain('application/json');
  const body = await res.json();
  expect(body).toMatchObject({ status: 'ok' });
});
