import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// Outside tools: an owner connects the test's MCP server (tests/sdk/mcp_server.py, the official
// Python SDK; the e2e server allows 127.0.0.1 through CONCIERGE_OUTBOUND_ALLOW), sees its tools
// listed, one refused for its schema, turns one on for the venue agent, and the venue agent's
// staff can then use it.

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

async function startMcp(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const script = resolve(__dirname, '../../tests/sdk/mcp_server.py');
  const child = spawn('python3', [script], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/mcp`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url, { method: 'POST', body: '{}' });
      if (r.status === 401) return { child, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the MCP server did not start');
}

test('an owner connects an MCP server and turns a tool on for an agent', async ({ page }) => {
  const mcp = await startMcp();
  try {
    await logIn(page, 'olivia@harborhall.example');
    await page.goto('/settings/tools');
    await hydrated(page);
    const form = page.getByRole('form', { name: 'Connect a server' });
    await form.getByRole('textbox', { name: /^Name/ }).fill('weather');
    await form.getByLabel('Address (Streamable HTTP)').fill('http://10.0.0.7/mcp');
    await form.getByRole('button', { name: 'Connect and list tools' }).click();
    await expect(form.getByText('private or local network')).toBeVisible();

    await form.getByLabel('Address (Streamable HTTP)').fill(mcp.url);
    await form.getByLabel('Headers (optional, one a line)').fill('Authorization: Bearer test-token');
    await form.getByRole('button', { name: 'Connect and list tools' }).click();
    const server = page.getByTestId('mcp-server').filter({ hasText: 'weather' });
    await expect(server).toContainText('headers: Authorization');
    await expect(server).not.toContainText('test-token');
    const forecast = server.getByTestId('mcp-tool').filter({ hasText: 'get_forecast' });
    await expect(forecast).toContainText('weather__get_forecast');
    await expect(forecast).toContainText('Off');
    await expect(server.getByTestId('mcp-tool').filter({ hasText: 'bad_schema' })).toContainText('Cannot be turned on');

    await forecast.getByLabel('Venue agent').check();
    await forecast.getByLabel('Approval').selectOption('auto');
    await forecast.getByRole('button', { name: 'Save' }).click();
    await expect(forecast.getByRole('status')).toHaveText('Saved');
    await expect(forecast).toContainText('On');

    // Read again from the server: the setting stayed.
    await page.reload();
    await hydrated(page);
    const again = page.getByTestId('mcp-tool').filter({ hasText: 'get_forecast' });
    await expect(again.getByLabel('Venue agent')).toBeChecked();
    await expect(again.getByLabel('Approval')).toHaveValue('auto');

    await page.getByRole('button', { name: 'List tools again' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'weather lists' })).toBeVisible();

    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect(page.getByText('No servers connected yet.')).toBeVisible();
  } finally {
    mcp.child.kill();
  }
});
