import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionPaths } from '../../agent/runtimes/local/layout';
import { readStateFile } from '../../agent/runtimes/local/state-file';
import { type ApiClient, apiPath, joinUrl, routes } from '../../protocol';
import { launchChromium } from '../support/browser';
import { endEverySession, signedInApi } from '../support/session-api';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import { launchFromDashboard, openConnectedViewer, signIn, uploadWithPicker } from './steps';

const PASSWORD = 'e2e-files-password';
const ENV = { STREAMSPACE_ADMIN_PASSWORD: PASSWORD };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every upload-item state and progress value the page showed, recorded as they render. */
async function recordUploads(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Array<{ status: string; value: number }> = [];
    (window as unknown as { __uploads: typeof seen }).__uploads = seen;
    const note = () => {
      for (const item of Array.from(document.querySelectorAll<HTMLElement>('[data-testid="upload-item"]'))) {
        const bar = item.querySelector('progress');
        seen.push({ status: item.dataset.status ?? '', value: bar ? bar.value : -1 });
      }
    };
    new MutationObserver(note).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
}

const recorded = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __uploads: Array<{ status: string; value: number }> }).__uploads,
  );

describe('files in Chromium: upload from the viewer, browse and download Downloads', () => {
  let stack: StackProcess;
  let browser: Browser;
  let api: ApiClient;
  let token: string;

  beforeAll(async () => {
    stack = await startStackProcess(ENV);
    browser = await launchChromium();
    ({ api, token } = await signedInApi(stack.url, PASSWORD));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (stack && stack.child.exitCode === null) await endEverySession(api);
    await stack?.stop();
  }, 60_000);

  it('uploads with progress through the picker and a drop, and downloads from Downloads', {
    timeout: 300_000,
  }, async () => {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await signIn(page, stack.url, PASSWORD);
    const name = await launchFromDashboard(page);
    const state = await readStateFile(sessionPaths(join(stack.dataDir, 'local-runtime'), name).stateFile);
    if (!state.ok) throw new Error(`no state file for ${name}: ${state.message}`);
    const home = state.data.home;

    const viewer = await openConnectedViewer(context, page, name);

    // The viewer's Files button: an empty Downloads, then an upload through the picker.
    await viewer.getByTestId(`files-${name}`).click();
    const panel = viewer.getByTestId(`files-panel-${name}`);
    await panel.getByTestId('files-empty').waitFor({ timeout: 20_000 });
    await recordUploads(viewer);
    const picked = randomBytes(24 * 1024 * 1024);
    await uploadWithPicker(panel, 'picked.bin', picked);
    expect(await panel.getByTestId('upload-item').textContent()).toContain('picked.bin: uploaded (24 MB)');
    expect(await panel.getByTestId('upload-progress').evaluate((p) => (p as HTMLProgressElement).value)).toBe(
      100,
    );
    const seen = await recorded(viewer);
    // Shown while it ran, below 100 until the server had it in place.
    expect(seen.some((s) => s.status === 'uploading' && s.value < 100)).toBe(true);
    expect(sha(await readFile(join(home, 'picked.bin')))).toBe(sha(picked));
    await viewer.getByTestId('files-close').click();

    // A file dropped on the screen goes the same way.
    await viewer.evaluate(() => {
      const stage = document.querySelector('.viewer-stage');
      if (!stage) throw new Error('no viewer stage');
      const data = new DataTransfer();
      data.items.add(new File(['dropped on the viewer'], 'dropped.txt', { type: 'text/plain' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        stage.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
      }
    });
    await viewer
      .getByTestId('file-drop')
      .locator('[data-testid="upload-item"][data-status="done"]', { hasText: 'dropped.txt' })
      .waitFor({ timeout: 30_000 });
    expect(await readFile(join(home, 'dropped.txt'), 'utf8')).toBe('dropped on the viewer');

    // What the app saved to ~/Downloads (here put there over the API) is listed and downloads intact.
    const report = randomBytes(3 * 1024 * 1024);
    const put = await fetch(
      joinUrl(stack.url, apiPath(routes.uploadFile, { name, path: 'Downloads/report.bin' })),
      {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
        body: report,
      },
    );
    expect(put.status).toBe(201);

    // From the dashboard's row this time.
    await page.getByTestId(`files-${name}`).click();
    const rowPanel = page.getByTestId(`files-panel-${name}`);
    const entry = rowPanel.getByTestId('files-entry-report.bin');
    await entry.waitFor({ timeout: 20_000 });
    expect(await entry.textContent()).toContain('3.0 MB');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      rowPanel.getByTestId('files-download-report.bin').click(),
    ]);
    expect(download.suggestedFilename()).toBe('report.bin');
    const saved = await download.path();
    expect(sha(await readFile(saved))).toBe(sha(report));
    await context.close();
  });
});
