// No @kubernetes/client-node here: Electron main lists contexts through this file, and loading the
// client just to read a few names would slow the app's start.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';

export type KubeConfigProblem =
  | 'file_missing'
  | 'file_invalid'
  | 'no_contexts'
  | 'context_not_found'
  | 'context_required'
  | 'cluster_missing'
  | 'not_in_cluster'
  | 'conflicting_options';

/** A kubeconfig that cannot be used as asked; the message says what to change. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';

  constructor(
    readonly reason: KubeConfigProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type KubeEnv = Readonly<Record<string, string | undefined>>;

export interface KubeconfigSource {
  /** The files to read, in kubectl's merge order: the first to define a name wins. */
  paths: string[];
  /** How the paths were found, for error messages. */
  origin: 'flag' | 'KUBECONFIG' | 'default';
}

function homeOf(env: KubeEnv): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** Settings and env files do not pass through a shell, so `~/` would otherwise stay literal. */
function expandHome(path: string, env: KubeEnv): string {
  return path === '~' || path.startsWith('~/') ? join(homeOf(env), path.slice(1)) : path;
}

/**
 * The kubeconfig files kubectl would read: the explicit one, else every file in KUBECONFIG that
 * exists (kubectl skips missing entries of the list), else ~/.kube/config.
 */
export function kubeconfigSource(explicit: string | undefined, env: KubeEnv): KubeconfigSource {
  if (explicit) {
    const path = expandHome(explicit, env);
    if (!existsSync(path)) {
      throw new KubeConfigError('file_missing', `kubeconfig ${path} does not exist (from --kubeconfig)`);
    }
    return { paths: [path], origin: 'flag' };
  }
  const listed = (env.KUBECONFIG ?? '')
    .split(delimiter)
    .filter((entry) => entry !== '')
    .map((entry) => expandHome(entry, env));
  if (listed.length > 0) {
    const paths = listed.filter((path) => existsSync(path));
    if (paths.length === 0) {
      throw new KubeConfigError(
        'file_missing',
        `none of the files in KUBECONFIG exist: ${listed.join(', ')}; fix KUBECONFIG or pass --kubeconfig PATH`,
      );
    }
    return { paths, origin: 'KUBECONFIG' };
  }
  const path = join(homeOf(env), '.kube', 'config');
  if (!existsSync(path)) {
    const inPod = env.KUBERNETES_SERVICE_HOST ? ' (running in a pod? pass --in-cluster)' : '';
    throw new KubeConfigError(
      'file_missing',
      `no kubeconfig: ${path} does not exist and KUBECONFIG is not set; pass --kubeconfig PATH${inPod}`,
    );
  }
  return { paths: [path], origin: 'default' };
}

export interface KubeContexts {
  /** Context names in merge order, without duplicates. */
  contexts: string[];
  /** The current-context of the first file that sets one. */
  current: string | undefined;
  paths: string[];
}

function namesIn(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) =>
    entry && typeof entry === 'object' && 'name' in entry && typeof entry.name === 'string'
      ? [entry.name]
      : [],
  );
}

/**
 * The contexts a settings screen can offer, read with a plain YAML parser. It throws the same
 * KubeConfigError as loading would, so the screen can show why there is nothing to choose.
 */
export function listContexts(explicit: string | undefined, env: KubeEnv): KubeContexts {
  const { paths } = kubeconfigSource(explicit, env);
  const contexts: string[] = [];
  let current: string | undefined;
  for (const path of paths) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new KubeConfigError('file_invalid', `cannot read kubeconfig ${path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (!doc || typeof doc !== 'object') continue;
    for (const name of 'contexts' in doc ? namesIn(doc.contexts) : []) {
      if (!contexts.includes(name)) contexts.push(name);
    }
    const set = 'current-context' in doc ? doc['current-context'] : undefined;
    if (current === undefined && typeof set === 'string' && set !== '') current = set;
  }
  return { contexts, current, paths };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
