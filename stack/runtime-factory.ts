import { join } from 'node:path';
import type { Logger } from 'pino';
import { LocalRuntime, localRuntimeAvailable, type Runtime } from '../agent';
import { KubernetesRuntime, KubernetesSettings } from '../agent/runtimes/kubernetes';
import { KubeConfigError, type KubeEnv, loadKubeConfig } from '../agent/runtimes/kubernetes/kube-config';
import type { RuntimeChoice } from './runtime-choice';
import { StackError } from './stack-error';

export type { RuntimeChoice } from './runtime-choice';
export { StackError, type StackErrorReason } from './stack-error';

export interface RuntimeContext {
  /** The stack's data folder; each runtime keeps its state in a folder of its own under it. */
  dataDir: string;
  logger: Logger;
  /** Where KUBECONFIG and HOME are read. */
  env: KubeEnv;
}

function localRuntime({ dataDir, logger }: RuntimeContext): Runtime {
  if (!localRuntimeAvailable()) {
    throw new StackError(
      'the local runtime needs Linux with TigerVNC (Xvnc) installed: apt install tigervnc-standalone-server',
    );
  }
  return new LocalRuntime({ stateDir: join(dataDir, 'local-runtime'), logger });
}

function kubernetesRuntime(
  choice: Extract<RuntimeChoice, { name: 'kubernetes' }>,
  { logger, env }: RuntimeContext,
): Runtime {
  const settings = KubernetesSettings.safeParse({ namespace: choice.namespace });
  if (!settings.success) {
    throw new StackError(
      `invalid --namespace: ${settings.error.issues.map((i) => i.message).join('; ')}`,
      'invalid_option',
    );
  }
  let loaded: ReturnType<typeof loadKubeConfig>;
  try {
    // Policy 'stack': the local stack never falls back to kubectl's current context.
    loaded = loadKubeConfig({ kubeconfig: choice.kubeconfig, context: choice.context, policy: 'stack' }, env);
  } catch (error) {
    if (error instanceof KubeConfigError)
      throw new StackError(error.message, 'kube_config', { cause: error });
    throw error;
  }
  logger.info(
    { context: loaded.context, namespace: settings.data.namespace },
    'kubernetes runtime: sessions run in this cluster',
  );
  return new KubernetesRuntime({
    kubeConfig: loaded.kubeConfig,
    settings: settings.data,
    inCluster: loaded.inCluster,
    logger,
  });
}

/**
 * The runtime the stack runs, the local one when none is chosen. A runtime that cannot work here
 * throws a StackError that says what to install or choose instead.
 */
export function createRuntime(choice: RuntimeChoice | undefined, context: RuntimeContext): Runtime {
  return choice?.name === 'kubernetes' ? kubernetesRuntime(choice, context) : localRuntime(context);
}
