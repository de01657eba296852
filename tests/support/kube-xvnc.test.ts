import { PassThrough } from 'node:stream';
import { AppsV1Api, CoreV1Api, PortForward } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ByteReader, type RfbTransport, rfbConnect } from '../../agent/testing/rfb-client';
import { processesMentioning } from '../../agent/testing/strays';
import { type FakeKube, kubeConfigFor, startFakeKube } from '../fake-kube';
import { eventually } from './eventually';
import { type KubeXvnc, type KubeXvncOptions, startKubeXvnc } from './kube-xvnc';
import { VNC_SECRET_MOUNT } from './kube-xvnc-display';
import { xvncFor } from './processes';

const ns = 'streamspace';
const PASSWORD = 'pw-1234';

/** A session pod as the runtime's Deployment makes it, reduced to what the harness reads. */
function sessionPod(name: string, session: string) {
  return {
    metadata: { name, labels: { 'streamspace.io/session': session } },
    spec: {
      containers: [
        {
          name: 'session',
          image: 'ghcr.io/streamspace/xterm:0.1.0',
          ports: [{ containerPort: 5900, name: 'vnc' }],
          volumeMounts: [{ name: 'vnc', mountPath: VNC_SECRET_MOUNT, readOnly: true }],
        },
      ],
      volumes: [{ name: 'vnc', secret: { secretName: `${session}-vnc` } }],
    },
  };
}

/** An RFB transport over client-node's port-forward: the bytes cross the fake's WebSocket. */
async function forward(fake: FakeKube, pod: string): Promise<RfbTransport & { errors: () => string }> {
  const output = new PassThrough();
  const errorStream = new PassThrough();
  const input = new PassThrough();
  const reader = new ByteReader();
  let errors = '';
  output.on('data', (chunk: Buffer) => reader.push(chunk));
  errorStream.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const ws = await new PortForward(kubeConfigFor(fake)).portForward(
    ns,
    pod,
    [5900],
    output,
    errorStream,
    input,
  );
  const socket = ws as { close(): void; on(event: 'close', listener: () => void): void };
  socket.on('close', () => reader.fail(new Error(`port-forward closed ${errors}`)));
  return {
    reader,
    send: (data) => void input.write(data),
    close: () => socket.close(),
    errors: () => errors,
  };
}

describe('kube-xvnc: a real Xvnc behind each fake session pod', () => {
  let fake: FakeKube | undefined;
  let harness: KubeXvnc | undefined;
  afterEach(async () => {
    await fake?.stop();
    await harness?.stop();
    fake = undefined;
    harness = undefined;
  });

  async function setup(options: KubeXvncOptions = {}) {
    harness = startKubeXvnc(options);
    fake = await startFakeKube({
      kubelet: { scheduleDelayMs: 5, pullDelayMs: 20, terminateDelayMs: 20 },
      backend: harness.backend,
    });
    harness.attach(fake);
    return { fake, harness, core: kubeConfigFor(fake).makeApiClient(CoreV1Api) };
  }

  async function runningPod(core: CoreV1Api, f: FakeKube, name: string, session: string) {
    await core.createNamespacedPod({ namespace: ns, body: sessionPod(name, session) });
    await eventually(
      async () => (f.get('pods', ns, name)?.status as { phase?: string } | undefined)?.phase === 'Running',
      5_000,
      `pod ${name} running`,
    );
  }

  for (const [how, secret] of [
    ['stringData', { stringData: { password: PASSWORD } }],
    ['base64 data', { data: { password: Buffer.from(PASSWORD).toString('base64') } }],
  ] as const) {
    it(`greets with RFB 3.8 and passes VncAuth with the Secret's password (${how})`, async () => {
      const { fake, harness, core } = await setup();
      await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's1-vnc' }, ...secret } });
      await runningPod(core, fake, 'pod-a', 's1');

      const first = await forward(fake, 'pod-a');
      expect((await first.reader.read(12, 15_000)).toString('latin1')).toBe('RFB 003.008\n');
      first.close();

      // A second forward reaches the same X server: sign in and take a full frame of real pixels.
      const t = await forward(fake, 'pod-a');
      const session = await rfbConnect(t, PASSWORD);
      expect(session.name).toBe('s1');
      const frame = await session.update(false);
      expect(frame.bytes).toBe(session.width * session.height * session.bytesPerPixel);
      session.close();
      expect(t.errors()).toBe('');
      expect(harness.podUids()).toHaveLength(1);
      expect(xvncFor('s1')).toHaveLength(1);
      expect(harness.failures).toEqual([]);
    });
  }

  it('refuses a wrong password', async () => {
    const { fake, core } = await setup();
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 's2-vnc' }, stringData: { password: PASSWORD } },
    });
    await runningPod(core, fake, 'pod-b', 's2');
    const t = await forward(fake, 'pod-b');
    await expect(rfbConnect(t, 'not-it')).rejects.toThrow(/VncAuth failed/);
    t.close();
  });

  it('ends the Xvnc with its pod, and a new pod of the Deployment gets a new one', async () => {
    const { fake, harness, core } = await setup();
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 's3-vnc' }, stringData: { password: PASSWORD } },
    });
    const apps = kubeConfigFor(fake).makeApiClient(AppsV1Api);
    const labels = { 'streamspace.io/session': 's3' };
    const template = sessionPod('unused', 's3');
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'ss-s3', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: template.spec },
        },
      },
    });
    // Started by the kubelet's "running", before anyone forwards: Xvnc, then the template's xterm.
    const first = await eventually(
      async () => (xvncFor('s3').length === 1 && harness.pids().length === 2 ? xvncFor('s3') : null),
      15_000,
      'Xvnc and xterm',
    );
    const firstPids = harness.pids();
    expect(firstPids).toContain(first[0]);

    const scale = (replicas: number) =>
      apps.replaceNamespacedDeploymentScale({
        name: 'ss-s3',
        namespace: ns,
        body: { metadata: { name: 'ss-s3', namespace: ns }, spec: { replicas } },
      });
    await scale(0);
    await eventually(
      async () => harness.podUids().length === 0 && xvncFor('s3').length === 0,
      10_000,
      'Xvnc gone',
    );
    expect(await alive(firstPids)).toEqual([]);

    await scale(1);
    const second = await eventually(
      async () => (xvncFor('s3').length === 1 ? xvncFor('s3') : null),
      15_000,
      'new Xvnc',
    );
    expect(second[0]).not.toBe(first[0]);
    const pod = fake.list('pods', ns)[0];
    const t = await forward(fake, pod?.metadata.name ?? '');
    expect((await rfbConnect(t, PASSWORD)).name).toBe('s3');
    t.close();

    await core.deleteNamespacedPod({ name: pod?.metadata.name ?? '', namespace: ns });
    await eventually(async () => (await alive(second)).length === 0, 10_000, 'Xvnc gone after delete');
    // The ReplicaSet replaces the deleted pod, and the replacement is a new container.
    const third = await eventually(
      async () => (xvncFor('s3').length === 1 && xvncFor('s3')[0] !== second[0] ? xvncFor('s3') : null),
      15_000,
      "the replacement pod's Xvnc",
    );
    expect(harness.podUids()).toEqual([fake.list('pods', ns)[0]?.metadata.uid]);
    expect(third).toHaveLength(1);
  });

  it("with startOn 'forward' starts nothing until a forward, and reports a pod without a Secret", async () => {
    const { fake, harness, core } = await setup({ startOn: 'forward' });
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 's4-vnc' }, stringData: { password: PASSWORD } },
    });
    await runningPod(core, fake, 'pod-d', 's4');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.pids()).toEqual([]);
    const t = await forward(fake, 'pod-d');
    expect((await rfbConnect(t, PASSWORD)).name).toBe('s4');
    t.close();

    await runningPod(core, fake, 'pod-e', 'no-secret');
    const bad = await forward(fake, 'pod-e');
    await eventually(async () => bad.errors() !== '' || null, 5_000, 'an error on the error channel');
    expect(bad.errors()).toMatch(/Secret streamspace\/no-secret-vnc holds no password/);
    expect(harness.failures.at(-1)).toMatch(/pod-e/);

    const root = harness.root;
    const pids = harness.pids();
    expect(pids.length).toBeGreaterThan(0);
    // stop() is idempotent, so afterEach may call it again.
    await harness.stop();
    expect(await alive(pids)).toEqual([]);
    expect(await processesMentioning(root)).toEqual([]);
  });
});

async function alive(pids: readonly number[]): Promise<number[]> {
  const live = await processesMentioning('');
  return pids.filter((pid) => live.includes(pid));
}
