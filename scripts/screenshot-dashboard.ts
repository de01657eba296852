// Takes docs/dashboard.png for the README: the real headless stack, a real xterm session, Chromium.
// Run after `npm run build`: node --import tsx scripts/screenshot-dashboard.ts
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchFromDashboard, signIn } from '../tests/e2e/steps';
import { launchChromium } from '../tests/support/browser';
import { eventually } from '../tests/support/eventually';
import { xvncFor } from '../tests/support/processes';
import { type StackProcess, startStackProcess } from '../tests/support/stack-process';

// Throwaway: the stack's data dir is a fresh temporary one, gone with the run.
const PASSWORD = 'screenshot-admin-password';
const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'dashboard.png');

async function capture(stack: StackProcess, browser: Browser): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, stack.url, PASSWORD);
  const name = await launchFromDashboard(page);

  mkdirSync(dirname(OUTPUT), { recursive: true });
  await page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);

  // Ending the session through the UI is what stops its Xvnc; stopping the stack alone keeps sessions.
  await page.getByTestId(`terminate-${name}`).click();
  await page.getByTestId(`terminate-dialog-${name}-confirm`).click();
  await eventually(async () => xvncFor(name).length === 0, 30_000, 'Xvnc to exit');
  await context.close();
}

async function main(): Promise<void> {
  const stack = await startStackProcess({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    await capture(stack, browser);
  } finally {
    await browser?.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
