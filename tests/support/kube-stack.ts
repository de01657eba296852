import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FAKE_CONTEXT,
  type FakeKube,
  type KubeletOptions,
  kubeConfigYamlFor,
  startFakeKube,
} from '../fake-kube';
import { type KubeXvnc, type KubeXvncOptions, startKubeXvnc } from './kube-xvnc';
import { type StackProcess, startStackProcess } from './stack-process';

// The headless stack on the kubernetes runtime, pointed at the fake kube through a kubeconfig
// file, as a user with a kind cluster would run it; every session pod is backed by a real Xvnc.

export const KUBE_NAMESPACE = 'streamspace';

/**
 * Slow enough that each start-up phase (scheduling, pulling, starting) lasts long enough for the
 * dashboard to show it, fast enough that a launch still takes well under a second.
 */
export const VISIBLE_PHASES: KubeletOptions = {
  scheduleDelayMs: 100,
  pullDelayMs: 300,
  terminateDelayMs: 100,
};

export interface KubeStackOptions {
  /** Extra environment for the stack, e.g. STREAMSPACE_ADMIN_PASSWORD. */
  env?: Record<string, string>;
  kubelet?: KubeletOptions;
  xvnc?: KubeXvncOptions;
}

export interface KubeStack {
  readonly fake: FakeKube;
  readonly xvnc: KubeXvnc;
  readonly stack: StackProcess;
  readonly kubeconfigPath: string;
  /** Ends the stack first (its agent lets go of watches and forwards), then the fake, then Xvnc. */
  stop(): Promise<void>;
}

export async function startKubeStack(options: KubeStackOptions = {}): Promise<KubeStack> {
  const dir = await mkdtemp(join(tmpdir(), 'ss-kube-stack-'));
  const xvnc = startKubeXvnc(options.xvnc);
  let fake: FakeKube | undefined;
  let stack: StackProcess | undefined;
  const stop = async () => {
    try {
      await stack?.stop();
      await fake?.stop();
    } finally {
      await xvnc.stop().finally(() => rm(dir, { recursive: true, force: true }));
    }
  };
  try {
    fake = await startFakeKube({
      kubelet: options.kubelet ?? VISIBLE_PHASES,
      backend: xvnc.backend,
      exec: xvnc.exec,
    });
    xvnc.attach(fake);
    const kubeconfigPath = join(dir, 'kubeconfig');
    // 0600 as kubectl writes it: the file holds the cluster token.
    await writeFile(kubeconfigPath, kubeConfigYamlFor(fake, { namespace: KUBE_NAMESPACE }), { mode: 0o600 });
    const dataDir = join(dir, 'data');
    await mkdir(dataDir, { mode: 0o700 });
    stack = await startStackProcess(options.env ?? {}, {
      dataDir,
      args: [
        '--runtime',
        'kubernetes',
        '--kubeconfig',
        kubeconfigPath,
        '--context',
        FAKE_CONTEXT,
        '--namespace',
        KUBE_NAMESPACE,
      ],
    });
    return { fake, xvnc, stack, kubeconfigPath, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
