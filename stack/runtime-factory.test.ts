import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { localRuntimeAvailable } from '../agent';
import { type FakeKube, kubeConfigYamlFor, startFakeKube } from '../tests/fake-kube';
import { createRuntime, StackError } from './runtime-factory';

describe('createRuntime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-factory-'));
  const context = { dataDir, logger: pino({ level: 'silent' }), env: { HOME: dataDir } };
  let kube: FakeKube;
  beforeAll(async () => {
    kube = await startFakeKube();
  });
  afterAll(async () => {
    await kube.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const kubeconfig = (name: string, yaml: string) => {
    const path = join(dataDir, name);
    writeFileSync(path, yaml, { mode: 0o600 });
    return path;
  };

  it('picks the local runtime when none is named', async () => {
    if (!localRuntimeAvailable()) {
      expect(() => createRuntime(undefined, context)).toThrow(StackError);
      return;
    }
    const runtime = createRuntime(undefined, context);
    expect(runtime.name).toBe('local');
    await runtime.close();
  });

  it('refuses a kubeconfig without kind-streamspace, listing its contexts', () => {
    const path = kubeconfig(
      'other',
      stringify({
        clusters: [{ name: 'prod', cluster: { server: 'https://prod.example:6443' } }],
        users: [{ name: 'prod', user: { token: 't' } }],
        contexts: ['prod', 'staging'].map((name) => ({ name, context: { cluster: 'prod', user: 'prod' } })),
        'current-context': 'prod',
      }),
    );
    let error: unknown;
    try {
      createRuntime({ name: 'kubernetes', kubeconfig: path }, context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackError);
    expect(error).toMatchObject({
      reason: 'kube_config',
      message:
        'no --context given and no kind-streamspace context; contexts found: prod, staging (run npm run kind:up, or pass --context NAME)',
    });
  });

  it('builds the kubernetes runtime on kind-streamspace, from --kubeconfig or KUBECONFIG', async () => {
    const path = kubeconfig('kind', kubeConfigYamlFor(kube));
    const runtime = createRuntime({ name: 'kubernetes', kubeconfig: path, namespace: 'desk' }, context);
    expect(runtime.name).toBe('kubernetes');
    await runtime.close();
    const fromEnv = createRuntime({ name: 'kubernetes' }, { ...context, env: { KUBECONFIG: path } });
    expect(fromEnv.name).toBe('kubernetes');
    await fromEnv.close();
  });

  it('says what is wrong with a missing kubeconfig or a bad namespace', () => {
    expect(() => createRuntime({ name: 'kubernetes', kubeconfig: join(dataDir, 'nope') }, context)).toThrow(
      /kubeconfig .*nope does not exist/,
    );
    expect(() => createRuntime({ name: 'kubernetes', namespace: 'Not_OK' }, context)).toThrow(
      /invalid --namespace: must be lowercase letters, digits and dashes/,
    );
  });
});
