import { test, expect, type Page } from '@playwright/test';
import { hydrated, logIn, upcoming } from './helpers';

// The scripted model (make test runs the browser tests with it) calls the tools its message
// names: `[[call NAME {json}]]`.

// Sam's event agent on Emma & Daniel's wedding, in a new conversation: the event's id and the panel.
async function samsEventAgent(page: Page) {
  await logIn(page, 'sam@harborhall.example');
  await upcoming(page).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await expect(page).toHaveURL(/\/events\/\d+/);
  const eventId = new URL(page.url()).pathname.split('/').pop();
  await page.goto(`/events/${eventId}?tab=agent`);
  await hydrated(page);
  const panel = page.getByTestId('agent-panel-venue_event');
  await panel.getByRole('button', { name: 'New conversation' }).click();
  return { eventId, panel };
}

test('a client asks for an element change, staff approve it in the queue, the client sees it', async ({ browser }) => {
  const client = await browser.newPage();
  await logIn(client, 'emma.clark@example.com');
  await upcoming(client).getByRole('link', { name: /Emma & Daniel's Wedding/ }).click();
  await expect(client).toHaveURL(/\/my\/events\/\d+/);
  const eventPath = new URL(client.url()).pathname;

  // An element of the plan and its quantity, from the Plan tab.
  await client.goto(`${eventPath}?tab=elements`);
  const row = client.locator('tr[data-element-id]').first();
  const elementId = Number(await row.getAttribute('data-element-id'));
  const quantity = Number(await row.getAttribute('data-quantity'));
  const want = quantity + 5;

  await client.goto(`${eventPath}?tab=assistant`);
  await hydrated(client);
  const panel = client.getByTestId('agent-panel-client');
  await panel.getByRole('button', { name: 'New conversation' }).click();
  await expect(panel.getByRole('list', { name: 'Starter prompts' })).toBeVisible();
  await panel.getByRole('textbox', { name: 'Message' }).fill(
    `Five more please [[call request_element_change {"action": "change_quantity", "element_id": ${elementId}, "quantity": ${want}, "note": "five more friends"}]]`,
  );
  await panel.getByRole('textbox', { name: 'Message' }).press('Enter');
  const card = panel.locator('li[data-kind="tool_call"]');
  await expect(card).toHaveAttribute('data-status', 'awaiting_approval');
  await expect(card.getByTestId('approval-card')).toContainText('Change the quantity of');
  await expect(card.getByTestId('approval-card')).toContainText(String(want));
  await expect(card.getByTestId('approval-state')).toHaveText("Waiting for the venue's approval.");
  await client.screenshot({ path: 'test-results/agents-client-waiting.png', fullPage: true });

  // Staff approve it from the queue.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await logIn(staff, 'sam@harborhall.example');
  await staff.getByRole('link', { name: 'Approvals' }).click();
  await expect(staff).toHaveURL(/\/approvals$/);
  await hydrated(staff);
  const request = staff.getByTestId('approval-request').filter({ hasText: 'Change the quantity of' }).first();
  await expect(request).toContainText('Emma Clark');
  await expect(request).toContainText(String(want));
  await request.getByPlaceholder('Note to the client (optional)').fill('See you there!');
  await staff.screenshot({ path: 'test-results/agents-queue.png', fullPage: true });
  await request.getByRole('button', { name: 'Approve' }).click();
  await expect(staff.getByTestId('decision').first()).toContainText('Approved by Sam Okafor: See you there!');

  // The element changed.
  const eventId = eventPath.split('/').pop();
  await staff.goto(`/events/${eventId}?tab=elements`);
  await expect(staff.locator(`tr[data-element-id="${elementId}"]`)).toHaveAttribute('data-quantity', String(want));

  // The client's chat shows the decision and the agent's follow-up, without a reload.
  await expect(card).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  await expect(card.getByTestId('approval-state')).toContainText('Approved by Sam Okafor');
  await expect(panel.locator('li[data-kind="assistant"][data-status="done"]').last()).toContainText('"applied":"Change the quantity of');
  await client.screenshot({ path: 'test-results/agents-client-approved.png', fullPage: true });
  await staffContext.close();
});

test('staff approve an action of their own event agent in the chat', async ({ page }) => {
  const { eventId, panel } = await samsEventAgent(page);
  const title = `Confirm florist ${Date.now()}`;
  await panel.getByRole('textbox', { name: 'Message' }).fill(`[[call create_task {"title": "${title}", "due_date": "2030-03-01"}]]`);
  await panel.getByRole('textbox', { name: 'Message' }).press('Enter');
  const card = panel.locator('li[data-kind="tool_call"]').last();
  await expect(card).toHaveAttribute('data-status', 'awaiting_approval');
  await expect(card.getByTestId('approval-card')).toContainText(title);
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toHaveAttribute('data-status', 'done');
  await expect(panel.locator('li[data-kind="assistant"][data-status="done"]').last()).toContainText('Here is what the tools said');
  await page.goto(`/events/${eventId}?tab=tasks`);
  await expect(page.getByText(title)).toBeVisible();
});

test('staff order a deliverable from the event agent, confirm it, and open it in the studio', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { panel } = await samsEventAgent(page);
  const brief = `Ceremony at four, dinner at six ${Date.now()}`;
  await panel.getByRole('textbox', { name: 'Message' }).fill(
    `Get a run-of-show drafted for this one [[call order_deliverable {"specialist": "Timeline Planner", "brief": "${brief}", "priority": "high"}]]`,
  );
  await panel.getByRole('textbox', { name: 'Message' }).press('Enter');
  const card = panel.locator('li[data-kind="tool_call"]').last();
  await expect(card).toHaveAttribute('data-status', 'awaiting_approval');
  const approval = card.getByTestId('approval-card');
  await expect(approval).toContainText('Order from the Timeline Planner');
  await expect(approval).toContainText("Emma & Daniel's Wedding");
  await expect(approval).toContainText(brief);
  await page.screenshot({ path: 'test-results/agents-order-card.png', fullPage: true });
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toHaveAttribute('data-status', 'done');
  const link = card.getByTestId('order-link');
  await expect(link).toBeVisible();
  await page.screenshot({ path: 'test-results/agents-order-done.png', fullPage: true });
  await link.click();
  await expect(page).toHaveURL(/\/studio\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Timeline Planner');
  await expect(page.locator('p', { hasText: brief }).first()).toBeVisible();
});
