import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { LocalRuntime, type Runtime } from '../agent';
import { KubernetesRuntime, KubernetesSettings } from '../agent/runtimes/kubernetes';
import { rfbConnect, streamTransport } from '../agent/testing/rfb-client';
import { sessionSpec } from '../agent/testing/session-spec';
import type { SessionSpec } from '../protocol';
import { type FakeKube, type KubeletOptions, kubeConfigFor, startFakeKube } from '../tests/fake-kube';
import { startKubeXvnc } from '../tests/support/kube-xvnc';
import { median, percentile, round, table } from './lib/stats';

const OVERHEAD_RUNS = Number(process.env.BENCH_KUBE_RUNS ?? 50);
const FRAME_RUNS = Number(process.env.BENCH_KUBE_FRAME_RUNS ?? 10);
const NAMESPACE = 'streamspace';
const SESSION_LABEL = 'streamspace.io/session';
/** The fake kubelet as fast as it goes, so what is left is the runtime, the API and the stream. */
const INSTANT: KubeletOptions = { scheduleDelayMs: 0, pullDelayMs: 0, terminateDelayMs: 0 };

const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });

const xtermSpec = (name: string): SessionSpec =>
  sessionSpec(name, {
    kubernetes: { image: 'ghcr.io/streamspace/xterm:0.1.0', vncPort: 5900, env: {} },
    local: {
      command: ['xterm', '-geometry', '120x40+0+0', '-bg', '#101418', '-fg', '#e6e6e6'],
      env: {},
    },
  });

function kubeRuntime(fake: FakeKube): KubernetesRuntime {
  return new KubernetesRuntime({
    kubeConfig: kubeConfigFor(fake, { namespace: NAMESPACE }),
    settings: KubernetesSettings.parse({ namespace: NAMESPACE }),
    inCluster: false,
    logger,
  });
}

/** Resolves when a Deployment and a Service labelled for the session are both in the fake's store. */
function objectsCreated(fake: FakeKube, name: string): Promise<number> {
  return new Promise((resolve) => {
    const seen = new Set<string>();
    const unsubscribe = fake.store.subscribe((event) => {
      if (event.type !== 'ADDED' || event.object.metadata.labels?.[SESSION_LABEL] !== name) return;
      seen.add(event.resource.plural);
      if (seen.has('deployments') && seen.has('services')) {
        unsubscribe();
        resolve(performance.now());
      }
    });
  });
}

/** (a) From runtime.start(spec) to its Deployment and Service existing: the agent's own cost. */
async function startOverhead(): Promise<number[]> {
  const fake = await startFakeKube({ kubelet: INSTANT });
  const runtime = kubeRuntime(fake);
  const samples: number[] = [];
  try {
    // One warm-up run: the first pays for client-node's lazy setup and the pod watch.
    for (let i = 0; i <= OVERHEAD_RUNS; i++) {
      const name = `bench-ovh-${i}`;
      const created = objectsCreated(fake, name);
      const t0 = performance.now();
      const started = runtime.start(xtermSpec(name));
      const t1 = await created;
      await started;
      await runtime.stop(name);
      if (i > 0) samples.push(t1 - t0);
    }
  } finally {
    await runtime.close();
    await fake.stop();
  }
  return samples;
}

/** Start to the first framebuffer update at a raw RFB client on the runtime's own stream. */
async function firstFrame(runtime: Runtime, prefix: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i <= FRAME_RUNS; i++) {
    const spec = xtermSpec(`${prefix}-${i}`);
    const t0 = performance.now();
    await runtime.start(spec);
    const rfb = await rfbConnect(
      streamTransport(await runtime.openStream(spec.name), 30_000),
      spec.vncPassword,
    );
    await rfb.requestAndWaitFirstByte();
    const t1 = performance.now();
    rfb.close();
    await runtime.stop(spec.name);
    if (i > 0) samples.push(t1 - t0);
  }
  return samples;
}

/** (b) On kubernetes: the fake kube, port-forward, and a real Xvnc started as the container runs. */
async function kubeFirstFrame(): Promise<number[]> {
  const xvnc = startKubeXvnc();
  const fake = await startFakeKube({ kubelet: INSTANT, backend: xvnc.backend });
  xvnc.attach(fake);
  const runtime = kubeRuntime(fake);
  try {
    return await firstFrame(runtime, 'bench-kff');
  } finally {
    await runtime.close();
    await fake.stop();
    await xvnc.stop();
  }
}

/** (b) The same on the local runtime, for the ratio. */
async function localFirstFrame(): Promise<number[]> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ss-bench-local-'));
  const runtime = new LocalRuntime({ stateDir, logger });
  try {
    return await firstFrame(runtime, 'bench-lff');
  } finally {
    await runtime.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

function summary(samples: readonly number[]) {
  return {
    runs: samples.length,
    p50Ms: round(median(samples), 1),
    p95Ms: round(percentile(samples, 95), 1),
    minMs: round(Math.min(...samples), 1),
    maxMs: round(Math.max(...samples), 1),
  };
}

/**
 * The kubernetes runtime against the fake kube in this process: (a) how long the agent takes to
 * put a session's objects into the API, and (b) launch to first frame through port-forward, next
 * to the local runtime's, so the extra hop shows as a ratio rather than an absolute.
 */
export async function benchKubernetes(): Promise<Record<string, unknown>> {
  const overhead = summary(await startOverhead());
  const kube = summary(await kubeFirstFrame());
  const local = summary(await localFirstFrame());
  const result = {
    startToObjects: { ...overhead, targetP50Ms: 50 },
    firstFrame: { kubernetes: kube, local, p50Ratio: round(kube.p50Ms / local.p50Ms, 2) },
    kubelet: INSTANT,
  };
  console.log('\nKubernetes runtime against the fake kube');
  console.log(
    table([
      { figure: 'start → Deployment + Service, p50 (ms)', value: overhead.p50Ms },
      { figure: 'start → Deployment + Service, p95 (ms)', value: overhead.p95Ms },
      { figure: 'target p50 (ms)', value: '< 50' },
      { figure: 'launch → first frame, kubernetes p50 (ms)', value: kube.p50Ms },
      { figure: 'launch → first frame, kubernetes p95 (ms)', value: kube.p95Ms },
      { figure: 'launch → first frame, local p50 (ms)', value: local.p50Ms },
      { figure: 'launch → first frame, local p95 (ms)', value: local.p95Ms },
      { figure: 'kubernetes / local, p50', value: result.firstFrame.p50Ratio },
    ]),
  );
  return result;
}
