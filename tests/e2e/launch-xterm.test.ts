import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../protocol';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';
import { type StackProcess, startStackProcess } from '../support/stack-process';

const PASSWORD = 'e2e-admin-password';

/** Reads the noVNC canvas and summarises what is on it. */
async function canvasStats(page: Page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="viewer-screen"] canvas') as HTMLCanvasElement | null;
    if (!canvas || canvas.width === 0) return null;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let background = 0;
    let bright = 0;
    const pixels = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      // The xterm template paints #101418 with #e6e6e6 text.
      if (Math.abs(r - 0x10) < 6 && Math.abs(g - 0x14) < 6 && Math.abs(b - 0x18) < 6) background++;
      if (r > 180 && g > 180 && b > 180) bright++;
    }
    return { width: canvas.width, height: canvas.height, pixels, background, bright };
  });
}

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
    const first = await eventually(
      async () => {
        const s = await canvasStats(viewer);
        return s && s.background > s.pixels * 0.2 && s.bright > 30 ? s : null;
      },
      20_000,
      'the terminal on the canvas',
    );
    expect(first.width).toBeGreaterThan(100);

    // Typing reaches the app: a long line of text lights up many more pixels.
    await viewer.getByTestId('viewer-screen').click();
    await viewer.keyboard.type(`echo ${'W'.repeat(60)}`, { delay: 5 });
    await viewer.keyboard.press('Enter');
    await eventually(
      async () => {
        const s = await canvasStats(viewer);
        return s && s.bright > first.bright + 400 ? s : null;
      },
      20_000,
      'typed text on the canvas',
    );
    await viewer.screenshot({ path: 'test-results/e2e-xterm-viewer.png' }).catch(() => {});
    await viewer.close();
    // The policy must not block anything the app itself does.
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);

    await page.getByTestId(`terminate-${name}`).click();
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
