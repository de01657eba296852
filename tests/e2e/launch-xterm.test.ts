import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';
import { signedInApi } from '../support/session-api';
import { useStackWithChromium } from '../support/stack-with-chromium';
import { terminalOnCanvas, typeIntoTerminal } from './canvas';
import { newRowName, openConnectedViewer, rowInState, submitSignIn } from './steps';

const PASSWORD = 'e2e-admin-password';

describe('launch xterm end to end: Chromium → noVNC → backend → agent → Xvnc', () => {
  const harness = useStackWithChromium({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD });

  it('logs in, launches xterm, shows and types into the terminal, terminates it and leaves no Xvnc', {
    timeout: 180_000,
  }, async () => {
    const { stack, browser } = harness;
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const response = await page.goto(stack.url);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await submitSignIn(page, PASSWORD);

    await page.getByTestId('launch-xterm').click();
    const name = await newRowName(page);
    expect(name).toMatch(/^admin-xterm-[0-9a-f]{8}$/);
    await rowInState(page, name, 'running', 30_000);
    expect(xvncFor(name)).toHaveLength(1);

    const viewer = await openConnectedViewer(context, page, name);

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
    await rowInState(page, name, 'terminated', 20_000);
    await eventually(async () => xvncFor(name).length === 0, 20_000, 'Xvnc to exit');
    const { api } = await signedInApi(stack.url, PASSWORD);
    expect((await api.getSession({ params: { name } })).state).toBe('terminated');
    expect(xvncFor(name)).toEqual([]);
    await context.close();
  });
});
