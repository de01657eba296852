import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { endEverySession, signedInApi } from '../support/session-api';
import { useStackWithChromium } from '../support/stack-with-chromium';
import { seriousViolations, tabOrder } from './axe';
import { newRowName, openConnectedViewer, rowInState } from './steps';

const PASSWORD = 'a11y-admin-password';

/** Fails with axe's own words, so the report says what to fix and where. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const problems = await seriousViolations(page);
  expect(problems, `${what}:\n${JSON.stringify(problems, null, 2)}`).toEqual([]);
}

describe('accessibility of every page, against the real stack in Chromium', () => {
  const harness = useStackWithChromium({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD }, async (stack) =>
    endEverySession((await signedInApi(stack.url, PASSWORD)).api),
  );

  it('login, sessions and catalog, admin and viewer pages have no serious or critical axe violations, and their actions are reachable by keyboard', {
    timeout: 300_000,
  }, async () => {
    const { stack, browser } = harness;
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
    const name = await newRowName(page);
    await rowInState(page, name, 'running', 60_000);
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
    const viewer = await openConnectedViewer(context, page, name, 60_000);
    await expectAccessible(viewer, 'viewer page');
    await context.close();
  });
});
