import { KubeConfigError, listContexts } from '../agent/runtimes/kubernetes/kubeconfig-files';
import type { KubeContextList } from '../protocol';

/**
 * The contexts a settings page can offer for the local stack, from the same files the stack
 * would read. A kubeconfig that cannot be read is an answer, not a failure: the page shows why.
 */
export function kubeContextList(
  kubeconfig: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): KubeContextList {
  try {
    const { contexts, current } = listContexts(kubeconfig, env);
    return current === undefined ? { ok: true, contexts } : { ok: true, contexts, current };
  } catch (error) {
    if (error instanceof KubeConfigError) return { ok: false, message: error.message };
    throw error;
  }
}
