import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// The e2e server's default model is the scripted one: its structured answer is the
// `[[json64 BASE64]]` directive at the end of the pasted text (see src/llm/scripted.rs).
test('paste an email, accept two suggestions, reject one, submit, see the record', async ({ page }) => {
  // Unique, and still a name (a name has no digits): the time written in letters.
  const tag = Date.now().toString().split('').map((d) => 'abcdefghij'[Number(d)]).join('');
  const name = `Maya Patel-${tag[0].toUpperCase()}${tag.slice(1)}`;
  const email = [
    `Hello! I'm ${name} and we are planning our wedding for Saturday, June 12th 2031.`,
    `You can call me on 617-555-0199 (my office is 617-555-0100).`,
    `Thanks!`,
  ].join('\n');
  const answer = {
    name: { source: `I'm ${name}`, value: name },
    event_date: { source: 'Saturday, June 12th 2031', value: 'June 12th 2031' },
    phone: { source: 'my office is 617-555-0100', value: '617-555-0100' },
    budget: { source: '', value: '$99,000' },
  };
  await logIn(page, 'sam@harborhall.example');
  await page.goto('/inquiries/new');
  await hydrated(page);
  const form = page.getByRole('form', { name: 'New inquiry' });
  const panel = page.getByTestId('assist-panel');
  await panel.getByLabel(/Paste an email/).fill(`${email}\n[[json64 ${btoa(JSON.stringify(answer))}]]`);
  await panel.getByRole('button', { name: 'Suggest values' }).click();
  await expect(panel.getByTestId('assist-summary')).toContainText('3 values suggested');
  // The invented budget was left out, and says why.
  await panel.getByText('1 left out').click();
  await expect(panel.getByText('budget: “$99,000” (not found in the text)')).toBeVisible();
  await expect(form.getByRole('textbox', { name: 'Budget' })).toHaveValue('');

  // Each value is in its field, marked, with its source on focus.
  await expect(form.getByRole('textbox', { name: 'Client name *' })).toHaveValue(name);
  await expect(form.getByRole('textbox', { name: 'Date *' })).toHaveValue('2031-06-12');
  await expect(form.getByRole('textbox', { name: 'Phone', exact: true })).toHaveValue('(617) 555-0100');
  await expect(form.getByTestId('suggestion')).toHaveCount(3);
  await form.getByRole('textbox', { name: 'Phone', exact: true }).focus();
  const source = form.locator('[data-field="phone"] [data-testid="suggestion-source"]');
  await expect(source).toBeVisible();
  await expect(source).toContainText('my office is 617-555-0100');
  await expect(form.getByRole('textbox', { name: 'Phone', exact: true })).toHaveAttribute('aria-describedby', /inq-phone-src/);

  // Nothing submits while suggestions wait for a decision.
  await form.getByLabel('Guests *').fill('85');
  await form.getByRole('button', { name: 'Create inquiry' }).click();
  await expect(form.getByText('Accept or reject the 3 suggested values first')).toBeVisible();
  await expect(page).toHaveURL(/\/inquiries\/new/);

  // Accept two (by keyboard for one of them), reject the office number.
  await form.getByRole('button', { name: 'Accept the suggested name' }).click();
  await form.getByRole('button', { name: 'Accept the suggested event date' }).focus();
  await page.keyboard.press('Enter');
  await form.getByRole('button', { name: 'Reject the suggested phone' }).click();
  await expect(form.getByTestId('suggestion')).toHaveCount(0);
  await expect(form.getByRole('textbox', { name: 'Phone', exact: true })).toHaveValue('');
  await form.getByRole('button', { name: 'Create inquiry' }).click();

  await expect(page).toHaveURL(/\/events\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${name} — Wedding`);
  const client = page.getByRole('region', { name: 'Client' });
  await expect(client).toContainText(name);
  await expect(client).not.toContainText('555-0100');
});

test('a vendor email fills in the vendor form; the vendor joins the directory', async ({ page }) => {
  const company = `Petal & Stem ${Date.now()}`;
  const text = `Hi! ${company} here, we're a florist. Ask for Rosa Diaz, rosa@petalstem.example. Our package is $1,200 per event.`;
  const answer = {
    name: { source: `${company} here`, value: company },
    contact: { source: 'Ask for Rosa Diaz', value: 'Rosa Diaz' },
    category: { source: "we're a florist", value: 'florist' },
    email: { source: 'rosa@petalstem.example', value: 'rosa@petalstem.example' },
    rate: { source: '$1,200 per event', value: '$1,200' },
  };
  await logIn(page, 'sam@harborhall.example');
  await page.getByRole('link', { name: 'Vendors' }).click();
  await expect(page).toHaveURL(/\/vendors$/);
  await hydrated(page);
  const panel = page.getByTestId('assist-panel');
  await panel.getByLabel(/Paste an email/).fill(`${text}\n[[json64 ${btoa(JSON.stringify(answer))}]]`);
  await panel.getByRole('button', { name: 'Suggest values' }).click();
  await expect(panel.getByTestId('assist-summary')).toContainText('5 values suggested');
  await panel.getByRole('button', { name: 'Accept all' }).click();
  const form = page.getByRole('form', { name: 'Add a vendor' });
  await expect(form.getByTestId('suggestion')).toHaveCount(0);
  await expect(form.getByRole('textbox', { name: 'Rate' })).toHaveValue('$1,200.00');
  await form.getByRole('button', { name: 'Add vendor' }).click();
  await expect(form.getByRole('status')).toContainText(`${company} added`);
  const row = page.getByTestId('vendor-directory').getByRole('row', { name: new RegExp(company) });
  await expect(row).toContainText('Rosa Diaz');
  await expect(row).toContainText('$1,200.00 per event');
});
