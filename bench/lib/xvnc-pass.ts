import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sessionPaths } from '../../agent/runtimes/local/layout';
import { type RfbTransport, rfbConnect, unixTransport, wsTransport } from '../../agent/testing/rfb-client';
import { launchRunning, signIn, terminate, viewer } from './api';
import { FLOOD_TEMPLATE, startFloodStack } from './flood-stack';

const PASSWORD = 'bench-admin-password';

export interface FpsRun {
  frames: number;
  bytes: number;
  seconds: number;
}

/** Requests incremental updates back to back for `ms`, raw encoding, and counts them. */
async function pump(transport: RfbTransport, password: string, ms: number): Promise<FpsRun> {
  const rfb = await rfbConnect(transport, password);
  await rfb.update(false);
  let frames = 0;
  let bytes = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    const update = await rfb.update(true);
    frames++;
    bytes += update.bytes;
  }
  const seconds = (performance.now() - started) / 1000;
  rfb.close();
  return { frames, bytes, seconds };
}

/**
 * The real-world pass: a real Xvnc with a flooding xterm, launched through the real headless
 * stack, read by a raw RFB client both straight from Xvnc's socket and through the StreamSpace path.
 */
export async function xvncPass(
  rounds: number,
  ms: number,
): Promise<{ direct: FpsRun[]; streamspace: FpsRun[] }> {
  const flood = await startFloodStack(PASSWORD, 'ss-bench-templates-');
  const { stack } = flood;
  const out = { direct: [] as FpsRun[], streamspace: [] as FpsRun[] };
  try {
    const admin = await signIn(stack.url, 'admin', PASSWORD);
    const session = await launchRunning(admin.api, FLOOD_TEMPLATE);
    // Xvnc listens only on the session's private socket, which this (the stack's) account may open.
    const { vncSocket } = sessionPaths(join(stack.dataDir, 'local-runtime'), session.name);
    // Let the terminal get going before anything is timed.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (let round = 0; round < rounds; round++) {
      const viaTunnel = async () => {
        const view = await viewer(admin, session.name);
        out.streamspace.push(await pump(await wsTransport(view.url), view.vncPassword, ms));
      };
      const direct = async () => {
        const { vncPassword } = await admin.api.viewerTicket({ params: { name: session.name } });
        out.direct.push(await pump(await unixTransport(vncSocket), vncPassword, ms));
      };
      for (const run of round % 2 === 0 ? [direct, viaTunnel] : [viaTunnel, direct]) await run();
    }
    await terminate(admin.api, session.name);
  } finally {
    await flood.stop();
  }
  return out;
}
