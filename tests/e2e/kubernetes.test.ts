import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesMentioning } from '../../agent/testing/strays';
import type { KubeObject } from '../fake-kube';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { type KubeStack, KUBE_NAMESPACE as ns, startKubeStack } from '../support/kube-stack';
import { xvncFor } from '../support/processes';
import { terminalOnCanvas, typeIntoTerminal } from './canvas';
import { signIn, uploadWithPicker } from './steps';

const PASSWORD = 'e2e-admin-password';
const SESSION_LABEL = 'streamspace.io/session';
const SESSION_KINDS = ['deployments', 'services', 'secrets', 'networkpolicies', 'pods'] as const;

declare global {
  interface Window {
    /** Bound by the test: hands each new text of the session rows to Node. */
    recordSessionText(text: string): Promise<void>;
  }
}

/**
 * Every state and message the session rows show, in order, from a MutationObserver: the start-up
 * phases last a few hundred milliseconds, which polling could miss.
 */
async function recordRowTexts(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('recordSessionText', (text: string) => {
    if (seen.at(-1) !== text) seen.push(text);
  });
  await page.evaluate(() => {
    const report = () => {
      for (const row of Array.from(document.querySelectorAll('[data-testid^="session-row-"]'))) {
        const message = row.querySelector('.session-message')?.textContent ?? '';
        void window.recordSessionText(`${row.getAttribute('data-state')}: ${message}`);
      }
    };
    new MutationObserver(report).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
  return seen;
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const labelled = (name: string) => (o: KubeObject) => o.metadata.labels?.[SESSION_LABEL] === name;

describe('kubernetes runtime end to end: Chromium → noVNC → backend → agent → port-forward → Xvnc', () => {
  let kube: KubeStack;
  let browser: Browser;

  beforeAll(async () => {
    kube = await startKubeStack({ env: { STREAMSPACE_ADMIN_PASSWORD: PASSWORD } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await kube?.stop();
  });

  it('launches xterm as a Deployment, shows its start-up, hibernates, wakes and terminates it', {
    timeout: 240_000,
  }, async () => {
    const { fake, xvnc } = kube;
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(kube.stack.url);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('launch-xterm').waitFor();
    const texts = await recordRowTexts(page);

    await page.getByTestId('launch-xterm').click();
    const row = page.locator('[data-testid^="session-row-admin-xterm-"]');
    await row.waitFor();
    const name = ((await row.getAttribute('data-testid')) ?? '').replace('session-row-', '');
    expect(name).toMatch(/^admin-xterm-[0-9a-f]{8}$/);
    const runningRow = page.locator(`[data-testid="session-row-${name}"][data-state="running"]`);
    await runningRow.waitFor({ timeout: 60_000 });
    // The kubelet's phases reached the dashboard as the session's status message.
    console.info(`start-up as the dashboard showed it:\n  ${texts.join('\n  ')}`);
    expect(texts.some((t) => /Pulling image "?ghcr\.io\/streamspace\/xterm/.test(t))).toBe(true);

    const deployment = fake.list('deployments', ns).find(labelled(name));
    expect(deployment, 'a Deployment labelled with the session').toBeDefined();
    const deploymentName = deployment?.metadata.name ?? '';
    const replicas = () =>
      (fake.get('deployments', ns, deploymentName)?.spec as { replicas?: number } | undefined)?.replicas;
    expect(replicas()).toBe(1);
    const firstXvnc = await eventually(
      async () => (xvncFor(name).length === 1 ? xvncFor(name) : null),
      10_000,
    );

    const [viewer] = await Promise.all([
      context.waitForEvent('page'),
      page.getByTestId(`open-${name}`).click(),
    ]);
    const status = viewer.getByTestId('viewer-status');
    await viewer
      .locator('[data-testid="viewer-status"][data-status="connected"]')
      .waitFor({ timeout: 30_000 });
    expect((await terminalOnCanvas(viewer, 'the terminal through port-forward')).width).toBeGreaterThan(100);

    // Hibernate: the Deployment goes to 0 replicas, its pod and Xvnc go, the viewer says why.
    await page.getByTestId(`hibernate-${name}`).click();
    await page
      .locator(`[data-testid="session-row-${name}"][data-state="hibernated"]`)
      .waitFor({ timeout: 30_000 });
    expect(replicas()).toBe(0);
    await eventually(
      async () => fake.list('pods', ns).filter(labelled(name)).length === 0 || null,
      20_000,
      'the pod to go',
    );
    await eventually(async () => xvncFor(name).length === 0 || null, 20_000, 'the Xvnc to go with its pod');
    await viewer
      .locator('[data-testid="viewer-status"][data-status="hibernated"]')
      .waitFor({ timeout: 20_000 });
    await expect.poll(() => viewer.locator('.viewer-overlay').textContent()).toContain('Hibernated');
    await expect.poll(() => viewer.locator('.viewer-id .badge').textContent()).toBe('Hibernated');

    // Wake: a new pod with a new Xvnc, and the open viewer comes back by itself.
    await page.getByTestId(`wake-${name}`).click();
    await runningRow.waitFor({ timeout: 60_000 });
    expect(replicas()).toBe(1);
    const secondXvnc = await eventually(
      async () => (xvncFor(name).length === 1 ? xvncFor(name) : null),
      10_000,
    );
    expect(secondXvnc[0]).not.toBe(firstXvnc[0]);
    await viewer
      .locator('[data-testid="viewer-status"][data-status="connected"]')
      .waitFor({ timeout: 30_000 });
    const woken = await terminalOnCanvas(viewer, 'the terminal after wake');
    // Typing reaches the new xterm.
    await typeIntoTerminal(viewer, woken);
    await viewer.screenshot({ path: 'test-results/e2e-kubernetes-viewer.png' }).catch(() => {});
    expect(await status.getAttribute('data-status')).toBe('connected');
    await viewer.close();

    // Terminate: nothing of the session is left in the cluster or on this host.
    await page.getByTestId(`terminate-${name}`).click();
    await page.getByTestId(`terminate-dialog-${name}-confirm`).click();
    await page
      .locator(`[data-testid="session-row-${name}"][data-state="terminated"]`)
      .waitFor({ timeout: 30_000 });
    const leftovers = () =>
      SESSION_KINDS.flatMap((kind) =>
        fake
          .list(kind, ns)
          .filter(labelled(name))
          .map((o) => `${kind}/${o.metadata.name}`),
      );
    await eventually(async () => leftovers().length === 0 || null, 30_000, 'the session objects to go').catch(
      (error: unknown) => {
        throw new Error(`${String(error)}; left: ${leftovers().join(', ')}`);
      },
    );
    await eventually(async () => xvnc.pids().length === 0 || null, 20_000, 'the harness Xvnc to go');
    expect(xvncFor(name)).toEqual([]);
    expect(await processesMentioning(xvnc.root)).toEqual([]);
    expect(xvnc.failures).toEqual([]);
    await context.close();
  });

  it('uploads into a session’s container and downloads from its Downloads, through exec', {
    timeout: 120_000,
  }, async () => {
    const { fake, xvnc } = kube;
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await signIn(page, kube.stack.url, PASSWORD);
    await page.getByTestId('launch-xterm').click();
    const row = page.locator('[data-testid^="session-row-admin-xterm-"][data-state="running"]');
    await row.waitFor({ timeout: 60_000 });
    const name = ((await row.getAttribute('data-testid')) ?? '').replace('session-row-', '');
    const pod = fake.list('pods', ns).find(labelled(name));
    const home = xvnc.home(pod?.metadata.uid ?? '');

    await page.getByTestId(`files-${name}`).click();
    const panel = page.getByTestId(`files-panel-${name}`);
    await panel.getByTestId('files-empty').waitFor({ timeout: 20_000 });
    const picked = randomBytes(5 * 1024 * 1024);
    await uploadWithPicker(panel, 'picked.bin', picked);
    expect(sha(await readFile(join(home, 'picked.bin')))).toBe(sha(picked));

    // What the app saved to ~/Downloads in its container is listed and downloads intact.
    const report = randomBytes(2 * 1024 * 1024);
    await writeFile(join(home, 'Downloads/report.bin'), report);
    // Opening the panel again lists afresh.
    await page.locator('dialog[open]').getByTestId('files-close').click();
    await page.getByTestId(`files-${name}`).click();
    const entry = page.getByTestId(`files-panel-${name}`).getByTestId('files-entry-report.bin');
    await entry.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId(`files-panel-${name}`).getByTestId('files-download-report.bin').click(),
    ]);
    expect(sha(await readFile(await download.path()))).toBe(sha(report));
    expect(fake.requests.some((r) => r.path.endsWith(`/pods/${pod?.metadata.name}/exec`))).toBe(true);
    await page.locator('dialog[open]').getByTestId('files-close').click();

    await page.getByTestId(`terminate-${name}`).click();
    await page.getByTestId(`terminate-dialog-${name}-confirm`).click();
    await page
      .locator(`[data-testid="session-row-${name}"][data-state="terminated"]`)
      .waitFor({ timeout: 30_000 });
    await eventually(async () => xvncFor(name).length === 0 || null, 20_000, 'the Xvnc to go with its pod');
    await context.close();
  });
});
