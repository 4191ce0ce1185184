import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// Webhooks: an owner registers a local receiver (the e2e server allows 127.0.0.1 through
// CONCIERGE_OUTBOUND_ALLOW), copies its secret, sends a test event that the receiver verifies
// as the README says, sees the delivery in the log, and sends it again.

type Got = { event: string; id: string; verified: boolean };

function verify(secret: string, req: IncomingMessage, body: Buffer): boolean {
  const ts = String(req.headers['concierge-timestamp'] ?? '');
  const sig = String(req.headers['concierge-signature'] ?? '');
  const expected = 'v1=' + createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
  return fresh && sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
}

test('an owner registers a webhook, tests it, and replays a delivery', async ({ page }) => {
  const got: Got[] = [];
  let secret = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      got.push({ event: String(req.headers['concierge-event']), id: String(req.headers['concierge-delivery']), verified: verify(secret, req, body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/concierge`;

  try {
    await logIn(page, 'olivia@harborhall.example');
    await page.goto('/settings/webhooks');
    await hydrated(page);
    const form = page.getByRole('form', { name: 'New endpoint' });
    await form.getByLabel('URL').fill('http://10.0.0.7/hook');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(form.getByText('private or local network')).toBeVisible();

    await form.getByLabel('URL').fill(url);
    await form.getByLabel('Description (optional)').fill('Front desk CRM');
    // Only inquiries (the demo documents being indexed meanwhile are not wanted here).
    for (const label of ['Appointment booked', 'Appointment rescheduled', 'Appointment cancelled', 'Approval requested', 'Approval decided', 'Document indexed']) {
      await form.getByLabel(label).uncheck();
    }
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    secret = (await page.getByTestId('webhook-secret').innerText()).trim();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const row = page.getByTestId('webhook-row').filter({ hasText: url });
    await expect(row).toContainText('Front desk CRM');
    await expect(row).toContainText('Active');

    await row.getByRole('button', { name: 'Send test event' }).click();
    // Queued first among the due jobs; a document being indexed may finish before it.
    await expect.poll(() => got.length, { timeout: 30_000 }).toBe(1);
    expect(got[0]).toMatchObject({ event: 'ping', verified: true });
    const delivery = page.getByTestId('webhook-delivery').filter({ hasText: 'ping' }).filter({ hasText: url });
    // The log is read again on Refresh (and once shortly after sending).
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(delivery).toContainText('Delivered', { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(delivery).toContainText('answered 204');

    await delivery.getByRole('button', { name: 'Send again' }).click();
    await expect.poll(() => got.length, { timeout: 30_000 }).toBe(2);
    expect(got[1]).toMatchObject({ event: 'ping', id: got[0].id, verified: true });
    await page.screenshot({ path: 'test-results/webhooks.png', fullPage: true });

    await row.getByRole('button', { name: 'Pause' }).click();
    await expect(row).toContainText('Paused');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: 'test-results/webhooks-phone.png', fullPage: true });
    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByText('No endpoints yet.')).toBeVisible();
  } finally {
    server.close();
  }
});
