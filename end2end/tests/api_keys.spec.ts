import { expect, test } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// API keys: a client makes a key for their agent, sees it once, uses it against /v1, revokes it.

test('a member makes an API key, uses it, and revokes it', async ({ page, request }) => {
  await logIn(page, 'emma.clark@example.com');
  await page.goto('/settings/api');
  await hydrated(page);
  const form = page.getByRole('form', { name: 'New key' });
  // A client's choices are the agents a client may use.
  await expect(form.getByLabel('Client agent')).toBeChecked();
  await expect(form.getByLabel('Assistant')).not.toBeChecked();
  await expect(form.getByLabel('Venue agent')).toHaveCount(0);
  await form.getByLabel('Client agent').uncheck();
  await form.getByLabel('Name', { exact: true }).fill('Wedding planner app');
  await form.getByRole('button', { name: 'Create key' }).click();
  await expect(form.getByText('Choose at least one agent')).toBeVisible();

  await form.getByLabel('Client agent').check();
  await form.getByRole('button', { name: 'Create key' }).click();
  const key = (await form.getByTestId('api-key').innerText()).trim();
  expect(key).toMatch(/^ck_[0-9a-f]{64}$/);
  const row = page.getByTestId('api-key-row').filter({ hasText: 'Wedding planner app' });
  await expect(row).toContainText('read only');
  await expect(row).toContainText('never used');
  await page.screenshot({ path: 'test-results/api-keys.png', fullPage: true });

  const models = await request.get('/v1/models', { headers: { Authorization: `Bearer ${key}` } });
  expect(models.status()).toBe(200);
  const ids: string[] = (await models.json()).data.map((m: { id: string }) => m.id);
  expect(ids.some((id) => id.startsWith('concierge/client@event-'))).toBe(true);

  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  await expect(row.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
  const refused = await request.get('/v1/models', { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('invalid_api_key');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/api-keys-phone.png', fullPage: true });
});
