import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';
import { endEverySession, signedInApi } from '../support/session-api';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import { terminalOnCanvas } from './canvas';
import { launchFromDashboard, openConnectedViewer, submitSignIn, viewerStatusIs } from './steps';

const PASSWORD = 'e2e-admin-password';
const ENV = { STREAMSPACE_ADMIN_PASSWORD: PASSWORD };

/** Runs `command` in the session's shell by typing it into the viewer, as a person would. */
async function typeCommand(viewer: Page, command: string): Promise<void> {
  await viewer.getByTestId('viewer-screen').click();
  await viewer.keyboard.type(command, { delay: 5 });
  await viewer.keyboard.press('Enter');
}

describe('viewer lifecycle in Chromium: hibernate, backend restart, terminate and relaunch', () => {
  let stack: StackProcess;
  let browser: Browser;
  const markers: string[] = [];

  beforeAll(async () => {
    stack = await startStackProcess(ENV);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    // Whatever the test got to, it leaves no session and no Xvnc behind.
    if (stack && stack.child.exitCode === null)
      await endEverySession((await signedInApi(stack.url, PASSWORD)).api);
    await stack?.stop();
    for (const marker of markers) rmSync(marker, { force: true });
  });

  it('drops input while hibernated, wakes, survives a backend restart, and offers Relaunch once ended', {
    timeout: 300_000,
  }, async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(stack.url);
    // A fresh local stack says who to sign in as.
    expect(await page.getByTestId('login-hint').textContent()).toMatch(
      /^Sign in as admin — .*admin-password\.txt/,
    );
    await submitSignIn(page, PASSWORD);
    const name = await launchFromDashboard(page, 30_000);

    const viewer = await openConnectedViewer(context, page, name);
    await terminalOnCanvas(viewer);
    // The app's name, not the session id.
    expect(await viewer.title()).toBe('Terminal');
    expect(await viewer.getByTestId('viewer-title').textContent()).toBe('Terminal');
    await expect
      .poll(() => viewer.getByTestId('viewer-latency').textContent(), { timeout: 10_000 })
      .toMatch(/^\d+ ms$/);
    expect(await viewer.getByTestId('viewer-fps').textContent()).toMatch(/^(\d+|–) fps$/);

    // Hibernate (from another client): the viewer says so at once and stops the stream.
    const { api } = await signedInApi(stack.url, PASSWORD);
    await api.hibernateSession({ params: { name } });
    await viewerStatusIs(viewer, 'hibernated', 15_000);
    await eventually(async () => (await api.getSession({ params: { name } })).state === 'hibernated', 20_000);
    const overlay = viewer.getByTestId('viewer-overlay');
    await expect.poll(() => overlay.textContent()).toContain('Hibernated');
    await expect.poll(() => viewer.getByTestId('viewer-wake').isEnabled()).toBe(true);

    // Typed while it sleeps: must be dropped, not replayed into the shell on wake.
    const marker = `/tmp/ss-e2e-${randomBytes(6).toString('hex')}`;
    markers.push(marker, `${marker}-after`);
    await typeCommand(viewer, `touch ${marker}`);

    await viewer.getByTestId('viewer-wake').click();
    await viewerStatusIs(viewer, 'connected');
    await terminalOnCanvas(viewer, 'the terminal after wake');
    // Input flows again, and whatever was typed before it would have run first.
    await typeCommand(viewer, `touch ${marker}-after`);
    await eventually(async () => existsSync(`${marker}-after`), 15_000, 'the command typed after the wake');
    expect(existsSync(marker)).toBe(false);

    // Restart the backend on the same port and data folder: the session outlives it and is adopted.
    const port = Number(new URL(stack.url).port);
    const { dataDir } = stack;
    await stack.stop();
    expect(xvncFor(name)).toHaveLength(1);
    await viewerStatusIs(viewer, 'reconnecting', 10_000);
    await page.locator('.connection:not(.connection-live)').waitFor({ timeout: 10_000 });
    stack = await startStackProcess(ENV, { dataDir, port });
    const readyAt = Date.now();
    await Promise.all([
      viewerStatusIs(viewer, 'connected', 15_000).then(() => {
        // Within a few seconds of the server being ready, without a reload or a click.
        expect(Date.now() - readyAt).toBeLessThan(5_000);
      }),
      page
        .locator('.connection.connection-live')
        .waitFor({ timeout: 15_000 })
        .then(() => {
          expect(Date.now() - readyAt).toBeLessThan(5_000);
        }),
    ]);
    await terminalOnCanvas(viewer, 'the terminal after the backend restart');

    // Terminate from the viewer: it asks first, then says the session ended and offers Relaunch.
    await viewer.getByTestId(`terminate-${name}`).click();
    const dialog = viewer.getByTestId(`terminate-dialog-${name}`);
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-labelledby')).toBeTruthy();
    await viewer.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Escape is No: the session is untouched.
    expect((await api.getSession({ params: { name } })).state).toBe('running');
    await viewer.getByTestId(`terminate-${name}`).click();
    await viewer.getByTestId(`terminate-dialog-${name}-confirm`).click();
    await viewerStatusIs(viewer, 'ended', 20_000);
    expect(await viewer.getByTestId('viewer-reconnect').count()).toBe(0);
    await eventually(async () => xvncFor(name).length === 0, 20_000, 'the Xvnc to exit');

    const [relaunched] = await Promise.all([
      context.waitForEvent('page'),
      viewer.getByTestId('viewer-relaunch').click(),
    ]);
    await viewerStatusIs(relaunched, 'connected', 45_000);
    await terminalOnCanvas(relaunched, 'the relaunched terminal');
    const second = decodeURIComponent(new URL(relaunched.url()).hash.replace('#/viewer/', ''));
    expect(second).toMatch(/^admin-xterm-[0-9a-f]{8}$/);
    expect(second).not.toBe(name);
    await context.close();
  });
});
