import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { sessionPaths } from '../agent/runtimes/local/layout';
import { DEFAULT_RENDERER_DIR, FIRST_LOAD_BUDGET_BYTES, firstLoadJs, kb } from '../scripts/bundle-size';
import { CHROMIUM_PATH } from '../tests/support/browser';
import { collectOutput } from '../tests/support/processes';
import { launchRunning, type SignedIn, signIn, terminate } from './lib/api';
import { FLOOD_TEMPLATE, startFloodStack } from './lib/flood-stack';
import { FRAME_COUNTER, serveNovncPage } from './lib/novnc-page';
import { round, table } from './lib/stats';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_VIEWER_ROUNDS', 4);
const WINDOW_MS = env('BENCH_VIEWER_SECONDS', 6) * 1000;
const VIEWPORT = { width: 1280, height: 800 };
const TARGET_RATIO = 0.9;
const PASSWORD = 'bench-viewer-password';

interface FrameWindow {
  frames: number;
  /** Framebuffer updates noVNC drew, uncapped by the display's refresh rate. */
  updates: number;
  seconds: number;
}

/** Frames the page drew over the window, counted from the moment it is connected and warm. */
async function measure(page: Page, connected: () => Promise<void>): Promise<FrameWindow> {
  await connected();
  // The first full update is the session's whole screen; frames after it are the steady state.
  // FRAME_COUNTER keeps the count in the page's global __frames.
  await page.waitForFunction(() => (globalThis as unknown as { __frames: number }).__frames > 2, null, {
    timeout: 30_000,
  });
  const sample = () =>
    page.evaluate(() => {
      const counters = globalThis as unknown as { __frames: number; __flips: number };
      return [counters.__frames, counters.__flips, performance.now()];
    });
  const start = await sample();
  await page.waitForTimeout(WINDOW_MS);
  const end = await sample();
  const delta = (i: number) => (end[i] ?? 0) - (start[i] ?? 0);
  return { frames: delta(0), updates: delta(1), seconds: delta(2) / 1000 };
}

const rate = (windows: FrameWindow[], pick: (w: FrameWindow) => number) =>
  round(windows.reduce((n, w) => n + pick(w), 0) / windows.reduce((n, w) => n + w.seconds, 0), 1);
const fps = (windows: FrameWindow[]) => rate(windows, (w) => w.frames);
const ups = (windows: FrameWindow[]) => rate(windows, (w) => w.updates);

function startWebsockify(socket: string, port: number): { child: ChildProcess; output: () => string } {
  const child = spawn('websockify', [`--unix-target=${socket}`, `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, output: collectOutput(child) };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`websockify exited:\n${output()}`);
    const open = await new Promise<boolean>((ok) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        ok(true);
      });
      s.once('error', () => ok(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`websockify did not listen:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/**
 * What a person sees: frames per second drawn by a real noVNC in Chromium while the session
 * scrolls without pause, through the product's viewer page (viewer → stack → Xvnc) and through
 * the same noVNC straight to Xvnc over websockify, in alternating rounds. Also prints the
 * renderer's first-load size.
 */
export async function benchViewer(): Promise<Record<string, unknown>> {
  const log = (line: string) => console.error(`[viewer] ${line}`);
  const firstLoad = await firstLoadJs(DEFAULT_RENDERER_DIR);
  // The same never-ending scroll as the tunnel bench's Xvnc pass: the screen changes all the time.
  const flood = await startFloodStack(PASSWORD, 'ss-bench-viewer-');
  const { stack } = flood;
  const direct: FrameWindow[] = [];
  const path: FrameWindow[] = [];
  let websockify: ReturnType<typeof startWebsockify> | undefined;
  let browser: Browser | undefined;
  const novnc = await serveNovncPage();
  let admin: SignedIn | undefined;
  let sessionName: string | undefined;
  try {
    const user = await signIn(stack.url, 'admin', PASSWORD);
    admin = user;
    const session = await launchRunning(user.api, FLOOD_TEMPLATE);
    sessionName = session.name;
    const { vncSocket } = sessionPaths(join(stack.dataDir, 'local-runtime'), session.name);
    const wsPort = await freePort();
    websockify = startWebsockify(vncSocket, wsPort);
    await waitForPort(wsPort, websockify.child, websockify.output);
    log(`session ${session.name} running; websockify on ${wsPort}`);

    // Uncapped: at the display's 60 Hz both viewers would tie at the cap and hide any difference.
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-frame-rate-limit',
        '--disable-gpu-vsync',
      ],
    });
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(FRAME_COUNTER);
    // Signed in once; each round then loads the viewer in this same tab, which keeps the sign-in.
    const app = await context.newPage();
    await app.goto(stack.url);
    await app.getByTestId('login-username').fill('admin');
    await app.getByTestId('login-password').fill(PASSWORD);
    await app.getByTestId('login-submit').click();
    await app.getByTestId('user-menu').waitFor();

    const viaPath = async () => {
      await app.goto(`${stack.url}/#/viewer/${encodeURIComponent(session.name)}`);
      await app.reload();
      path.push(
        await measure(app, () =>
          app.locator('[data-testid="viewer-status"][data-status="connected"]').waitFor({ timeout: 30_000 }),
        ),
      );
      await app.goto(`${stack.url}/#/`);
    };
    const straight = async () => {
      const { vncPassword } = await user.api.viewerTicket({ params: { name: session.name } });
      const page = await context.newPage();
      const query = new URLSearchParams({ ws: `ws://127.0.0.1:${wsPort}/`, password: vncPassword });
      await page.goto(`${novnc.url}?${query}`);
      direct.push(
        await measure(page, () => page.locator('body[data-status="connected"]').waitFor({ timeout: 30_000 })),
      );
      await page.close();
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (const run of r % 2 === 0 ? [straight, viaPath] : [viaPath, straight]) await run();
      log(
        `round ${r + 1}/${ROUNDS}: direct ${direct.at(-1)?.frames} frames, path ${path.at(-1)?.frames} frames`,
      );
    }
    await context.close();
  } finally {
    // Sessions outlive the stack, so the flooding xterm is ended before the stack stops.
    if (sessionName && admin)
      await terminate(admin.api, sessionName).catch((err: unknown) => log(`terminate: ${err}`));
    await browser?.close();
    if (websockify && websockify.child.exitCode === null) websockify.child.kill('SIGTERM');
    await novnc.close();
    await flood.stop();
  }

  const directFps = fps(direct);
  const pathFps = fps(path);
  const ratio = round(pathFps / directFps, 2);
  const directUps = ups(direct);
  const pathUps = ups(path);
  const updatesRatio = round(pathUps / directUps, 2);
  console.log('\nnoVNC in Chromium, a continuously scrolling xterm, frames drawn per second');
  console.log(
    table([
      {
        viewer: 'straight to Xvnc (websockify)',
        fps: directFps,
        'updates/s': directUps,
        rounds: direct.length,
      },
      { viewer: 'StreamSpace viewer page (stack)', fps: pathFps, 'updates/s': pathUps, rounds: path.length },
    ]),
  );
  console.log(`fps ratio ${ratio} (target >= ${TARGET_RATIO}): ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
  console.log(`updates/s ratio ${updatesRatio} (not capped by the display's refresh rate)`);
  console.log(
    `first-load JS ${kb(firstLoad.gzipBytes)} gzipped (budget ${kb(FIRST_LOAD_BUDGET_BYTES)}): ${
      firstLoad.gzipBytes <= FIRST_LOAD_BUDGET_BYTES ? 'met' : 'NOT met'
    }`,
  );
  return {
    config: { rounds: ROUNDS, windowMs: WINDOW_MS, viewport: VIEWPORT },
    directFps,
    pathFps,
    ratio,
    directUpdatesPerSecond: directUps,
    pathUpdatesPerSecond: pathUps,
    updatesRatio,
    rounds: { direct, path },
    firstLoadGzipBytes: firstLoad.gzipBytes,
    firstLoadChunks: firstLoad.chunks,
    targets: {
      'fps ratio vs websockify': { want: `>= ${TARGET_RATIO}`, got: ratio, met: ratio >= TARGET_RATIO },
      'first-load JS gzipped': {
        want: `<= ${FIRST_LOAD_BUDGET_BYTES}`,
        got: firstLoad.gzipBytes,
        met: firstLoad.gzipBytes <= FIRST_LOAD_BUDGET_BYTES,
      },
    },
  };
}
