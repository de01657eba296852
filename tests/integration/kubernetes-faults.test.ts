import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeStatusEvent } from '../../agent';
import { kubeConfigFor } from '../fake-kube';
import { eventually } from '../support/eventually';
import { GREETING, kubeRuntimeHarness, kubeSpec, NS, readSome } from '../support/kube-runtime';

describe('kubernetes runtime faults', () => {
  const harness = kubeRuntimeHarness();
  const { setup, runtime, left } = harness;
  afterEach(harness.cleanup);

  it('retries API 500s and carries on', async () => {
    const kube = await setup();
    const rt = runtime(kube);
    await rt.list();
    kube.failNext(2, { status: 500, verb: 'create', resource: 'secrets' });
    expect(await rt.start(kubeSpec('bob-xterm-1'))).toBe('running');
    const secretCreates = kube.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/secrets'));
    expect(secretCreates.map((r) => r.status)).toEqual([500, 500, 201]);
    expect(harness.lines.join('')).toContain('retrying');
  });

  it('honours a 429 and its Retry-After within the deadline', async () => {
    const kube = await setup();
    const rt = runtime(kube);
    await rt.list();
    kube.failNext(1, { status: 429, retryAfterSeconds: 1, verb: 'create', resource: 'services' });
    const started = Date.now();
    expect(await rt.start(kubeSpec('bob-xterm-2'))).toBe('running');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('resumes a dropped watch from its resourceVersion, and lists again after 410 Gone', {
    timeout: 20_000,
  }, async () => {
    const kube = await setup();
    const rt = runtime(kube);
    expect(await rt.start(kubeSpec('bob-xterm-3'))).toBe('running');
    const podLists = () =>
      kube.requests.filter(
        (r) => r.method === 'GET' && r.path.endsWith('/pods') && !r.query.includes('watch'),
      ).length;
    const listsBefore = podLists();

    expect(kube.dropWatches('destroy')).toBe(1);
    await eventually(async () => kube.openWatches === 1, 5_000, 'the watch to come back');
    const resumed = kube.requests.filter((r) => r.query.includes('watch=true')).at(-1);
    expect(resumed?.query).toMatch(/resourceVersion=[1-9]/);
    expect(podLists()).toBe(listsBefore);
    // The resumed watch still sees what happens.
    expect(await rt.hibernate('bob-xterm-3')).toBe('hibernated');

    // The watch is cut, and before it is back the server moves on and forgets its history, so
    // the version it resumes from is gone.
    kube.dropWatches('destroy');
    await kubeConfigFor(kube)
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'unrelated' } } });
    kube.compact();
    await eventually(async () => podLists() > listsBefore, 5_000, 'a new list after 410');
    await eventually(async () => kube.openWatches === 1, 5_000, 'the watch after the relist');
    expect(await rt.wake('bob-xterm-3')).toBe('running');
    await rt.stop('bob-xterm-3');
  });

  it('fails a session whose image cannot be pulled, with the reason, and leaves nothing running', async () => {
    const kube = await setup({ kubelet: { scheduleDelayMs: 20, pullDelayMs: 40, failImagePull: /nope/ } });
    const rt = runtime(kube);
    const events: RuntimeStatusEvent[] = [];
    rt.onStatus((event) => events.push(event));
    const spec = kubeSpec('bob-xterm-4', {
      kubernetes: { image: 'ghcr.io/streamspace/nope:1', vncPort: 5900, env: {} },
    });
    await expect(rt.start(spec)).rejects.toThrow(/ErrImagePull|ImagePullBackOff/);
    expect(events.find((e) => e.state === 'failed')?.message).toMatch(/ghcr.io\/streamspace\/nope:1/);
    expect(left(kube, 'bob-xterm-4')).toEqual([]);
    expect(await rt.status('bob-xterm-4')).toBeNull();
  });

  it('names the verb, resource and namespace that RBAC refused', async () => {
    const kube = await setup();
    const rt = runtime(kube);
    kube.forbid({ verb: 'create', resource: 'deployments', namespace: NS });
    const failure = await rt.start(kubeSpec('bob-xterm-5')).catch((error: unknown) => error);
    expect(String(failure)).toMatch(/RBAC refused to create deployments\.apps in namespace streamspace/);
    // The attempt is not retried: a 403 will not change by itself.
    expect(kube.requests.filter((r) => r.status === 403)).toHaveLength(1);
    expect(left(kube, 'bob-xterm-5')).toEqual([]);
  });

  it('ends the stream with the port-forward error channel text, and logs it', async () => {
    const kube = await setup({ backend: () => ({ host: '127.0.0.1', port: 1 }) });
    const rt = runtime(kube);
    expect(await rt.start(kubeSpec('bob-xterm-6'))).toBe('running');
    const stream = await rt.openStream('bob-xterm-6');
    const failure = await readSome(stream, GREETING.length).catch((error: unknown) => error);
    expect(String(failure)).toMatch(/error forwarding port 5900 to pod .*connection refused/);
    const logged = harness.lines.find((line) => line.includes('port-forward error channel'));
    expect(logged).toMatch(/connection refused/);
    // Every viewer connection gets a fresh forward: a failed one does not poison the next.
    const next = await rt.openStream('bob-xterm-6');
    next.destroy();
    await rt.stop('bob-xterm-6');
  });
});
