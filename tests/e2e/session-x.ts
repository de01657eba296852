import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ApiClient } from '../../protocol';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { processCommandLines, xvncFor } from '../support/processes';
import { endEverySession, launchRunning, signedInApi } from '../support/session-api';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import { signIn, viewerStatusIs } from './steps';

/**
 * A stack with one extra template, `typing-probe`: an xterm whose terminal is raw and whose shell
 * writes every byte it receives to a file, so a test reads exactly what the app got from the keys.
 */
export const PASSWORD = 'e2e-admin-password';

export interface ProbeStack {
  stack: StackProcess;
  api: ApiClient;
  stop(): Promise<void>;
}

export async function startProbeStack(): Promise<ProbeStack> {
  const templates = mkdtempSync(join(tmpdir(), 'ss-probe-templates-'));
  writeFileSync(
    join(templates, 'typing-probe.yaml'),
    [
      'name: typing-probe',
      'displayName: Typing probe',
      'category: Tools',
      'defaultResources: { memory: 256Mi, cpu: 250m }',
      'local:',
      // Raw mode: no line editing and no signals, so Ctrl+Z arrives as the byte 0x1a.
      `  command: [xterm, -u8, -geometry, 80x24+0+0, -e, sh, -c, 'stty raw -echo; exec cat > "$0"', "{home}/typed.txt"]`,
      '  env: { LANG: C.UTF-8, LC_ALL: C.UTF-8 }',
      '',
    ].join('\n'),
  );
  const stack = await startStackProcess({
    STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
    STREAMSPACE_TEMPLATES_DIR: templates,
  });
  const { api } = await signedInApi(stack.url, PASSWORD);
  return {
    stack,
    api,
    async stop() {
      if (stack.child.exitCode === null) await endEverySession(api, { tolerant: true });
      await stack.stop();
    },
  };
}

/** Launches a probe session and waits until it runs. */
export function launchProbe(probe: ProbeStack): Promise<string> {
  return launchRunning(probe.api, 'typing-probe', 60_000, 'the probe session to run');
}

export interface ProbeSession {
  probe: ProbeStack;
  browser: Browser;
  /** The running probe session. */
  name: string;
  display: XDisplay;
  /** Closes Chromium, ends every session and stops the stack. */
  stop(): Promise<void>;
}

/** A probe stack, Chromium and one running probe session with its X display. */
export async function startProbeSession(): Promise<ProbeSession> {
  const probe = await startProbeStack();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const name = await launchProbe(probe);
    const display = await sessionDisplay(name);
    const opened = browser;
    return {
      probe,
      browser: opened,
      name,
      display,
      async stop() {
        await opened.close();
        await probe.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await probe.stop();
    throw error;
  }
}

/** Signs in on a fresh page and opens the session's viewer in it, connected. */
export async function openViewer(
  browser: Browser | BrowserContext,
  url: string,
  name: string,
): Promise<Page> {
  const context =
    'newContext' in browser ? await browser.newContext({ viewport: { width: 1000, height: 700 } }) : browser;
  const page = await context.newPage();
  await signIn(page, url, PASSWORD);
  await page.getByTestId('launch-xterm').waitFor({ timeout: 30_000 });
  await page.goto(`${url}/#/viewer/${encodeURIComponent(name)}`);
  await viewerStatusIs(page, 'connected', 60_000);
  return page;
}

export interface XDisplay {
  DISPLAY: string;
  XAUTHORITY: string;
  /** The session's home, where the probe writes typed.txt. */
  HOME: string;
}

function environOf(pid: number): Record<string, string> {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    return Object.fromEntries(
      raw
        .split('\0')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
  } catch {
    return {};
  }
}

/** The session's X display, from the environment of the app Xvnc's -auth file was handed to. */
export async function sessionDisplay(name: string): Promise<XDisplay> {
  return eventually(
    async () => {
      const [pid] = xvncFor(name);
      const xvnc = processCommandLines().find((p) => p.pid === pid);
      const auth = xvnc?.argv[xvnc.argv.indexOf('-auth') + 1];
      if (!auth) return null;
      for (const p of processCommandLines()) {
        const env = environOf(p.pid);
        if (env.XAUTHORITY === auth && env.DISPLAY && env.HOME) {
          return { DISPLAY: env.DISPLAY, XAUTHORITY: auth, HOME: env.HOME };
        }
      }
      return null;
    },
    20_000,
    `the X display of ${name}`,
  );
}

/** Runs an X client against the session's display. */
export function onDisplay(display: XDisplay, command: string, args: string[], input?: string): string {
  return execFileSync(command, args, {
    env: { ...process.env, DISPLAY: display.DISPLAY, XAUTHORITY: display.XAUTHORITY },
    encoding: 'utf8',
    input,
    // Captured rather than printed: a failure's message carries it.
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 10_000,
  });
}

/** What the probe's app has received so far. */
export function typedBytes(display: XDisplay): string {
  try {
    return readFileSync(join(display.HOME, 'typed.txt'), 'utf8');
  } catch {
    return '';
  }
}
