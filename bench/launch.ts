import { performance } from 'node:perf_hooks';
import { rfbConnect, wsTransport } from '../agent/testing/rfb-client';
import { startStackProcess } from '../tests/support/stack-process';
import { signIn, terminate, viewer } from './lib/api';
import { median, percentile, round, table } from './lib/stats';

const RUNS = Number(process.env.BENCH_LAUNCH_RUNS ?? 10);
const PASSWORD = 'bench-admin-password';

/**
 * Launch to first frame for xterm on the local runtime: from the POST that creates the session to
 * the first framebuffer update at a raw RFB client through the backend's VNC WebSocket.
 */
export async function benchLaunch(): Promise<Record<string, unknown>> {
  const stack = await startStackProcess({ STREAMSPACE_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' });
  const samples: Array<{ total: number; accepted: number; handshake: number }> = [];
  try {
    const admin = await signIn(stack.url, 'admin', PASSWORD);
    // One warm-up launch so the first sample does not pay for cold caches.
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      const session = await admin.api.createSession({ body: { template: 'xterm' } });
      const t1 = performance.now();
      const view = await viewer(admin, session.name);
      const rfb = await rfbConnect(await wsTransport(view.url), view.vncPassword);
      const t2 = performance.now();
      await rfb.requestAndWaitFirstByte();
      const t3 = performance.now();
      rfb.close();
      await terminate(admin.api, session.name);
      if (i > 0) samples.push({ total: t3 - t0, accepted: t1 - t0, handshake: t2 - t1 });
    }
  } finally {
    await stack.stop();
  }
  const totals = samples.map((s) => s.total);
  const result = {
    runs: samples.length,
    medianMs: round(median(totals), 1),
    p90Ms: round(percentile(totals, 90), 1),
    minMs: round(Math.min(...totals), 1),
    maxMs: round(Math.max(...totals), 1),
    medianAcceptMs: round(median(samples.map((s) => s.accepted)), 1),
    medianUntilRfbReadyMs: round(median(samples.map((s) => s.accepted + s.handshake)), 1),
    targetMedianMs: 1500,
  };
  console.log('\nLaunch to first frame, xterm on the local runtime');
  console.log(
    table([
      { figure: 'median (ms)', value: result.medianMs },
      { figure: 'p90 (ms)', value: result.p90Ms },
      { figure: 'min / max (ms)', value: `${result.minMs} / ${result.maxMs}` },
      { figure: 'POST answered, median (ms)', value: result.medianAcceptMs },
      { figure: 'RFB ready, median (ms)', value: result.medianUntilRfbReadyMs },
      { figure: 'target median (ms)', value: '< 1500' },
    ]),
  );
  return result;
}
