import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../protocol';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { type KubeStack, startKubeStack } from '../support/kube-stack';
import { xvncFor } from '../support/processes';
import { endEverySession, launchRunning, signedInApi } from '../support/session-api';
import { openViewer, PASSWORD } from './session-x';

/** The desktop size as the session reported it last (noVNC sizes its canvas to it). */
const canvasWidth = (viewer: Page) =>
  viewer.evaluate(() => {
    const canvas = document.querySelector('[data-testid="viewer-screen"] canvas') as HTMLCanvasElement | null;
    return { width: canvas?.width ?? 0, height: canvas?.height ?? 0 };
  });

describe('remote resize on the Kubernetes runtime (fake cluster, real Xvnc behind port-forward)', () => {
  let kube: KubeStack;
  let browser: Browser;
  let api: ApiClient;

  beforeAll(async () => {
    kube = await startKubeStack({ env: { STREAMSPACE_ADMIN_PASSWORD: PASSWORD } });
    browser = await launchChromium();
    ({ api } = await signedInApi(kube.stack.url, PASSWORD));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    if (api) await endEverySession(api, { tolerant: true });
    await kube?.stop();
  }, 120_000);

  it('the desktop follows the window through the port-forward', { timeout: 180_000 }, async () => {
    const name = await launchRunning(api, 'xterm', 60_000, 'the session to run');
    const context = await browser.newContext({ viewport: { width: 900, height: 600 } });
    const viewer = await openViewer(context, kube.stack.url, name);
    await eventually(async () => (await canvasWidth(viewer)).width === 1280, 20_000, 'the 1280 px desktop');

    await viewer.getByTestId('viewer-display').click();
    await viewer.getByTestId('viewer-scaling-remote').check();
    await viewer.keyboard.press('Escape');
    await eventually(
      async () => {
        const s = await canvasWidth(viewer);
        return s.width === 900 && s.height === 600;
      },
      20_000,
      'the desktop at the window size',
    );
    await viewer.setViewportSize({ width: 760, height: 520 });
    await eventually(
      async () => {
        const s = await canvasWidth(viewer);
        return s.width === 760 && s.height === 520;
      },
      20_000,
      'the desktop to follow the window',
    );
    expect(xvncFor(name)).toHaveLength(1);
    await context.close();
  });
});
