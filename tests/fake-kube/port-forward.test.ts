import { createServer, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { CoreV1Api, PortForward } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeKube, kubeConfigFor, startFakeKube } from './index.js';
import { collect, recorded, waitFor } from './test-support.js';

const ns = 'streamspace';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('fake kube port-forward through client-node PortForward', () => {
  let fake: FakeKube;
  const servers: Server[] = [];
  afterEach(async () => {
    await fake.stop();
    for (const server of servers.splice(0)) server.close();
  });

  async function runningPod(backendPort: number) {
    fake = await startFakeKube({
      kubelet: { scheduleDelayMs: 5, pullDelayMs: 5 },
      backend: () => ({ host: '127.0.0.1', port: backendPort }),
    });
    const kc = kubeConfigFor(fake);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'pf' },
        spec: { containers: [{ name: 'c', image: 'i:1', ports: [{ containerPort: 5900 }] }] },
      },
    });
    await waitFor(
      () =>
        (fake.get('pods', ns, 'pf')?.status as { phase?: string } | undefined)?.phase === 'Running' ||
        undefined,
    );
    return kc;
  }

  it('round-trips bytes to a loopback echo backend', async () => {
    const echo = createServer((socket) => socket.pipe(socket));
    servers.push(echo);
    const kc = await runningPod(await listen(echo));
    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    const received = collect(output);
    const ws = await new PortForward(kc).portForward(ns, 'pf', [5900], output, errors, input);
    expect((ws as { protocol: string }).protocol).toBe('v4.channel.k8s.io');
    input.write('hello fake kube');
    await waitFor(() => (received() === 'hello fake kube' ? true : undefined));
    expect(collect(errors)()).toBe('');
    input.end();
  });

  it('reports a refused backend on the error channel', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const kc = await runningPod(port);
    const errors = new PassThrough();
    const errorText = collect(errors);
    await new PortForward(kc).portForward(ns, 'pf', [5900], new PassThrough(), errors, new PassThrough());
    await waitFor(() => (errorText() !== '' ? true : undefined));
    expect(errorText()).toMatch(/^error forwarding port 5900 to pod [0-9a-f-]+, uid : .*connection refused/);
  });

  it('refuses an unscheduled pod and a plain request like the apiserver', async () => {
    fake = await startFakeKube({ kubelet: { scheduleDelayMs: 60_000 } });
    const kc = kubeConfigFor(fake);
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'pending' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
    });
    await expect(
      new PortForward(kc).portForward(ns, 'pending', [5900], new PassThrough(), null, new PassThrough()),
    ).rejects.toBeDefined();
    const headers = { authorization: `Bearer ${fake.token}` };
    const plain = await fetch(`${fake.url}/api/v1/namespaces/${ns}/pods/pending/portforward?ports=5900`, {
      headers,
    });
    const real = recorded(
      '11-portforward-curl',
      'GET portforward?ports=5900, WebSocket upgrade v4.channel.k8s.io, Pending',
    ).response;
    expect(plain.status).toBe(real.status);
    expect(await plain.json()).toEqual({
      ...real.body,
      message: 'pod pending does not have a host assigned',
    });
    const missing = await fetch(`${fake.url}/api/v1/namespaces/${ns}/pods/no-such-pod/portforward`, {
      method: 'POST',
      headers,
    });
    expect(await missing.json()).toEqual(recorded('11-portforward-curl', 'missing pod').response.body);
  });
});
