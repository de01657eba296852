import { type ChildProcess, spawn } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

const FROM_SESSION = 'Grüße — 東京 ✓ copied in the session';
const FROM_HERE = 'Ça va? — 大阪 ✓ copied here';
const BY_HAND = 'Zürich → 京都 ✓ pasted by hand';
const BY_CTRL_V = 'Ctrl+V: Ålesund ✓';
const OLDER = 'older copy in the session';
const NEWER = 'newer copy here ✓';

describe('clipboard both ways in Chromium, through the Extended Clipboard pseudo-encoding', () => {
  let session: ProbeSession;
  let probe: ProbeStack;
  let browser: Browser;
  let display: XDisplay;
  let name: string;
  const owners: ChildProcess[] = [];

  /** Makes `text` the session's CLIPBOARD, as an app copying it would; xclip serves it while it runs. */
  function copyInSession(text: string): void {
    const xclip = spawn('xclip', ['-selection', 'clipboard', '-i', '-quiet'], {
      env: { ...process.env, DISPLAY: display.DISPLAY, XAUTHORITY: display.XAUTHORITY },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    owners.push(xclip);
    xclip.stdin.end(text);
  }

  const sessionClipboard = () => {
    try {
      return onDisplay(display, 'xclip', ['-selection', 'clipboard', '-o']);
    } catch {
      return '';
    }
  };

  beforeAll(async () => {
    session = await startProbeSession();
    ({ probe, browser, name, display } = session);
  }, 180_000);

  afterAll(async () => {
    for (const owner of owners) owner.kill();
    await session?.stop();
  });

  async function viewerIn(context: BrowserContext): Promise<Page> {
    const viewer = await openViewer(context, probe.stack.url, name);
    await viewer.getByTestId('viewer-screen').click();
    return viewer;
  }

  it('copies UTF-8 text from the session to the local clipboard, and local text into the session', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: probe.stack.url });
    const viewer = await viewerIn(context);
    const localClipboard = () => viewer.evaluate(() => navigator.clipboard.readText()).catch(() => '');

    copyInSession(FROM_SESSION);
    await eventually(
      async () => (await localClipboard()) === FROM_SESSION,
      20_000,
      'the session copy here',
    ).catch(() => undefined);
    expect(await localClipboard()).toBe(FROM_SESSION);

    // Copied here, then back to the viewer: the session's clipboard has it.
    await viewer.evaluate((text) => navigator.clipboard.writeText(text), FROM_HERE);
    await viewer.getByTestId('viewer-title').click();
    await viewer.getByTestId('viewer-screen').click();
    await eventually(
      async () => sessionClipboard() === FROM_HERE,
      20_000,
      'the local copy in the session',
    ).catch(() => undefined);
    expect(sessionClipboard()).toBe(FROM_HERE);
    await context.close();
  }, 120_000);

  it('keeps what was copied here when a viewer connects to a session holding an older copy', async () => {
    copyInSession(OLDER);
    await eventually(async () => sessionClipboard() === OLDER, 10_000, 'the older copy in the session');
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: probe.stack.url });
    const page = await context.newPage();
    await page.goto(probe.stack.url);
    await page.evaluate((text) => navigator.clipboard.writeText(text), NEWER);
    const viewer = await openViewer(context, probe.stack.url, name);
    await eventually(
      async () => sessionClipboard() === NEWER,
      20_000,
      'the newer local copy in the session',
    ).catch(() => undefined);
    expect(sessionClipboard()).toBe(NEWER);
    expect(await viewer.evaluate(() => navigator.clipboard.readText())).toBe(NEWER);
    await context.close();
  }, 120_000);

  it('hands local text over with Ctrl+V where the clipboard may not be read, before the keys', async () => {
    // Writing is allowed (for the copy the test makes), reading is not: only the paste event has it.
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.grantPermissions(['clipboard-write'], { origin: probe.stack.url });
    const viewer = await viewerIn(context);
    await viewer.evaluate((text) => navigator.clipboard.writeText(text), BY_CTRL_V);
    const before = typedBytes(display);
    await viewer.keyboard.press('Control+V');
    await eventually(
      async () => sessionClipboard() === BY_CTRL_V,
      20_000,
      'the Ctrl+V text in the session',
    ).catch(() => undefined);
    expect(sessionClipboard()).toBe(BY_CTRL_V);
    // And the app still got its Ctrl+V.
    await eventually(async () => typedBytes(display).length > before.length, 20_000).catch(() => undefined);
    expect(typedBytes(display).slice(before.length)).toBe('\x16');
    await context.close();
  }, 120_000);

  it('takes text through the paste box where the clipboard cannot be read, onto the clipboard or typed', async () => {
    // No clipboard permission: the page must not read (or prompt), so the paste box is the way.
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const viewer = await viewerIn(context);
    await viewer.getByTestId('viewer-paste-toggle').click();
    await viewer.getByTestId('viewer-paste-text').fill(BY_HAND);
    await viewer.getByTestId('viewer-paste-send').click();
    await eventually(
      async () => sessionClipboard() === BY_HAND,
      20_000,
      'the pasted text in the session',
    ).catch(() => undefined);
    expect(sessionClipboard()).toBe(BY_HAND);

    const before = typedBytes(display);
    await viewer.getByTestId('viewer-paste-toggle').click();
    await viewer.getByTestId('viewer-paste-text').fill(BY_HAND);
    await viewer.getByTestId('viewer-paste-type').click();
    await eventually(async () => typedBytes(display).length >= before.length + BY_HAND.length, 20_000).catch(
      () => undefined,
    );
    expect(typedBytes(display).slice(before.length)).toBe(BY_HAND);
    await context.close();
  }, 120_000);
});
