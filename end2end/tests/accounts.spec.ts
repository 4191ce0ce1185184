import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { hydrated, logIn, logOut } from './helpers';

// Sofia (a client) is in no other spec: her password can change here.
const SOFIA = 'sofia.martinez@example.com';

test('a forgotten password is reset through the link the owner finds in the outbox', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot$/);
  await hydrated(page);
  await page.getByLabel('Email').fill(SOFIA);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByTestId('reset-sent')).toContainText('Check your email');

  // No SMTP on this server: the mail waits on the owner's outbox page.
  await logIn(page, 'olivia@harborhall.example');
  await page.goto('/settings/outbox');
  await hydrated(page);
  await expect(page.getByTestId('outbox-mode')).toContainText('no mail service');
  const mail = page.getByTestId('outbox').locator('li').filter({ hasText: SOFIA }).first();
  await expect(mail).toContainText('Waiting for you to pass it on');
  await mail.locator('summary').click();
  const body = await mail.locator('pre').innerText();
  const link = body.match(/\/reset\/[0-9a-f]{64}/)![0];
  await page.screenshot({ path: 'test-results/outbox.png', fullPage: true });
  await logOut(page);

  await page.goto(link);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose a new password');
  await expect(page.getByLabel('Email')).toHaveValue(SOFIA);
  await page.getByLabel(/New password/).fill('sofia new password 1');
  await page.getByRole('button', { name: 'Set password and log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hello');
  // The link works once.
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('does not work any more');
});

test('the owner reads the audit log, filters it and downloads it', async ({ page }) => {
  await logIn(page, 'olivia@harborhall.example');
  await page.locator('summary[aria-label^="Account menu"]').click();
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/settings\/audit$/);
  await hydrated(page);
  const rows = page.getByTestId('audit-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  await expect(page.getByTestId('audit-table')).toContainText('Logged in');

  await page.getByLabel('Kind').selectOption('agents');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect
    .poll(async () => (await page.getByTestId('audit-table').count()) === 0 || (await rows.evaluateAll((trs) => trs.every((tr) => (tr.getAttribute('data-action') ?? '').startsWith('action_')))))
    .toBe(true);
  await page.getByLabel('Kind').selectOption('account');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect
    .poll(() => rows.evaluateAll((trs) => trs.length > 0 && trs.every((tr) => ['logged_in', 'login_failed', 'password_reset', 'reset_requested', 'password_changed', 'logged_out_everywhere'].includes(tr.getAttribute('data-action') ?? ''))))
    .toBe(true);
  await page.screenshot({ path: 'test-results/audit.png', fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('time_utc,person,category,action,target,details,ip');
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.includes('Sign-in and accounts'))).toBe(true);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await hydrated(page);
  await page.screenshot({ path: 'test-results/audit-phone.png', fullPage: true });
});

test('an email notification choice is saved, one change at a time', async ({ page }) => {
  await logIn(page, 'olivia@harborhall.example');
  await page.goto('/account');
  await hydrated(page);
  const choice = page.getByRole('checkbox', { name: 'An automation ran' });
  await expect(choice).not.toBeChecked();
  await choice.check();
  // While the change is saved the box waits; then it can change again.
  await expect(choice).toBeEnabled();
  await page.reload();
  await hydrated(page);
  await expect(choice).toBeChecked();
  await choice.uncheck();
  await expect(choice).toBeEnabled();
  await page.reload();
  await hydrated(page);
  await expect(choice).not.toBeChecked();
});
