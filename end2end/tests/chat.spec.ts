import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { hydrated, logIn } from './helpers';

// The e2e server runs with the scripted model as default (CONCIERGE_SCRIPTED_MODEL, a pause
// between words, see the Makefile) so replies are predictable, and with the embedded model too.

async function newChat(page: Page, text: string): Promise<void> {
  await page.goto('/chat');
  await hydrated(page);
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/chat\/\d+$/);
}

function lastReply(page: Page) {
  return page.locator('li[data-kind="assistant"]').last();
}

test('a message streams in, renders markdown safely and gets a title', async ({ page }) => {
  await logIn(page, 'sam@harborhall.example');
  await newChat(page, 'Hello from the browser <script>window.pwned=1</script>');
  await expect(page.locator('li[data-kind="user"]').first()).toContainText('Hello from the browser');
  const reply = lastReply(page);
  await expect(reply).toContainText('You asked:', { timeout: 15_000 });
  await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(reply.locator('.markdown table')).toBeVisible();
  await expect(reply.locator('.markdown .code-block button', { hasText: 'Copy' })).toBeVisible();
  await expect(reply.getByTestId('reply-meta')).toContainText(/\d+ in · \d+ out tokens/);
  // The script tag is text, never markup.
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(page.getByTestId('thread-title')).toHaveText(/^Chat about Hello from the/, { timeout: 10_000 });
  await expect(page.getByTestId('thread-list')).toContainText('Chat about Hello from the');
});

test('a reply survives a reload mid-stream, and Stop keeps what was written', async ({ page }) => {
  await logIn(page, 'priya@harborhall.example');
  await newChat(page, 'Write me a long reply please');
  const reply = lastReply(page);
  await expect(reply).toContainText('word word', { timeout: 15_000 });
  await page.reload();
  await hydrated(page);
  const afterReload = (await lastReply(page).locator('.markdown').innerText()).length;
  expect(afterReload).toBeGreaterThan(20);
  // It keeps growing after the reload: the page picked up the live stream.
  await expect
    .poll(async () => (await lastReply(page).locator('.markdown').innerText()).length, { timeout: 15_000 })
    .toBeGreaterThan(afterReload + 20);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(lastReply(page)).toHaveAttribute('data-status', 'stopped', { timeout: 10_000 });
  await expect(lastReply(page)).toContainText('Stopped.');
  const stopped = await lastReply(page).locator('.markdown').innerText();
  await page.waitForTimeout(800);
  expect(await lastReply(page).locator('.markdown').innerText()).toBe(stopped);
  // And after another reload the partial text is still there.
  await page.reload();
  await hydrated(page);
  await expect(lastReply(page)).toHaveAttribute('data-status', 'stopped');
  expect((await lastReply(page).locator('.markdown').innerText()).length).toBeGreaterThanOrEqual(stopped.length - 5);
});

test('regenerate makes a second version, and the first stays reachable', async ({ page }) => {
  await logIn(page, 'marco@harborhall.example');
  await newChat(page, 'Suggest a theme');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const firstId = await lastReply(page).getAttribute('data-item-id');
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(lastReply(page)).not.toHaveAttribute('data-item-id', firstId ?? '', { timeout: 10_000 });
  await expect(lastReply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(lastReply(page).getByTestId('version')).toHaveText('2 / 2');
  await lastReply(page).getByRole('button', { name: 'Previous version' }).click();
  await expect(lastReply(page)).toHaveAttribute('data-item-id', firstId ?? '');
  await expect(lastReply(page).getByTestId('version')).toHaveText('1 / 2');
});

test('search finds a chat by a word in it', async ({ page }) => {
  await logIn(page, 'olivia@harborhall.example');
  await newChat(page, 'Is lobster bisque possible for the tasting?');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const url = page.url();
  await page.goto('/chat');
  await hydrated(page);
  await page.getByLabel('Search chats').fill('bisq');
  const results = page.getByTestId('search-results');
  await expect(results).toContainText('bisque');
  await results.getByRole('link').first().click();
  await expect(page).toHaveURL(url);
});

test('switching to the embedded model gets a real reply from it', async ({ page }) => {
  test.setTimeout(240_000);
  await logIn(page, 'emma.clark@example.com');
  await newChat(page, 'Hi there');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const picker = page.getByTestId('model-picker');
  await picker.selectOption('embedded/smollm2-135m-instruct');
  await expect(picker).toHaveValue('embedded/smollm2-135m-instruct');
  await page.getByLabel('Message', { exact: true }).fill('Say hello in one short sentence.');
  await page.keyboard.press('Enter');
  await expect(page.locator('li[data-kind="assistant"]')).toHaveCount(2);
  await expect(lastReply(page)).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  await expect(lastReply(page).getByTestId('reply-meta')).toContainText('smollm2');
  expect((await lastReply(page).locator('.markdown').innerText()).trim().length).toBeGreaterThan(0);
  // The choice sticks to the thread.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('model-picker')).toHaveValue('embedded/smollm2-135m-instruct');
});

test('a chat can be renamed and deleted', async ({ page }) => {
  await logIn(page, 'james.wu@example.com');
  await newChat(page, 'Parking for the reunion');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const id = page.url().split('/').pop();
  const row = page.locator(`li[data-thread-id="${id}"]`);
  // The generated title arrives just after the reply (and refreshes the list): wait for it.
  await expect(row).toContainText('Chat about Parking for the reunion');
  await row.getByRole('button', { name: /^Actions for/ }).click();
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  const input = row.getByLabel('Chat title');
  await input.fill('Reunion parking');
  await input.press('Enter');
  await expect(row).toContainText('Reunion parking');
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('thread-title')).toHaveText('Reunion parking');

  await row.getByRole('button', { name: /^Actions for/ }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.locator(`li[data-thread-id="${id}"]`)).toHaveCount(0);
  const res = await page.request.post('/api/open_chat', { form: { thread_id: id ?? '' }, headers: { accept: 'application/json' } });
  expect(res.status()).toBe(404);
});

test('a reply can be rated with a comment, and the chat exported', async ({ page }) => {
  await logIn(page, 'marco@harborhall.example');
  await newChat(page, 'Rate this one please');
  const reply = lastReply(page);
  await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const bad = reply.getByRole('button', { name: 'Bad reply' });
  await bad.click();
  await expect(bad).toHaveAttribute('aria-pressed', 'true');
  await reply.getByPlaceholder('What went wrong? (optional)').fill('It missed the point');
  await reply.getByRole('button', { name: 'Send' }).click();
  await expect(reply.getByRole('status').filter({ hasText: 'Thanks for the feedback.' })).toBeVisible();
  // Stored: the rating is there after a reload.
  await page.reload();
  await hydrated(page);
  await expect(lastReply(page).getByRole('button', { name: 'Bad reply' })).toHaveAttribute('aria-pressed', 'true');
  await expect(lastReply(page).getByRole('button', { name: 'Good reply' })).toHaveAttribute('aria-pressed', 'false');

  // The thread's menu downloads it as Markdown.
  await expect(page.getByTestId('thread-title')).toHaveText(/^Chat about Rate this/, { timeout: 10_000 });
  // The newest thread is listed first (a retry or an earlier run may have left one like it).
  await page.getByRole('button', { name: /^Actions for Chat about Rate this/ }).first().click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'Export as Markdown' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^concierge-chat-\d+\.md$/);
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text).toContain('## You');
  expect(text).toContain('Rate this one please');
});
