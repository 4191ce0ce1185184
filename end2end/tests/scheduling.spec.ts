import { test, expect, type Page } from '@playwright/test';
import { hydrated, logIn } from './helpers';

/** Picks the first day from the `from`-th on with free times and clicks its first time;
 * returns the time's label. */
async function firstFreeSlot(page: Page, from = 0, scope = page.locator('body')): Promise<string> {
  const days = scope.getByTestId('day');
  for (let i = from; i < from + 12; i++) {
    await days.nth(i).click();
    await expect(scope.getByText(/Nothing free that day|The venue is in/).first()).toBeVisible();
    if ((await scope.getByTestId('slot').count()) > 0) {
      const slot = scope.getByTestId('slot').first();
      const label = (await slot.textContent())!.trim();
      await slot.click();
      return label;
    }
  }
  throw new Error('no free time in the next 12 days');
}

/** The SEQUENCE of appointment `id`'s VEVENT in a feed (its UID is stable). */
async function feedSequence(page: Page, url: string, id: string): Promise<number> {
  const res = await page.request.get(url);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('text/calendar');
  const body = await res.text();
  const events = body.split('BEGIN:VEVENT').slice(1).filter((e) => e.includes(`\r\nUID:appointment-${id}@`));
  expect(events).toHaveLength(1);
  return Number(/\r\nSEQUENCE:(\d+)\r\n/.exec(events[0])![1]);
}

test('a client books a tasting, staff see it on the calendar, the client reschedules, the feed follows', async ({ browser }) => {
  // Emma books a tasting.
  const emma = await (await browser.newContext()).newPage();
  await logIn(emma, 'emma.clark@example.com');
  await emma.goto('/book');
  await hydrated(emma);
  await emma.getByTestId('appointment-type').filter({ hasText: 'Menu tasting' }).click();
  // Five days ahead, well past the two days' notice, so its first time is the 10:00 opening and
  // an hour later is still inside Priya's hours whatever the time of day the test runs.
  const time = await firstFreeSlot(emma, 4);
  await emma.getByRole('button', { name: 'Book it' }).click();
  await expect(emma.getByTestId('booked')).toContainText(time);
  const row = emma.getByTestId('my-appointments').locator('li[data-status="booked"]').first();
  await expect(row).toContainText('Menu tasting');
  const id = await row.getAttribute('data-appointment-id');

  // She subscribes to her calendar feed.
  const feeds = emma.getByTestId('calendar-feeds');
  await feeds.getByRole('button', { name: /^(Get link|New link)$/ }).first().click();
  const url = await feeds.getByTestId('feed-url').inputValue();
  expect(url).toMatch(/\/calendar\/feed\/[0-9a-f]{64}\.ics$/);
  expect(await feedSequence(emma, url, id!)).toBe(0);

  // Sam finds it on the week calendar and opens it.
  const sam = await (await browser.newContext()).newPage();
  await logIn(sam, 'sam@harborhall.example');
  await sam.getByRole('link', { name: 'Calendar', exact: true }).click();
  await expect(sam).toHaveURL(/\/calendar$/);
  await hydrated(sam);
  const grid = sam.getByTestId('week-grid');
  const block = grid.locator(`[data-testid="calendar-appointment"][data-appointment-id="${id}"]`);
  for (let i = 0; i < 5 && (await block.count()) === 0; i++) {
    await expect(sam.getByTestId('week-label')).not.toBeEmpty();
    await sam.getByRole('button', { name: 'Next week' }).click();
    await sam.waitForTimeout(300);
    await expect(grid).toBeVisible();
  }
  await expect(block).toBeVisible();
  await expect(block).toContainText('Menu tasting');
  await expect(block).toContainText('Emma Clark');
  await sam.screenshot({ path: 'test-results/calendar-week.png', fullPage: true });
  await block.click();
  const drawer = sam.getByTestId('drawer');
  await expect(drawer.getByTestId('appointment-detail')).toContainText('Emma Clark');
  await expect(drawer.getByTestId('appointment-detail')).toContainText('Priya Natarajan, Tasting kitchen');
  await sam.screenshot({ path: 'test-results/calendar-drawer.png' });
  await drawer.getByRole('button', { name: 'Close' }).click();
  await expect(drawer).toHaveCount(0);

  // Sam drags it an hour later on the same day: the feed's SEQUENCE goes up.
  const label = (await block.textContent())!;
  const column = block.locator('xpath=..');
  const b = (await block.boundingBox())!;
  const c = (await column.boundingBox())!;
  await block.dragTo(column, { targetPosition: { x: b.x - c.x + 10, y: b.y - c.y + b.height / 2 + 60 * 0.8 } });
  await expect(block).not.toHaveText(label);
  expect(await feedSequence(emma, url, id!)).toBe(1);

  // Emma moves it to another day.
  await emma.reload();
  await hydrated(emma);
  const mine = emma.getByTestId('my-appointments').locator(`li[data-appointment-id="${id}"]`);
  const before = await mine.getByTestId('when').textContent();
  await mine.getByRole('button', { name: 'Reschedule' }).click();
  const picker = mine.getByTestId('reschedule');
  // A later day than the booked one (the first with free times from nine days ahead).
  await firstFreeSlot(emma, 8, picker);
  await mine.getByLabel('Reason for the change').fill('Daniel is travelling that day');
  await mine.getByRole('button', { name: /^Move to / }).click();
  await expect(emma.getByTestId('my-appointments').locator(`li[data-appointment-id="${id}"]`).getByTestId('when')).not.toHaveText(before!);
  await emma.screenshot({ path: 'test-results/book-rescheduled.png', fullPage: true });

  // The feed shows the change: SEQUENCE one more.
  expect(await feedSequence(emma, url, id!)).toBe(2);
});

test('the calendar is a list of days on a phone', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await logIn(page, 'sam@harborhall.example');
  await page.goto('/calendar');
  await hydrated(page);
  await expect(page.getByTestId('week-list')).toBeVisible();
  await expect(page.getByTestId('week-grid')).toBeHidden();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: 'test-results/calendar-phone.png', fullPage: true });
});
