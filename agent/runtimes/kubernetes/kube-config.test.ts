import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { kubeConfigYamlFor } from '../../../tests/fake-kube';
import {
  chooseContext,
  KubeConfigError,
  type KubeConfigProblem,
  listContexts,
  loadKubeConfig,
  STACK_CONTEXT,
} from './kube-config';

const dir = mkdtempSync(join(tmpdir(), 'ss-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

const fake = { url: 'http://127.0.0.1:6443', token: 'fake-token' };

/** A kubeconfig with one cluster and user per context, named after it. */
function yamlWith(contexts: string[], current?: string, server = 'https://k8s.example:6443'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: contexts.map((name) => ({ name, cluster: { server } })),
    users: contexts.map((name) => ({ name, user: { token: `t-${name}` } })),
    contexts: contexts.map((name) => ({ name, context: { cluster: name, user: name } })),
    ...(current ? { 'current-context': current } : {}),
  });
}

let files = 0;
function file(content: string): string {
  const path = join(dir, `config-${++files}`);
  writeFileSync(path, content);
  return path;
}

function problem(run: () => unknown): { reason: KubeConfigProblem; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof KubeConfigError) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error('expected a KubeConfigError');
}

describe('chooseContext', () => {
  it('takes a requested context that exists, whatever the policy', () => {
    expect(chooseContext(['a', 'b'], 'b', 'stack')).toBe('b');
    expect(chooseContext(['a', 'b'], 'b', 'agent', 'a')).toBe('b');
  });

  it('lists the contexts when the requested one is missing', () => {
    expect(problem(() => chooseContext(['a', 'b'], 'c', 'agent', 'a'))).toEqual({
      reason: 'context_not_found',
      message: 'no context named c; contexts found: a, b',
    });
  });

  it('lets the stack pick kind-streamspace only, never the current context', () => {
    expect(chooseContext(['prod', STACK_CONTEXT], undefined, 'stack', 'prod')).toBe(STACK_CONTEXT);
    expect(problem(() => chooseContext(['a', 'b'], undefined, 'stack', 'a'))).toEqual({
      reason: 'context_required',
      message:
        'no --context given and no kind-streamspace context; contexts found: a, b (run npm run kind:up, or pass --context NAME)',
    });
  });

  it('gives the standalone agent the current context', () => {
    expect(chooseContext(['a', 'b'], undefined, 'agent', 'b')).toBe('b');
    expect(problem(() => chooseContext(['a'], undefined, 'agent')).message).toBe(
      'no --context given and it has no current-context; contexts found: a',
    );
    expect(problem(() => chooseContext(['a'], undefined, 'agent', 'gone')).message).toMatch(
      /current-context gone is not defined/,
    );
    expect(problem(() => chooseContext([], undefined, 'agent')).reason).toBe('no_contexts');
  });
});

describe('loadKubeConfig', () => {
  it('reads --kubeconfig and sets the chosen context on the KubeConfig', () => {
    const path = file(kubeConfigYamlFor(fake));
    const loaded = loadKubeConfig({ kubeconfig: path, policy: 'stack' }, {});
    expect(loaded.context).toBe(STACK_CONTEXT);
    expect(loaded.inCluster).toBe(false);
    expect(loaded.kubeConfig.getCurrentContext()).toBe(STACK_CONTEXT);
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe(fake.url);
  });

  it('prefers --kubeconfig over KUBECONFIG', () => {
    const flag = file(yamlWith(['from-flag'], 'from-flag'));
    const env = { KUBECONFIG: file(yamlWith(['from-env'], 'from-env')) };
    expect(loadKubeConfig({ kubeconfig: flag, policy: 'agent' }, env).context).toBe('from-flag');
  });

  it('merges a KUBECONFIG list as kubectl does, skipping missing entries', () => {
    const first = file(yamlWith(['a', 'shared'], 'a', 'https://first:6443'));
    const second = file(yamlWith(['shared', 'b'], 'b', 'https://second:6443'));
    const env = { KUBECONFIG: [first, join(dir, 'missing'), '', second].join(delimiter) };
    const loaded = loadKubeConfig({ policy: 'agent' }, env);
    // The first file's current-context and definitions win.
    expect(loaded.context).toBe('a');
    expect(loaded.kubeConfig.getContexts().map((c) => c.name)).toEqual(['a', 'shared', 'b']);
    const shared = loadKubeConfig({ context: 'shared', policy: 'agent' }, env).kubeConfig;
    expect(shared.getCurrentCluster()?.server).toBe('https://first:6443');
    expect(listContexts(undefined, env)).toEqual({
      contexts: ['a', 'shared', 'b'],
      current: 'a',
      paths: [first, second],
    });
  });

  it('falls back to ~/.kube/config', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), yamlWith(['home'], 'home'));
    expect(loadKubeConfig({ policy: 'agent' }, { HOME: home }).context).toBe('home');
    expect(loadKubeConfig({ kubeconfig: '~/.kube/config', policy: 'agent' }, { HOME: home }).context).toBe(
      'home',
    );
  });

  it('lists the contexts when the stack finds no kind-streamspace', () => {
    const path = file(yamlWith(['prod', 'staging'], 'prod'));
    expect(problem(() => loadKubeConfig({ kubeconfig: path, policy: 'stack' }, {})).message).toBe(
      'no --context given and no kind-streamspace context; contexts found: prod, staging (run npm run kind:up, or pass --context NAME)',
    );
    expect(loadKubeConfig({ kubeconfig: path, context: 'staging', policy: 'stack' }, {}).context).toBe(
      'staging',
    );
  });

  it('says which file is missing', () => {
    const missing = join(dir, 'nope');
    expect(problem(() => loadKubeConfig({ kubeconfig: missing, policy: 'agent' }, {}))).toEqual({
      reason: 'file_missing',
      message: `kubeconfig ${missing} does not exist (from --kubeconfig)`,
    });
    expect(problem(() => loadKubeConfig({ policy: 'agent' }, { KUBECONFIG: missing })).message).toMatch(
      /none of the files in KUBECONFIG exist: .*nope; fix KUBECONFIG or pass --kubeconfig PATH/,
    );
    const empty = join(dir, 'empty-home');
    mkdirSync(empty, { recursive: true });
    const inPod = problem(() =>
      loadKubeConfig({ policy: 'agent' }, { HOME: empty, KUBERNETES_SERVICE_HOST: 'x' }),
    );
    expect(inPod.message).toMatch(/\.kube\/config does not exist and KUBECONFIG is not set/);
    expect(inPod.message).toMatch(/pass --in-cluster/);
  });

  it('refuses files that are not kubeconfigs, or whose context has no cluster', () => {
    expect(problem(() => loadKubeConfig({ kubeconfig: file(''), policy: 'agent' }, {})).reason).toBe(
      'file_invalid',
    );
    expect(problem(() => loadKubeConfig({ kubeconfig: file('a: [b'), policy: 'agent' }, {})).reason).toBe(
      'file_invalid',
    );
    const dangling = stringify({
      contexts: [{ name: 'c', context: { cluster: 'ghost', user: 'u' } }],
      'current-context': 'c',
    });
    expect(problem(() => loadKubeConfig({ kubeconfig: file(dangling), policy: 'agent' }, {}))).toMatchObject({
      reason: 'cluster_missing',
      message: expect.stringMatching(/^context c names cluster ghost, which .* does not define$/),
    });
  });

  it('loads the pod service account in cluster, and says so clearly outside one', () => {
    const podRoot = join(dir, 'pod');
    const accountDir = join(podRoot, 'var/run/secrets/kubernetes.io/serviceaccount');
    const outside = problem(() => loadKubeConfig({ inCluster: true, policy: 'agent' }, {}, { podRoot }));
    expect(outside.reason).toBe('not_in_cluster');
    expect(outside.message).toMatch(
      /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT and .*token are missing/,
    );
    expect(
      problem(() => loadKubeConfig({ inCluster: true, context: 'x', policy: 'agent' }, {}, { podRoot }))
        .reason,
    ).toBe('conflicting_options');

    mkdirSync(accountDir, { recursive: true });
    writeFileSync(join(accountDir, 'token'), 'sa-token');
    writeFileSync(join(accountDir, 'namespace'), 'streamspace');
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
    const loaded = loadKubeConfig({ inCluster: true, policy: 'agent' }, env, { podRoot });
    expect(loaded.inCluster).toBe(true);
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
    expect(loaded.context).toBe(loaded.kubeConfig.getCurrentContext());
  });
});
