import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CoreV1Api, Exec, type V1Status } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExecLookup, type FakeKube, kubeConfigFor, startFakeKube } from './index.js';
import { collect, waitFor } from './test-support.js';

const ns = 'streamspace';

describe('fake kube pods/exec through client-node Exec', () => {
  let fake: FakeKube | undefined;
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'ss-fake-exec-'));
  });
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
    await rm(home, { recursive: true, force: true });
  });

  async function runningPod(exec: ExecLookup = () => ({ home })) {
    fake = await startFakeKube({ kubelet: { scheduleDelayMs: 5, pullDelayMs: 5 }, exec });
    const kc = kubeConfigFor(fake);
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'ex' }, spec: { containers: [{ name: 'session', image: 'i:1' }] } },
    });
    const current = fake;
    await waitFor(
      () =>
        (current.get('pods', ns, 'ex')?.status as { phase?: string } | undefined)?.phase === 'Running' ||
        undefined,
    );
    return kc;
  }

  async function exec(kc: ReturnType<typeof kubeConfigFor>, command: string[], container = 'session') {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    let status: V1Status | undefined;
    const ws = await new Exec(kc).exec(ns, 'ex', container, command, stdout, stderr, null, false, (s) => {
      status = s;
    });
    await new Promise((resolve) => ws.once('close', resolve));
    return { out: out(), err: err(), status, protocol: ws.protocol };
  }

  it('runs the command in the container’s home and ends with a Success Status on v4', async () => {
    const kc = await runningPod();
    const result = await exec(kc, ['sh', '-c', 'echo "$HOME"; pwd; echo oops >&2']);
    expect(result.protocol).toBe('v4.channel.k8s.io');
    expect(result.out).toBe(`${home}\n${home}\n`);
    expect(result.err).toBe('oops\n');
    expect(result.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('reports a non-zero exit as NonZeroExitCode with the code as its ExitCode cause', async () => {
    const kc = await runningPod();
    const { status } = await exec(kc, ['sh', '-c', 'exit 3']);
    expect(status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('ends the command’s input when the socket closes: v4 has no other end of stdin', async () => {
    const kc = await runningPod();
    const stdin = new PassThrough();
    const ws = await new Exec(kc).exec(
      ns,
      'ex',
      'session',
      ['sh', '-c', 'cat > got'],
      null,
      null,
      stdin,
      false,
    );
    stdin.write('hello ');
    stdin.end('world');
    await new Promise((resolve) => ws.once('close', resolve));
    await waitFor(
      async () => (await readFile(join(home, 'got'), 'utf8').catch(() => '')) === 'hello world' || undefined,
    );
  });

  it('refuses a container the pod does not have with 400, and a missing pod with 404, before upgrading', async () => {
    const kc = await runningPod();
    await expect(exec(kc, ['true'], 'other')).rejects.toMatchObject({
      message: expect.stringMatching(/Unexpected server response: 400/),
    });
    await expect(
      new Exec(kc).exec(ns, 'missing', 'session', ['true'], null, null, null, false),
    ).rejects.toMatchObject({ message: expect.stringMatching(/Unexpected server response: 404/) });
  });

  it('says the container is not running when nothing stands in for it', async () => {
    const kc = await runningPod(() => null);
    const { status } = await exec(kc, ['true']);
    expect(status).toMatchObject({ status: 'Failure', message: expect.stringMatching(/is not running/) });
  });
});
