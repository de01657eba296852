import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';
import { KubeConfigError, type KubeEnv, kubeconfigSource, messageOf } from './kubeconfig-files';

export {
  KubeConfigError,
  type KubeConfigProblem,
  type KubeContexts,
  type KubeEnv,
  listContexts,
} from './kubeconfig-files';

/** The context `npm run kind:up` creates; the only one the local stack picks by itself. */
export const STACK_CONTEXT = 'kind-streamspace';

/**
 * 'stack': the local stack, which must never run sessions on whatever cluster kubectl happens to
 * point at. 'agent': the standalone agent, which an admin points at a cluster on purpose.
 */
export type ContextPolicy = 'stack' | 'agent';

export interface KubeConfigChoice {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  policy: ContextPolicy;
}

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  context: string;
  inCluster: boolean;
}

export interface LoadKubeConfigOptions {
  /** Prefixed to the service account's paths; tests point it at a fake pod filesystem. */
  podRoot?: string;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

const found = (available: readonly string[]) =>
  available.length > 0 ? `contexts found: ${available.join(', ')}` : 'the kubeconfig has no contexts';

/** Which context to use, by the rules of `policy`; pure so every branch is tested without files. */
export function chooseContext(
  available: readonly string[],
  requested: string | undefined,
  policy: ContextPolicy,
  current?: string,
): string {
  if (requested) {
    if (available.includes(requested)) return requested;
    throw new KubeConfigError('context_not_found', `no context named ${requested}; ${found(available)}`);
  }
  if (policy === 'stack') {
    if (available.includes(STACK_CONTEXT)) return STACK_CONTEXT;
    throw new KubeConfigError(
      'context_required',
      `no --context given and no ${STACK_CONTEXT} context; ${found(available)} (run npm run kind:up, or pass --context NAME)`,
    );
  }
  if (available.length === 0) throw new KubeConfigError('no_contexts', `${found(available)}`);
  if (current && available.includes(current)) return current;
  const why = current ? `its current-context ${current} is not defined` : 'it has no current-context';
  throw new KubeConfigError('context_required', `no --context given and ${why}; ${found(available)}`);
}

function readFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    // loadFromFile, not loadFromString: it resolves certificate paths against the file's folder.
    kc.loadFromFile(path);
  } catch (error) {
    // client-node dereferences the parsed YAML unchecked, so an empty or scalar file is a TypeError.
    const why = error instanceof TypeError ? 'not a kubeconfig (no clusters, users and contexts)' : null;
    throw new KubeConfigError('file_invalid', `cannot read kubeconfig ${path}: ${why ?? messageOf(error)}`, {
      cause: error,
    });
  }
  return kc;
}

/**
 * Merges the files as kubectl does: the first to define a name (or a current-context) wins.
 * client-node's own merge throws on a repeated name and lets later files move the current context.
 */
function merge(configs: readonly KubeConfig[]): KubeConfig {
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName<Cluster>(configs.map((kc) => kc.getClusters())),
    users: firstByName<User>(configs.map((kc) => kc.getUsers())),
    contexts: firstByName<Context>(configs.map((kc) => kc.getContexts())),
    currentContext: configs.map((kc) => kc.getCurrentContext()).find((name) => Boolean(name)),
  });
  return merged;
}

function loadInCluster(choice: KubeConfigChoice, env: KubeEnv, podRoot: string): LoadedKubeConfig {
  if (choice.kubeconfig || choice.context) {
    throw new KubeConfigError(
      'conflicting_options',
      '--in-cluster uses the pod service account; drop --kubeconfig and --context',
    );
  }
  // loadFromCluster checks nothing: outside a pod it would aim at https://undefined:undefined.
  const missing = [
    env.KUBERNETES_SERVICE_HOST ? null : 'KUBERNETES_SERVICE_HOST',
    env.KUBERNETES_SERVICE_PORT ? null : 'KUBERNETES_SERVICE_PORT',
    existsSync(join(podRoot, SERVICE_ACCOUNT_TOKEN)) ? null : SERVICE_ACCOUNT_TOKEN,
  ].filter((what) => what !== null);
  if (missing.length > 0) {
    throw new KubeConfigError(
      'not_in_cluster',
      `--in-cluster needs to run in a Kubernetes pod with a service account, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing; outside a cluster pass --kubeconfig PATH`,
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromCluster(podRoot);
  return { kubeConfig, context: kubeConfig.getCurrentContext(), inCluster: true };
}

/**
 * The KubeConfig the runtime talks through, with the chosen context set on it. `env` supplies
 * KUBECONFIG and HOME; in a pod client-node reads the service address from process.env itself.
 */
export function loadKubeConfig(
  choice: KubeConfigChoice,
  env: KubeEnv,
  options: LoadKubeConfigOptions = {},
): LoadedKubeConfig {
  if (choice.inCluster) return loadInCluster(choice, env, options.podRoot ?? '');
  const source = kubeconfigSource(choice.kubeconfig, env);
  const kubeConfig = merge(source.paths.map(readFile));
  const context = chooseContext(
    kubeConfig.getContexts().map((c) => c.name),
    choice.context,
    choice.policy,
    kubeConfig.getCurrentContext(),
  );
  kubeConfig.setCurrentContext(context);
  const clusterName = kubeConfig.getContextObject(context)?.cluster;
  if (!kubeConfig.getCurrentCluster()) {
    throw new KubeConfigError(
      'cluster_missing',
      `context ${context} names cluster ${clusterName ?? '(none)'}, which ${source.paths.join(', ')} does not define`,
    );
  }
  return { kubeConfig, context, inCluster: false };
}
