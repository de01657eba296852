import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../protocol';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import { terminalOnCanvas, typeIntoTerminal } from './canvas';

const PASSWORD = 'e2e-admin-password';

describe('launch xterm end to end: Chromium → noVNC → backend → agent → Xvnc', () => {
  let stack: StackProcess;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStackProcess({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('logs in, launches xterm, shows and types into the terminal, terminates it and leaves no Xvnc', {
    timeout: 180_000,
  }, async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const response = await page.goto(stack.url);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();

    await page.getByTestId('launch-xterm').click();
    const row = page.locator('[data-testid^="session-row-admin-xterm-"]');
    await row.waitFor();
    const name = ((await row.getAttribute('data-testid')) ?? '').replace('session-row-', '');
    expect(name).toMatch(/^admin-xterm-[0-9a-f]{8}$/);
    await page
      .locator(`[data-testid="session-row-${name}"][data-state="running"]`)
      .waitFor({ timeout: 30_000 });
    expect(xvncFor(name)).toHaveLength(1);

    const [viewer] = await Promise.all([
      context.waitForEvent('page'),
      page.getByTestId(`open-${name}`).click(),
    ]);
    await viewer
      .locator('[data-testid="viewer-status"][data-status="connected"]')
      .waitFor({ timeout: 30_000 });

    // Real pixels: the terminal's background fills the screen and its prompt is drawn in light text.
    const first = await terminalOnCanvas(viewer);
    expect(first.width).toBeGreaterThan(100);

    // Typing reaches the app: a long line of text lights up many more pixels.
    await typeIntoTerminal(viewer, first);
    await viewer.screenshot({ path: 'test-results/e2e-xterm-viewer.png' }).catch(() => {});
    await viewer.close();
    // The policy must not block anything the app itself does.
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);

    await page.getByTestId(`terminate-${name}`).click();
    await page.getByTestId(`terminate-dialog-${name}-confirm`).click();
    // The row shows terminated briefly before it leaves the list.
    await page
      .locator(`[data-testid="session-row-${name}"][data-state="terminated"]`)
      .waitFor({ timeout: 20_000 });
    await eventually(async () => xvncFor(name).length === 0, 20_000, 'Xvnc to exit');
    const { accessToken } = await createApiClient({ baseUrl: stack.url }).login({
      body: { username: 'admin', password: PASSWORD },
    });
    const api = createApiClient({ baseUrl: stack.url, token: () => accessToken });
    expect((await api.getSession({ params: { name } })).state).toBe('terminated');
    expect(xvncFor(name)).toEqual([]);
    await context.close();
  });
});
