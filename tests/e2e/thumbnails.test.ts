import { type ChildProcess, spawn } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiPath, joinUrl, routes, THUMBNAIL_MAX_BYTES } from '../../protocol';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { type KubeStack, startKubeStack } from '../support/kube-stack';
import { endEverySession, launchRunning, sessionReaches, signedInApi } from '../support/session-api';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import { sessionDisplay } from './session-x';
import { launchFromDashboard, signIn } from './steps';

const PASSWORD = 'e2e-admin-password';

/** The thumbnail as the page shows it: its size and the mean of each colour channel. */
function shownThumbnail(page: Page, name: string) {
  return page.evaluate(async (testId) => {
    const img = document.querySelector<HTMLImageElement>(`[data-testid="${testId}"]`);
    if (!img?.complete || img.naturalWidth === 0) return null;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const sums = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4)
      for (let c = 0; c < 3; c++) sums[c] = (sums[c] ?? 0) + (data[i + c] ?? 0);
    const n = data.length / 4;
    return {
      src: img.src,
      width: img.naturalWidth,
      height: img.naturalHeight,
      mean: sums.map((s) => s / n) as [number, number, number],
    };
  }, `thumbnail-img-${name}`);
}

describe('dashboard thumbnails end to end: Chromium → backend → agent → Xvnc', () => {
  let stack: StackProcess;
  let browser: Browser;
  let api: ApiClient;
  const painters: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startStackProcess({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD });
    browser = await launchChromium();
    ({ api } = await signedInApi(stack.url, PASSWORD));
  }, 120_000);

  afterAll(async () => {
    for (const p of painters) if (p.exitCode === null) p.kill('SIGKILL');
    await browser?.close();
    if (stack && stack.child.exitCode === null) await endEverySession(api, { tolerant: true });
    await stack?.stop();
  }, 60_000);

  it('shows a running session’s screen in its row and follows it when the screen changes', {
    timeout: 180_000,
  }, async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const viewerSockets: string[] = [];
    page.on('websocket', (ws) => {
      if (ws.url().includes('/vnc')) viewerSockets.push(ws.url());
    });
    await signIn(page, stack.url, PASSWORD);
    const name = await launchFromDashboard(page);
    // Launching from a card lower down scrolls the page; a row out of view asks for no picture.
    await page.getByTestId(`session-row-${name}`).scrollIntoViewIfNeeded();

    const first = await eventually(() => shownThumbnail(page, name), 60_000, 'the first thumbnail');
    expect(first.src).toMatch(/^blob:/);
    expect(first.width).toBe(320);
    expect(first.height).toBeGreaterThan(100);
    expect(await page.getByTestId(`thumbnail-img-${name}`).getAttribute('alt')).toMatch(/^Screen of /);

    // Solid red over the whole display: the row's picture must turn red by itself.
    const display = await sessionDisplay(name);
    const painter = spawn('xterm', ['-geometry', '400x200+0+0', '-bg', '#ff0000', '-fg', '#ff0000'], {
      env: { ...process.env, DISPLAY: display.DISPLAY, XAUTHORITY: display.XAUTHORITY },
      stdio: 'ignore',
    });
    painters.push(painter);
    const red = await eventually(
      async () => {
        const shown = await shownThumbnail(page, name);
        return shown && shown.mean[0] > 180 && shown.mean[1] < 80 && shown.mean[2] < 80 ? shown : null;
      },
      60_000,
      'the thumbnail to turn red',
    );
    expect(red.src).not.toBe(first.src);
    expect(red.mean[0]).toBeGreaterThan(first.mean[0] + 50);
    // A picture per refresh, never a viewer per card.
    expect(viewerSockets).toEqual([]);
    await page.screenshot({ path: 'test-results/e2e-thumbnails.png' }).catch(() => {});
    painter.kill('SIGTERM');
    await context.close();
  });
});

describe('thumbnails on the kubernetes runtime (fake kube, real Xvnc behind the port-forward)', () => {
  let kube: KubeStack;

  beforeAll(async () => {
    kube = await startKubeStack({ env: { STREAMSPACE_ADMIN_PASSWORD: PASSWORD } });
  }, 120_000);
  afterAll(async () => {
    await kube?.stop();
  }, 60_000);

  it('takes the thumbnail through the same openStream a viewer uses', { timeout: 120_000 }, async () => {
    const url = kube.stack.url;
    const { api: kubeApi, token: accessToken } = await signedInApi(url, PASSWORD);
    const name = await launchRunning(kubeApi, 'xterm');
    const res = await fetch(joinUrl(url, apiPath(routes.sessionThumbnail, { name })), {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    expect(bytes.length).toBeLessThanOrEqual(THUMBNAIL_MAX_BYTES);
    await kubeApi.terminateSession({ params: { name } });
    await sessionReaches(kubeApi, name, 'terminated', 60_000, `${name} to end`);
  });
});
