import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import {
  onDisplay,
  openViewer,
  type ProbeSession,
  type ProbeStack,
  startProbeSession,
  typedBytes,
  type XDisplay,
} from './session-x';

/** The session's framebuffer as the viewer's canvas holds it (noVNC sizes it to the desktop). */
const canvasSize = (viewer: Page) =>
  viewer.evaluate(() => {
    const canvas = document.querySelector('[data-testid="viewer-screen"] canvas') as HTMLCanvasElement | null;
    const screen = document.querySelector('[data-testid="viewer-screen"]') as HTMLElement;
    const shown = canvas?.getBoundingClientRect();
    return {
      width: canvas?.width ?? 0,
      height: canvas?.height ?? 0,
      cssWidth: Math.round(shown?.width ?? 0),
      cssHeight: Math.round(shown?.height ?? 0),
      screenWidth: screen.clientWidth,
      screenHeight: screen.clientHeight,
    };
  });

/** The desktop size Xvnc itself reports. */
function hostSize(display: XDisplay): string {
  return /dimensions:\s+(\d+x\d+) pixels/.exec(onDisplay(display, 'xdpyinfo', []))?.[1] ?? '';
}

async function chooseScaling(viewer: Page, mode: 'fit' | 'remote' | 'actual'): Promise<void> {
  await viewer.getByTestId('viewer-display').click();
  await viewer.getByTestId(`viewer-scaling-${mode}`).check();
  await viewer.keyboard.press('Escape');
  await viewer.locator(`[data-testid="viewer-screen"][data-scaling="${mode}"]`).waitFor();
}

describe('viewer toolbar in Chromium: scaling, keys, view-only, screenshot, help', () => {
  let session: ProbeSession;
  let probe: ProbeStack;
  let browser: Browser;
  let name: string;
  let display: XDisplay;

  beforeAll(async () => {
    session = await startProbeSession();
    ({ probe, browser, name, display } = session);
  }, 180_000);
  afterAll(async () => {
    await session?.stop();
  }, 120_000);

  it('fits by default, resizes the remote desktop to the window in remote mode, and scrolls at 1:1', {
    timeout: 180_000,
  }, async () => {
    const context = await browser.newContext({
      viewport: { width: 1000, height: 700 },
      acceptDownloads: true,
    });
    const viewer = await openViewer(context, probe.stack.url, name);
    // Fit: the desktop keeps Xvnc's geometry and is scaled into the window.
    expect(await viewer.getByTestId('viewer-screen').getAttribute('data-scaling')).toBe('fit');
    await eventually(async () => (await canvasSize(viewer)).width === 1280, 20_000, 'the 1280 px desktop');
    expect(hostSize(display)).toBe('1280x800');
    const fitted = await canvasSize(viewer);
    expect(fitted.cssWidth).toBeLessThanOrEqual(fitted.screenWidth);

    // Remote: the session's desktop takes the window's size, in the page and on the host.
    await chooseScaling(viewer, 'remote');
    const screen = await canvasSize(viewer);
    expect(screen.screenWidth).toBe(1000);
    await eventually(
      async () => hostSize(display) === `${screen.screenWidth}x${screen.screenHeight}`,
      20_000,
      'Xvnc to take the window size',
    );
    await eventually(
      async () => (await canvasSize(viewer)).width === screen.screenWidth,
      20_000,
      'the canvas',
    );
    await viewer.setViewportSize({ width: 820, height: 560 });
    await eventually(async () => hostSize(display) === '820x560', 20_000, 'Xvnc to follow the window');
    await eventually(async () => (await canvasSize(viewer)).height === 560, 20_000, 'the canvas to follow');

    // Remembered for the template: the viewer opened again starts in remote mode.
    await viewer.reload();
    await viewer
      .locator('[data-testid="viewer-status"][data-status="connected"]')
      .waitFor({ timeout: 60_000 });
    await viewer.locator('[data-testid="viewer-screen"][data-scaling="remote"]').waitFor({ timeout: 10_000 });

    // 1:1: a desktop larger than the window is not scaled, and its screen scrolls.
    await chooseScaling(viewer, 'actual');
    await viewer.setViewportSize({ width: 600, height: 400 });
    await eventually(
      async () => {
        const s = await canvasSize(viewer);
        return s.width === 820 && s.cssWidth === 820 && s.screenWidth === 600;
      },
      20_000,
      'an unscaled desktop wider than the window',
    );
    expect(hostSize(display)).toBe('820x560');
    const scrolled = await viewer.evaluate(() => {
      const scroller = document.querySelector('[data-testid="viewer-screen"] > div') as HTMLElement;
      scroller.scrollLeft = 150;
      return { left: scroller.scrollLeft, overflow: scroller.scrollWidth - scroller.clientWidth };
    });
    expect(scrolled.left).toBe(150);
    expect(scrolled.overflow).toBeGreaterThanOrEqual(220);

    // Screenshot: a PNG at the desktop's own size.
    const [download] = await Promise.all([
      viewer.waitForEvent('download'),
      viewer.getByTestId('viewer-screenshot').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^Typing probe \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.png$/);
    const png = readFileSync(await download.path());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([820, 560]);
    await context.close();
  });

  it('asks for device pixels on a 2x screen, and shows them at CSS size', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 700, height: 500 }, deviceScaleFactor: 2 });
    const viewer = await openViewer(context, probe.stack.url, name);
    await chooseScaling(viewer, 'remote');
    await eventually(async () => hostSize(display) === '1400x1000', 20_000, 'Xvnc at twice the CSS size');
    await eventually(
      async () => {
        const s = await canvasSize(viewer);
        return s.width === 1400 && s.height === 1000 && s.cssWidth === 700 && s.cssHeight === 500;
      },
      20_000,
      'a 1400x1000 canvas shown at 700x500 CSS px',
    );
    await context.close();
  });

  it('sends Ctrl+Alt+Del and Ctrl+Alt+F1, drops input while view-only, and hides itself', {
    timeout: 120_000,
  }, async () => {
    const viewer = await openViewer(browser, probe.stack.url, name);
    const before = typedBytes(display).length;
    const typedSince = () => typedBytes(display).slice(before);

    await viewer.getByTestId('viewer-keys').click();
    await viewer.getByTestId('viewer-ctrl-alt-del').click();
    // xterm's Delete with Ctrl+Alt (modifier 7).
    await eventually(async () => typedSince().includes('\x1b[3;7~'), 15_000, 'Ctrl+Alt+Del in the app');
    await viewer.getByTestId('viewer-keys').click();
    await viewer.getByTestId('viewer-key-ctrl-alt-f1').click();
    // Ctrl+Alt (7), or with Shift too (8): Xvnc's keymap has XF86Switch_VT_1 on Ctrl+Alt+F1,
    // so it adds Shift to reach the F1 keysym it was sent.
    await eventually(
      async () => ['\x1b[1;7P', '\x1b[1;8P'].some((seq) => typedSince().includes(seq)),
      15_000,
      'Ctrl+Alt+F1 in the app',
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; the app got ${JSON.stringify(typedSince())}`);
    });

    // View-only: neither keys nor the toolbar's keys reach the session.
    await viewer.getByTestId('viewer-view-only').click();
    expect(await viewer.getByTestId('viewer-view-only').getAttribute('aria-pressed')).toBe('true');
    expect(await viewer.getByTestId('viewer-screen').getAttribute('data-view-only')).toBe('true');
    await viewer.getByTestId('viewer-screen').click();
    await viewer.keyboard.type('ignored', { delay: 5 });
    await viewer.getByTestId('viewer-keys').click();
    expect(await viewer.getByTestId('viewer-ctrl-alt-del').isDisabled()).toBe(true);
    await viewer.keyboard.press('Escape');
    await viewer.getByTestId('viewer-view-only').click();
    expect(await viewer.getByTestId('viewer-view-only').getAttribute('aria-pressed')).toBe('false');
    await viewer.getByTestId('viewer-screen').click();
    await viewer.keyboard.type('after', { delay: 5 });
    // Keys arrive in order, so what was typed while view-only would be in the file by now.
    await eventually(async () => typedSince().includes('after'), 15_000, 'keys after view-only');
    expect(typedSince()).not.toContain('ignored');

    // The toolbar hides itself while the pointer is over the desktop, and comes back at the top.
    await viewer.mouse.move(500, 400);
    await viewer.locator('[data-testid="viewer-bar"][data-visible="false"]').waitFor({ timeout: 15_000 });
    await viewer.mouse.move(500, 10);
    await viewer.locator('[data-testid="viewer-bar"][data-visible="true"]').waitFor({ timeout: 5_000 });
    await viewer.context().close();
  });

  it('opens the help with ? when the session does not have the keyboard, and closes it with Escape', {
    timeout: 120_000,
  }, async () => {
    const viewer = await openViewer(browser, probe.stack.url, name);
    const before = typedBytes(display).length;
    // With the keyboard in the session, ? is the session's.
    await viewer.getByTestId('viewer-screen').click();
    await viewer.keyboard.press('?');
    await eventually(async () => typedBytes(display).slice(before).includes('?'), 15_000, '? in the app');
    expect(await viewer.getByTestId('viewer-help').count()).toBe(0);

    // Elsewhere, it is the app's.
    await viewer.getByTestId('viewer-title').click();
    await viewer.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await viewer.keyboard.press('?');
    const help = viewer.getByTestId('viewer-help');
    await help.waitFor({ timeout: 5_000 });
    expect(await help.getAttribute('role')).toBe('dialog');
    expect(await help.textContent()).toContain('Ctrl+Alt+Del');
    await viewer.keyboard.press('Escape');
    await help.waitFor({ state: 'detached', timeout: 5_000 });
    // And from the toolbar.
    await viewer.getByTestId('viewer-help-button').click();
    await help.waitFor({ timeout: 5_000 });
    await viewer.getByTestId('viewer-help-close').click();
    await help.waitFor({ state: 'detached', timeout: 5_000 });
    await viewer.context().close();
  });
});
