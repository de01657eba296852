import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient, isActive } from '../../protocol';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import { seriousViolations, tabOrder } from './axe';

const PASSWORD = 'a11y-admin-password';

async function signedInApi(url: string): Promise<ApiClient> {
  const { accessToken } = await createApiClient({ baseUrl: url }).login({
    body: { username: 'admin', password: PASSWORD },
  });
  return createApiClient({ baseUrl: url, token: () => accessToken });
}

/** Fails with axe's own words, so the report says what to fix and where. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const problems = await seriousViolations(page);
  expect(problems, `${what}:\n${JSON.stringify(problems, null, 2)}`).toEqual([]);
}

describe('accessibility of every page, against the real stack in Chromium', () => {
  let stack: StackProcess;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStackProcess({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (stack && stack.child.exitCode === null) {
      const api = await signedInApi(stack.url);
      const { sessions } = await api.listSessions({ query: { all: 'true' } });
      for (const s of sessions)
        if (isActive(s.state)) await api.terminateSession({ params: { name: s.name } });
      await eventually(
        async () => sessions.every((s) => xvncFor(s.name).length === 0),
        30_000,
        'every Xvnc to exit',
      );
    }
    await stack?.stop();
  });

  it('login, sessions and catalog, admin and viewer pages have no serious or critical axe violations, and their actions are reachable by keyboard', {
    timeout: 300_000,
  }, async () => {
    // Without motion, axe measures what stays on screen, not a toast halfway through fading in.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    await page.goto(stack.url);
    await page.getByTestId('login-username').waitFor();
    await expectAccessible(page, 'login page');

    // Signed in by keyboard alone.
    await page.getByTestId('login-username').focus();
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('launch-xterm').waitFor();

    // Launched by keyboard too: focus the card's button and press Enter.
    await page.getByTestId('launch-xterm').focus();
    await page.keyboard.press('Enter');
    const row = page.locator('[data-testid^="session-row-admin-xterm-"]');
    await row.waitFor();
    const name = ((await row.getAttribute('data-testid')) ?? '').replace('session-row-', '');
    await page
      .locator(`[data-testid="session-row-${name}"][data-state="running"]`)
      .waitFor({ timeout: 60_000 });
    await expectAccessible(page, 'sessions and catalog page');

    const reachable = await tabOrder(page, 200);
    for (const action of ['nav-admin', 'logout', 'launch-xterm', `open-${name}`]) {
      expect(reachable, `Tab reaches ${action}`).toContain(action);
    }

    for (const tab of ['agents', 'users', 'audit']) {
      await page.goto(`${stack.url}/#/admin/${tab}`);
      await page.getByTestId('admin-screen').waitFor();
      await page.locator('.admin-table, .empty').first().waitFor({ timeout: 30_000 });
      await expectAccessible(page, `admin page: ${tab}`);
    }
    const adminKeys = await tabOrder(page, 200);
    for (const action of ['admin-tab-agents', 'admin-tab-users', 'audit-action', 'audit-apply']) {
      expect(adminKeys, `Tab reaches ${action}`).toContain(action);
    }

    // Opened as a person would, from the session's row: the viewer is its own window.
    await page.goto(`${stack.url}/#/`);
    const [viewer] = await Promise.all([
      context.waitForEvent('page'),
      page.getByTestId(`open-${name}`).click(),
    ]);
    await viewer
      .locator('[data-testid="viewer-status"][data-status="connected"]')
      .waitFor({ timeout: 60_000 });
    await expectAccessible(viewer, 'viewer page');
    await context.close();
  });
});
