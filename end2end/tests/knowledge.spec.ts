import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { hydrated, logIn } from './helpers';

// The knowledge base: a PDF uploaded by staff becomes ready, is found by search and cited by an
// agent (the scripted model calls the tool its message names), and the citation chip opens the
// passage in its document. A client then sees only what their audience allows.

const PDF = path.join(__dirname, '..', 'fixtures', 'bicycle-policy.pdf');

test('staff upload a PDF, it becomes ready, search and a cited answer lead to the passage', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page, 'olivia@harborhall.example');
  await page.getByRole('link', { name: 'Knowledge' }).first().click();
  await expect(page).toHaveURL(/\/knowledge$/);
  await hydrated(page);

  // The demo documents are there, indexed at first start.
  await expect(page.locator('[data-testid=document-row]').filter({ hasText: 'Deposits and payments' })).toBeVisible();

  await page.getByLabel('Who may read them').selectOption({ label: 'All clients' });
  await page.getByLabel('Choose files').setInputFiles(PDF);
  const row = page.locator('[data-testid=upload-row]').filter({ hasText: 'bicycle-policy.pdf' });
  await expect(row).toHaveAttribute('data-state', 'uploaded', { timeout: 20_000 });
  const doc = page.locator('[data-testid=document-row]').filter({ hasText: 'bicycle policy' });
  await expect(doc.getByTestId('doc-status')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.screenshot({ path: 'test-results/knowledge-staff.png', fullPage: true });

  // Search shows the passage with the words marked.
  await page.getByRole('searchbox', { name: 'Search the knowledge base' }).fill('bike valet cost');
  await page.getByRole('button', { name: 'Search' }).click();
  const hit = page.locator('[data-testid=search-result]').filter({ hasText: 'bicycle policy' }).first();
  await expect(hit).toBeVisible();
  await expect(hit.locator('mark').first()).toBeVisible();

  // The assistant cites it.
  await page.goto('/chat');
  await hydrated(page);
  await page
    .getByLabel('Message', { exact: true })
    .fill('How much is the bike valet? [[call search_knowledge {"query": "bike valet cost"}]]');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/chat\/\d+$/);
  const reply = page.locator('li[data-kind="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  const chip = reply.getByTestId('citation-chip').filter({ hasText: 'bicycle policy' }).first();
  await expect(chip).toBeVisible();
  await chip.click();
  const panel = reply.locator('[data-testid=citation-panel]:not([hidden])');
  await expect(panel).toContainText('4 dollars');
  await page.screenshot({ path: 'test-results/knowledge-citation.png', fullPage: true });
  await panel.getByRole('link', { name: 'Open in document' }).click();
  await expect(page).toHaveURL(/\/knowledge\/\d+#chunk-\d+$/);
  await hydrated(page);
  await expect(page.getByTestId('document-title')).toContainText('bicycle policy');
  await expect(page.locator('[data-testid=passage][aria-current="location"]')).toContainText('bike valet');
});

test('a client sees client documents and their event, never the staff handbook', async ({ page }) => {
  await logIn(page, 'emma.clark@example.com');
  await page.goto('/knowledge');
  await hydrated(page);
  await expect(page.getByText('Deposits and payments').first()).toBeVisible();
  await expect(page.getByText('Staff handbook')).toHaveCount(0);
  await page.getByRole('searchbox', { name: 'Search the knowledge base' }).fill('wifi password alarm code');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('[data-testid=search-result], [data-testid=search-none]').first()).toBeVisible();
  await expect(page.locator('[data-testid=search-result]').filter({ hasText: 'Staff handbook' })).toHaveCount(0);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/knowledge-client-phone.png', fullPage: true });
});

const ARCH = path.join(__dirname, '..', 'fixtures', 'arch.png');

test('files attached in a chat go with the message and are found in that chat only', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page, 'emma.clark@example.com');
  await page.goto('/chat');
  await hydrated(page);

  // Attach a text file and a picture with the paperclip's file input; each uploads at once.
  await page.locator('#composer-files').setInputFiles([
    {
      name: 'our-florist.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Petal & Stem, our florist, arrives at 2:30pm to build the flower arch.\n'),
    },
    { name: 'arch.png', mimeType: 'image/png', buffer: fs.readFileSync(ARCH) },
  ]);
  const tray = page.getByTestId('attachment-tray');
  await expect(tray.locator('li[data-state=ready]')).toHaveCount(2, { timeout: 20_000 });
  // A file of a type the chat does not take is refused in the tray, and blocks the send until removed.
  await page.locator('#composer-files').setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
  await expect(tray.locator('li[data-state=failed]')).toContainText('not supported');
  await page.getByLabel('Message', { exact: true }).fill('When does the florist arrive? [[call search_knowledge {"query": "florist arrives"}]]');
  await expect(page.getByRole('button', { name: 'Uploading…' })).toBeDisabled();
  await page.getByRole('button', { name: 'Remove setup.exe' }).click();
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL(/\/chat\/\d+$/);

  // The message shows its files: the picture inline, the document as a chip.
  const mine = page.locator('li[data-kind="user"]').last();
  await expect(mine.getByTestId('message-files')).toContainText('our-florist.txt');
  const picture = mine.getByRole('img', { name: 'arch.png' });
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
  await mine.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/chat-attachments-message.png' });

  // The assistant found the attachment by searching this chat, and cites it.
  const reply = page.locator('li[data-kind="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const chip = reply.getByTestId('citation-chip').filter({ hasText: 'florist' }).first();
  await expect(chip).toBeVisible();
  await chip.click();
  await expect(reply.locator('[data-testid=citation-panel]:not([hidden])')).toContainText('2:30pm');
  await page.screenshot({ path: 'test-results/chat-attachments.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/chat-attachments-phone.png', fullPage: true });

  // Outside that chat, the knowledge search does not find it.
  await page.goto('/knowledge');
  await hydrated(page);
  await page.getByRole('searchbox', { name: 'Search the knowledge base' }).fill('florist arrives flower arch');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('[data-testid=search-result], [data-testid=search-none]').first()).toBeVisible();
  await expect(page.locator('[data-testid=search-result]').filter({ hasText: 'Petal & Stem' })).toHaveCount(0);
});
