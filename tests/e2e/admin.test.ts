import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../protocol';
import { launchChromium } from '../support/browser';
import { collectOutput } from '../support/processes';
import { type StackProcess, startStackProcess } from '../support/stack-process';

const PASSWORD = 'admin-e2e-password';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-admin').waitFor();
}

describe('the admin view in Chromium against the real stack', () => {
  let stack: StackProcess;
  let browser: Browser;
  let agent: ChildProcess | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'ss-admin-e2e-'));

  beforeAll(async () => {
    stack = await startStackProcess({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD });
    browser = await launchChromium();
  });
  afterAll(async () => {
    // The agent's shell leads its own process group; ending the group ends the node it started.
    if (agent?.pid && agent.exitCode === null) process.kill(-agent.pid, 'SIGTERM');
    await browser?.close();
    await stack?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('registers an agent, shows its token once with a command that really starts it, and lists it online', {
    timeout: 180_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, stack.url);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('register-agent').waitFor();

    await page.getByTestId('agent-name').fill('e2e-workstation');
    await page.getByTestId('agent-register').click();
    const command = (await page.getByTestId('agent-command').textContent()) ?? '';
    expect(command).toContain(`--server ${stack.url}`);
    expect(command).toContain('--token-file ./agent-token');
    await expect.poll(() => page.getByTestId('agent-row-e2e-workstation').textContent()).toMatch(/Offline/);

    // Run exactly what the page shows, as an admin would paste it, from the app's folder.
    const script = command
      .replace('./agent-token', join(scratch, 'agent-token'))
      .replace('> agent-token', `> ${join(scratch, 'agent-token')}`);
    agent = spawn('sh', ['-c', script], {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        STREAMSPACE_AGENT_STATE_DIR: join(scratch, 'state'),
        STREAMSPACE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collectOutput(agent);

    // Shown once: gone when the admin is done, and never in the list.
    await page.getByTestId('agent-token-done').click();
    expect(await page.getByTestId('agent-token').count()).toBe(0);
    const token = /printf '%s\\n' (\S+) >/.exec(command)?.[1] ?? 'missing';
    expect(await page.content()).not.toContain(token);

    await expect
      .poll(
        async () => {
          await page.getByTestId('agents-refresh').click();
          return page.getByTestId('agent-row-e2e-workstation').getByTestId('agent-status').textContent();
        },
        { timeout: 60_000, interval: 1000, message: `the agent to come online:\n${output()}` },
      )
      .toBe('Online');
    expect(await page.getByTestId('agent-row-e2e-workstation').textContent()).toMatch(/just now|minute/);
  });

  it('creates a user, changes their role, disables and enables them, and filters the audit log', {
    timeout: 120_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, stack.url);
    await page.goto(`${stack.url}/#/admin/users`);
    await page.getByTestId('create-user').waitFor();
    await page.getByTestId('new-username').fill('carol');
    await page.getByTestId('new-password').fill('carol-password-1');
    await page.getByTestId('create-user-submit').click();
    const row = page.getByTestId('user-row-carol');
    await row.waitFor();
    const api = createApiClient({ baseUrl: stack.url });
    await expect(
      api.login({ body: { username: 'carol', password: 'carol-password-1' } }),
    ).resolves.toBeTruthy();

    await row.getByTestId('user-role').selectOption('admin');
    await expect.poll(() => row.getByTestId('user-role').inputValue()).toBe('admin');
    await row.getByTestId('user-role').selectOption('user');
    await expect.poll(() => row.getByTestId('user-role').inputValue()).toBe('user');

    await row.getByRole('button', { name: 'Disable carol' }).click();
    await expect.poll(() => row.getByTestId('user-status').textContent()).toBe('Disabled');
    await expect(
      api.login({ body: { username: 'carol', password: 'carol-password-1' } }),
    ).rejects.toMatchObject({
      status: 401,
    });
    await row.getByRole('button', { name: 'Enable carol' }).click();
    await expect.poll(() => row.getByTestId('user-status').textContent()).toBe('Active');
    await expect(
      api.login({ body: { username: 'carol', password: 'carol-password-1' } }),
    ).resolves.toBeTruthy();
    // Nobody locks themselves out from here.
    expect(await page.getByTestId('user-row-admin').getByTestId('user-toggle').count()).toBe(0);

    await page.getByTestId('admin-tab-audit').click();
    await page.getByTestId('audit-filters').waitFor();
    await page.getByTestId('audit-action').fill('user.update');
    await page.getByTestId('audit-actor').fill('admin');
    await page.getByTestId('audit-apply').click();
    await expect
      .poll(async () => page.getByTestId('audit-row-action').allTextContents())
      .toEqual(['user.update', 'user.update', 'user.update', 'user.update']);
    await page.getByTestId('audit-action').fill('user.');
    await page.getByTestId('audit-apply').click();
    await expect
      .poll(async () => (await page.getByTestId('audit-row-action').allTextContents()).sort())
      .toEqual(['user.create', 'user.update', 'user.update', 'user.update', 'user.update']);
    // A range in the future holds nothing yet.
    await page.getByTestId('audit-since').fill('2099-01-01T00:00');
    await page.getByTestId('audit-apply').click();
    await page.getByText('No entries match').waitFor();
  });
});
