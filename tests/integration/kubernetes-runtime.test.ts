import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeStatusEvent } from '../../agent';
import { kubeConfigFor } from '../fake-kube';
import { eventually } from '../support/eventually';
import { GREETING, kubeRuntimeHarness, kubeSpec, NS, readSome } from '../support/kube-runtime';

describe('kubernetes runtime against the fake API server', () => {
  const { lines, setup, runtime, left, cleanup } = kubeRuntimeHarness();
  afterEach(cleanup);

  it('runs a session from start to terminate: progress, pixels through port-forward, hibernate, wake', {
    timeout: 30_000,
  }, async () => {
    const kube = await setup();
    const rt = runtime(kube);
    const events: RuntimeStatusEvent[] = [];
    rt.onStatus((event) => events.push(event));

    expect(await rt.start(kubeSpec('alice-xterm-1', { persistentHome: true }))).toBe('running');
    const messages = events.filter((e) => e.state === 'starting').map((e) => e.message);
    expect(messages).toContain('Pulling image ghcr.io/streamspace/xterm:0.1.0');
    expect(events.at(-1)?.state).toBe('running');
    expect(left(kube, 'alice-xterm-1').filter((o) => !o.startsWith('pods/'))).toHaveLength(4);
    expect(kube.get('persistentvolumeclaims', NS, 'home-alice')).toBeDefined();

    const stream = await rt.openStream('alice-xterm-1');
    expect(await readSome(stream, GREETING.length)).toBe(GREETING);
    stream.write('ping');
    expect((await readSome(stream, 4)).slice(-4)).toBe('ping');
    stream.destroy();

    expect(await rt.hibernate('alice-xterm-1')).toBe('hibernated');
    expect(kube.get('deployments', NS, 'alice-xterm-1')?.spec).toMatchObject({ replicas: 0 });
    expect(kube.list('pods', NS)).toHaveLength(0);
    expect(await rt.status('alice-xterm-1')).toBe('hibernated');
    await expect(rt.openStream('alice-xterm-1')).rejects.toThrow(/hibernated/);

    expect(await rt.wake('alice-xterm-1')).toBe('running');
    const again = await rt.openStream('alice-xterm-1');
    expect(await readSome(again, GREETING.length)).toBe(GREETING);
    again.destroy();

    expect(await rt.stop('alice-xterm-1')).toBe('terminated');
    expect(left(kube, 'alice-xterm-1')).toEqual([]);
    // The user's files outlive the session.
    expect(kube.get('persistentvolumeclaims', NS, 'home-alice')).toBeDefined();
    expect(await rt.status('alice-xterm-1')).toBeNull();
    expect(lines.join('')).not.toContain('vncpw123');
  });

  it('answers a repeated start from what is there and makes no second Deployment', async () => {
    const kube = await setup();
    const first = runtime(kube);
    expect(await first.start(kubeSpec('alice-xterm-2'))).toBe('running');
    await first.close();

    const second = runtime(kube);
    expect(await second.list()).toEqual([{ name: 'alice-xterm-2', state: 'running' }]);
    expect(await second.start(kubeSpec('alice-xterm-2'))).toBe('running');
    expect(kube.list('deployments', NS)).toHaveLength(1);
    await second.stop('alice-xterm-2');
  });

  it('survives an agent that dies while starting: the restarted one ends running with one Deployment', {
    timeout: 20_000,
  }, async () => {
    const kube = await setup({ kubelet: { scheduleDelayMs: 30, pullDelayMs: 1_500 } });
    const first = runtime(kube);
    const cut = first.start(kubeSpec('alice-xterm-3')).catch((error: unknown) => error);
    await eventually(async () => kube.get('deployments', NS, 'alice-xterm-3'));
    await first.close();
    expect(await cut).toBeInstanceOf(Error);

    const second = runtime(kube);
    expect(await second.list()).toEqual([{ name: 'alice-xterm-3', state: 'starting' }]);
    expect(await second.start(kubeSpec('alice-xterm-3'))).toBe('running');
    expect(kube.list('deployments', NS)).toHaveLength(1);
    const creates = kube.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/deployments'));
    expect(creates.map((r) => r.status)).toEqual([201, 409]);
    await second.stop('alice-xterm-3');
  });

  it('leaves nothing behind when a start cannot create its Deployment', async () => {
    const kube = await setup();
    const rt = runtime(kube, { startTimeoutMs: 1_500 });
    kube.failNext(1_000, { status: 503, verb: 'create', resource: 'deployments' });
    await expect(rt.start(kubeSpec('alice-xterm-4'))).rejects.toThrow(/HTTP 503/);
    expect(left(kube, 'alice-xterm-4')).toEqual([]);
  }, 20_000);

  it('deletes, at start, the objects of a session that has no Deployment', async () => {
    const kube = await setup();
    const labels = {
      'app.kubernetes.io/managed-by': 'streamspace',
      'streamspace.io/session': 'alice-xterm-5',
    };
    await kubeConfigFor(kube)
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'alice-xterm-5-vnc', labels } } });
    const rt = runtime(kube);
    expect(await rt.list()).toEqual([]);
    expect(left(kube, 'alice-xterm-5')).toEqual([]);
  });
});
