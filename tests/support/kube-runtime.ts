import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  KubernetesRuntime,
  KubernetesSettings,
  type KubernetesTiming,
} from '../../agent/runtimes/kubernetes';
import { capturedLogger } from '../../agent/testing/captured-logger';
import { sessionSpec } from '../../agent/testing/session-spec';
import {
  type FakeKube,
  type FakeKubeOptions,
  type KubeObject,
  kubeConfigFor,
  startFakeKube,
} from '../fake-kube';

// The kubernetes runtime in this process against the fake API server, with a loopback stand-in
// for each session's VNC server, for tests that drive the runtime directly.

export const NS = 'streamspace';
export const GREETING = 'RFB 003.008\n';
// The fake's controller makes Pods straight from a Deployment; it has no ReplicaSets.
const PER_SESSION = ['deployments', 'services', 'secrets', 'networkpolicies', 'pods'];

/** Stands in for a session's Xvnc: says the RFB greeting and echoes what it gets. */
async function rfbStandIn(): Promise<Server> {
  const server = createServer((socket) => {
    socket.write(GREETING);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Resolves with everything read once at least `bytes` arrived. */
export function readSome(stream: Duplex, bytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.length >= bytes) {
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

export function kubeSpec(name: string, overrides: Parameters<typeof sessionSpec>[1] = {}) {
  return sessionSpec(name, {
    kubernetes: { image: 'ghcr.io/streamspace/xterm:0.1.0', vncPort: 5900, env: {} },
    ...overrides,
  });
}

export interface KubeRuntimeHarness {
  /** Log lines of every runtime made, for checks on what was (not) logged. */
  lines: string[];
  setup(options?: FakeKubeOptions): Promise<FakeKube>;
  runtime(kube: FakeKube, timing?: Partial<KubernetesTiming>): KubernetesRuntime;
  /** "plural/name" of every object of the session still in the fake. */
  left(kube: FakeKube, session: string): string[];
  /** The folder standing in for the session's container's home, where pods/exec runs. */
  podHome(kube: FakeKube, session: string): string;
  cleanup(): Promise<void>;
}

export function kubeRuntimeHarness(): KubeRuntimeHarness {
  const runtimes: KubernetesRuntime[] = [];
  const servers: Server[] = [];
  const fakes: FakeKube[] = [];
  const lines: string[] = [];
  let homes: string | undefined;
  const homeOf = (pod: KubeObject) => {
    homes ??= mkdtempSync(join(tmpdir(), 'ss-kube-homes-'));
    const home = join(homes, pod.metadata.uid ?? 'no-uid');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    return home;
  };
  return {
    lines,
    async setup(options = {}) {
      const server = await rfbStandIn();
      servers.push(server);
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const fake = await startFakeKube({
        kubelet: { scheduleDelayMs: 30, pullDelayMs: 60 },
        backend: () => ({ host: '127.0.0.1', port: address.port }),
        exec: (pod) => ({ home: homeOf(pod) }),
        ...options,
      });
      fakes.push(fake);
      return fake;
    },
    runtime(kube, timing = {}) {
      const made = new KubernetesRuntime({
        kubeConfig: kubeConfigFor(kube),
        settings: KubernetesSettings.parse({}),
        inCluster: false,
        logger: capturedLogger(lines),
        timing: { retry: { attemptTimeoutMs: 2_000, backoff: { initialMs: 10, maxMs: 50 } }, ...timing },
      });
      runtimes.push(made);
      return made;
    },
    left(kube, session) {
      return PER_SESSION.flatMap((plural) =>
        kube
          .list(plural, NS)
          .filter((o) => o.metadata.labels?.['streamspace.io/session'] === session)
          .map((o) => `${plural}/${o.metadata.name}`),
      );
    },
    podHome(kube, session) {
      const pod = kube
        .list('pods', NS)
        .find(
          (p) => p.metadata.labels?.['streamspace.io/session'] === session && !p.metadata.deletionTimestamp,
        );
      if (!pod) throw new Error(`no pod for ${session}`);
      return homeOf(pod);
    },
    async cleanup() {
      for (const runtime of runtimes.splice(0)) await runtime.close();
      for (const fake of fakes.splice(0)) await fake.stop();
      for (const server of servers.splice(0)) server.close();
      lines.length = 0;
      if (homes) rmSync(homes, { recursive: true, force: true });
      homes = undefined;
    },
  };
}
