import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers';

test('staff record an inquiry: errors by the field, then the new event', async ({ page }) => {
  await logIn(page, 'sam@harborhall.example');
  await page.getByRole('link', { name: 'New inquiry' }).click();
  await expect(page).toHaveURL(/\/inquiries\/new$/);
  await hydrated(page);
  const form = page.getByRole('form', { name: 'New inquiry' });
  await form.getByLabel('Email').fill('maya');
  await form.getByLabel('Date *').fill('someday');
  await form.getByRole('button', { name: 'Create inquiry' }).click();
  await expect(page.locator('#inq-name-msg')).toHaveText('Required.');
  await expect(page.locator('#inq-email-msg')).toContainText('email address');
  await expect(page.locator('#inq-event_date-msg')).toContainText('June 12, 2027');
  await expect(form.getByLabel('Client name *')).toHaveAttribute('aria-invalid', 'true');

  const name = `Maya Patel ${Date.now()}`;
  await form.getByLabel('Client name *').fill(name);
  await form.getByLabel('Email').fill('maya.patel@example.com');
  await form.getByLabel('Phone').fill('617.555.0199');
  await form.getByLabel('Event type *').selectOption('Wedding');
  await form.getByLabel('Date *').fill('June 12, 2031');
  await form.getByLabel('Guests *').fill('120');
  await form.getByLabel('Budget').fill('$45,000');
  await form.getByRole('button', { name: 'Create inquiry' }).click();
  await expect(page).toHaveURL(/\/events\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${name} — Wedding`);
});
