import { expect, test, type Page } from '@playwright/test';
import { hydrated, logIn, upcoming } from './helpers';

// The embeddable chat: an owner makes a link for a client's agent and names the site that may
// show it. The widget chats there; another site cannot frame it; and its session is no login:
// the rest of Concierge stays closed to it.

// Other sites, as the browser sees them: `localhost` is not `127.0.0.1` (the tests' base URL), so
// these are other origins and other sites; they are loopback too, so Chromium's local-network
// checks let them frame a server on 127.0.0.1 as a public site may frame a public one.
const PARTNER = 'http://localhost:3000';
const STRANGER = 'http://localhost:3001';

/** A page on another site whose only content is the widget in an iframe (served by the browser's
 *  request interception: no second server needed). */
async function framedBy(page: Page, site: string, src: string): Promise<void> {
  await page.route(`${site}/wedding`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>Partner</title><h1>Our wedding</h1>
             <iframe id="chat" src="${src}" style="width:100%;height:600px;border:0" title="Chat"></iframe>`,
    }),
  );
  await page.goto(`${site}/wedding`);
}

test('an embed link opens its own chat only, framed only by the sites it names', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await logIn(page, 'olivia@harborhall.example');
  await upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await expect(page).toHaveURL(/\/events\/\d+/);
  const eventId = new URL(page.url()).pathname.split('/').pop()!;

  await page.goto('/settings/embed');
  await hydrated(page);
  const form = page.getByRole('form', { name: 'New link' });
  // An owner's own chat needs a link marked internal.
  await form.getByLabel("Member's email").fill('olivia@harborhall.example');
  await form.getByRole('combobox', { name: 'Agent' }).selectOption({ label: 'Venue agent' });
  await form.getByLabel('Name', { exact: true }).fill('Front desk');
  await form.getByRole('button', { name: 'Create link' }).click();
  await expect(form.getByText(/marked internal/)).toBeVisible();

  await form.getByLabel("Member's email").fill('emma.clark@example.com');
  await form.getByRole('combobox', { name: 'Agent' }).selectOption({ label: 'Client agent' });
  await form.getByLabel(/Event number/).fill(eventId);
  await form.getByLabel('Name', { exact: true }).fill('Wedding site');
  await form.getByLabel('Sites that may show it').fill(`${PARTNER}/wedding`);
  await form.getByRole('button', { name: 'Create link' }).click();
  await expect(form.getByText(/not a site address/)).toBeVisible();
  await form.getByLabel('Sites that may show it').fill(PARTNER);
  await form.getByRole('button', { name: 'Create link' }).click();
  const snippet = form.getByTestId('embed-snippet');
  await expect(snippet).toBeVisible();
  await expect(page.getByTestId('embed-origins').first()).toHaveText(`Shown on ${PARTNER}`);
  await page.screenshot({ path: 'test-results/embed-settings.png', fullPage: true });
  const src = (await snippet.locator('code').innerText()).match(/src="([^"]+)"/)![1];

  // A visitor (no login) on the partner's page sees the chat, framed.
  const visitor = await browser.newContext();
  const guest = await visitor.newPage();
  await framedBy(guest, PARTNER, src);
  const chat = guest.frameLocator('#chat');
  await expect(chat.getByTestId('embed')).toBeVisible();
  await expect(chat.getByRole('heading', { name: 'Client agent' })).toBeVisible();
  await guest.screenshot({ path: 'test-results/embed-partner.png', fullPage: true });

  // Another site cannot frame it: the browser refuses (frame-ancestors).
  const stranger = await visitor.newPage();
  await framedBy(stranger, STRANGER, src);
  await expect(stranger.frameLocator('#chat').getByTestId('embed')).toHaveCount(0);

  // Opened as a page of its own, the link chats with Emma's client agent...
  const own = await visitor.newPage();
  await own.goto(src);
  await hydrated(own);
  await own.getByLabel('Message', { exact: true }).fill('When is the tasting?');
  await own.keyboard.press('Enter');
  const reply = own.locator('li[data-kind="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(reply).toContainText('When is the tasting?');
  await own.setViewportSize({ width: 390, height: 844 });
  await own.screenshot({ path: 'test-results/embed-phone.png', fullPage: true });

  // ...and nothing else: its session is no login.
  for (const path of [`/events/${eventId}`, '/chat', '/settings/embed']) {
    await own.goto(path);
    await expect(own.getByText('Emma Clark')).toHaveCount(0);
    await expect(own.getByRole('link', { name: 'Log in' }).first()).toBeVisible();
  }
  await visitor.close();

  // Revoked, the link opens nothing.
  await page.reload();
  await hydrated(page);
  await page.getByRole('button', { name: 'Revoke' }).first().click();
  await expect(page.getByText('revoked').first()).toBeVisible();
  const after = await browser.newContext();
  const late = await after.newPage();
  await late.goto(src);
  await expect(late.getByText('This chat needs a valid link or a login.')).toBeVisible();
  await after.close();
});
